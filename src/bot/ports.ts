// What the engine needs from the domain. The tips service implements TipDesk; the bot depends on
// this interface only, so it can be tested with plain objects and knows nothing of the database.
import type { Category } from '../tips/types.js';
import type { CitizenRef, NoticeId } from './types.js';

/** The tips domain's category keys: the bot shows and guesses them through src/tips/rules. */
export type TipCategoryKey = Category;

export interface TranscriptEntry {
  at: string; // ISO time
  from: 'citizen' | 'bot';
  kind: string; // text, voice, image, location, ...
  text?: string;
  mediaId?: string;
}

export interface TipSubmission {
  citizen: CitizenRef;
  category: TipCategoryKey;
  description: string;
  transcript: TranscriptEntry[];
  attachments: Array<{ type: 'image' | 'voice' | 'video'; mediaId: string }>;
  place: {
    countyCode?: string;
    townshipCode?: string;
    text?: string;
    latitude?: number;
    longitude?: number;
  };
  contact: { anonymous: boolean; phone?: string; name?: string };
  /** Danger words were seen during the conversation: the tip is graded red whatever else. */
  danger: boolean;
  /** Idempotency: a retried confirmation with the same key returns the same receipt. */
  submissionKey: string;
}

export interface TipReceipt {
  code: string;
  colour: 'red' | 'yellow' | 'green';
  /** When the citizen can expect to hear back (acknowledgement clock of the colour). */
  acknowledgeBy: Date;
  concludeBy: Date;
}

export interface CitizenTipView {
  code: string;
  category: TipCategoryKey;
  state: string;
  /** The citizen's word for the state (已收到, 已登记受理, 办理中, 已答复, 已办结…). */
  stateLabel: string;
  /** When the tip reached that step (shown as its date). */
  stateAt?: Date | null;
  /** The steps so far, oldest first, each with its date: the progress a citizen follows (Art 21). */
  steps?: CitizenTipStep[];
  submittedAt: Date;
  concludeBy: Date | null;
  answer: string | null;
  answeredAt: Date | null;
  rating: string | null;
  canRate: boolean;
  canRequestReview: boolean;
  /** Still being handled: the citizen may add words, photos, voice or video to it (补充). */
  canAdd: boolean;
}

export interface CitizenTipStep {
  label: string;
  at: Date;
}

export type CitizenRating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

/**
 * What a citizen adds to a tip they sent (补充): words, or one photo, voice or video. `messageKey`
 * names the message it came in: the same message delivered twice is added once.
 */
export interface TipAddition {
  messageKey: string;
  text?: string;
  attachment?: { type: 'image' | 'voice' | 'video'; mediaId: string };
  /** Danger words in this message (the engine's detector): the tip is raised to red. */
  danger: boolean;
}

/** `added`: stored now; `again`: this message was added before; the tip's colour after it. */
export interface TipAdditionResult {
  outcome: 'added' | 'again';
  colour: 'red' | 'yellow' | 'green';
}

/** A notice about the citizen's tip that no push reached them with, waiting for their next message. */
export interface WaitingNotice {
  id: NoticeId;
  text: string;
}

export interface TipDesk {
  submit(submission: TipSubmission): Promise<TipReceipt>;
  listMine(citizen: CitizenRef): Promise<CitizenTipView[]>;
  /** Only the citizen's own tip; undefined for someone else's or an unknown code. */
  getMine(citizen: CitizenRef, code: string): Promise<CitizenTipView | undefined>;
  rate(citizen: CitizenRef, code: string, rating: CitizenRating): Promise<CitizenTipView>;
  requestReview(citizen: CitizenRef, code: string, reason: string): Promise<CitizenTipView>;
  /**
   * Adds to the citizen's own tip while it is being handled (canAdd), committed before it
   * resolves. Throws AppError TIP_NOT_FOUND (not theirs, or unknown), TIP_CANNOT_ADD (no longer
   * being handled), TIP_ADDITIONS_FULL (its limit of additions reached), TIP_INVALID.
   */
  addToTip(citizen: CitizenRef, code: string, addition: TipAddition): Promise<TipAdditionResult>;
  /**
   * Notices that could not be pushed, held for this message's reply: a message arriving while they
   * are held does not get them (NOTICE_HOLD_MS in src/tips/notices.ts). Not yet delivered: see
   * noticesDelivered / releaseNotices.
   */
  holdNotices(citizen: CitizenRef): Promise<WaitingNotice[]>;
  /** Held notices that reached the citizen: recorded as delivered, never shown again. */
  noticesDelivered(citizen: CitizenRef, ids: readonly NoticeId[]): Promise<void>;
  /** Held notices that did not reach the citizen: waiting again, shown at the next message. */
  releaseNotices(citizen: CitizenRef, ids: readonly NoticeId[]): Promise<void>;
  /** Records the citizen's last message time: customer-service messages are allowed for 48 h after it. */
  touch(citizen: CitizenRef, at: Date): Promise<void>;
  /** Tips submitted by this citizen since the given time (for the daily limit). */
  countSince(citizen: CitizenRef, since: Date): Promise<number>;
  /**
   * The receipt of the tip this citizen committed under `submissionKey` (a draft's id), or
   * undefined when none was: also for another citizen's key, whose code they must not learn.
   * One indexed read; the bot asks it only for a draft that may have become a tip unseen
   * (a commit whose conversation record could not be saved).
   */
  findReceipt(citizen: CitizenRef, submissionKey: string): Promise<TipReceipt | undefined>;
}

/** What staff rooms on Wechaty are told: never the reporter's identity, only code, colour and county. */
export interface TipAnnouncement {
  /** A new red tip (or one raised to red), a tip handed to a unit, a deadline near. */
  kind: 'new_red' | 'assigned' | 'due_soon';
  code: string;
  colour: 'red' | 'yellow' | 'green';
  category: TipCategoryKey;
  countyName: string | null;
  /** `assigned`: the unit it went to. */
  unitName?: string | null;
  dueAt?: Date;
}

/** What happened after a cursor, and the cursor to ask from next time. */
export interface AnnouncementBatch {
  cursor: number;
  /** Each with the position just past it. */
  items: Array<{ eventId: number; announcement: TipAnnouncement }>;
}

export interface TipAnnouncer {
  /**
   * Red tips and assignments after `cursor` (from the database, so a tip taken in by any
   * process is seen); null starts at the present, announcing nothing from before.
   */
  listSince(cursor: number | null, limit?: number): Promise<AnnouncementBatch>;
  /** Open tips whose next deadline falls within the given hours. */
  listDueSoon(withinHours: number): Promise<TipAnnouncement[]>;
}

/** A published article as the chat shows it: one item of a news reply. */
export interface ShelfArticle {
  title: string;
  summary: string;
  /** Absolute address of its public page. */
  url: string;
  /** Absolute address of its cover, when it has one. */
  coverUrl: string | null;
}

/** What the engine reads of the articles module: the latest published, and search. */
export interface ArticleShelf {
  latest(limit: number): Promise<ShelfArticle[]>;
  /** Best matches first; `total` is how many there are in all. */
  search(words: string, limit: number): Promise<{ items: ShelfArticle[]; total: number }>;
  /** Absolute address of the public list, or of its search results for `words`. */
  listUrl(words?: string): string;
}

/** A current anti-fraud alert as the chat lists it: title, one line, and its page. */
export interface BoardAlert {
  title: string;
  /** One line for the chat (the alert's summary). */
  line: string;
  /** 严重 / 较重 / 一般. */
  severityLabel: string;
  /** 全市, or the counties it concerns (三元区、永安市). */
  regionLabel: string;
  /** Absolute address of its public page. */
  url: string;
}

/** What the engine reads of the alerts module (src/alerts/board.ts): the alerts current now. */
export interface AlertBoard {
  /**
   * Published alerts whose valid-until lies ahead, at most `limit`. With `countyCode`: the
   * alerts naming that county first, then the city-wide ones; without: all of them.
   */
  current(countyCode?: string, limit?: number): Promise<BoardAlert[]>;
  /** Absolute address of the public list, filtered to the county when given. */
  listUrl(countyCode?: string): string;
}

/**
 * The county a citizen follows alerts for (county division code), when known. Implemented by the
 * followers module (src/alerts/followers); an engine without it lists every current alert.
 */
export interface CitizenCounty {
  countyOf(citizen: CitizenRef): Promise<string | undefined>;
}

export type ScamIdentifierKind = 'phone' | 'url' | 'account';

/** A phone number, web address or account in its normal form (src/alerts/reports/identifiers.ts). */
export interface ScamIdentifier {
  kind: ScamIdentifierKind;
  value: string;
}

/**
 * What became of one reported identifier: `recorded` (this citizen's first report of it),
 * `again` (they had reported it before: counted once), `full` (over their daily limit: not stored).
 */
export type ScamReportOutcome = 'recorded' | 'again' | 'full';

export interface ScamReportResult {
  identifier: ScamIdentifier;
  outcome: ScamReportOutcome;
}

/**
 * Citizens' reports of scam identifiers (src/alerts/reports), counted by distinct citizen. Reports
 * alone warn nobody: staff review the identifiers enough citizens reported, and only those they
 * confirm raise a 鉴诈 verdict.
 */
export interface ScamReportDesk {
  /** Records the citizen's report of each identifier (once per identifier and citizen; at most config `alerts.reportDailyLimit` new ones a Beijing day). */
  report(citizen: CitizenRef, identifiers: readonly ScamIdentifier[], at: Date): Promise<ScamReportResult[]>;
  /** The identifiers in `text` that staff confirmed as scams. */
  confirmedIn(text: string): Promise<ScamIdentifier[]>;
}

/** How the bot learned the county a follower lives in, weakest first. */
export type CountySource = 'location' | 'tip' | 'asked';

/**
 * The official account's followers as the engine tells of them (src/alerts/followers builds it):
 * who follows, when they last wrote (WeChat allows customer-service messages for 48 h after),
 * and their county, for local anti-fraud alerts. Only the official account has followers: the
 * engine never calls it for another channel. Failures are logged by the engine and never cost
 * the citizen their message.
 */
export interface FollowerRegistry {
  subscribed(citizen: CitizenRef, at: Date): Promise<void>;
  unsubscribed(citizen: CitizenRef, at: Date): Promise<void>;
  /** Any message or click: the 48-hour window runs from the last one. */
  touched(citizen: CitizenRef, at: Date): Promise<void>;
  /** True when kept: a county learned a weaker way never replaces one learned a stronger way, nor overrides a 「不用」. */
  countyLearned(citizen: CitizenRef, countyCode: string, source: CountySource, at: Date): Promise<boolean>;
  /**
   * True at most once per follower: they have no county, were never asked and never declined;
   * the question counts as asked from this call on.
   */
  askCountyOnce(citizen: CitizenRef, at: Date): Promise<boolean>;
  /** The follower answered 「不用」: no county is kept or asked for again. */
  countyDeclined(citizen: CitizenRef, at: Date): Promise<void>;
}
