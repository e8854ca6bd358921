// The conversation-state record: one per citizen and channel, kept in a KeyValueStore so a
// shared store (Redis) can replace the in-process one. Everything in it is plain JSON: times
// are ISO strings or epoch milliseconds, never Date objects.
import type { ScamIdentifier, TipCategoryKey, TranscriptEntry } from './ports.js';
import type { BotInput, CitizenRef } from './types.js';
import { MAX_DESCRIPTION_CHARS } from '../tips/rules/limits.js';
import { MAX_ATTACHMENTS } from './tip-flow/draft.js';

export type TipStep = 'category' | 'description' | 'place' | 'contact' | 'confirm';
export const TIP_STEPS: readonly TipStep[] = ['category', 'description', 'place', 'contact', 'confirm'];

export interface DraftPlace {
  countyCode?: string;
  townshipCode?: string;
  /** What the citizen typed or the location's label, kept as given. */
  text?: string;
  /** 「沙县区凤岗街道」 when the matcher recognised it: read back in the summary. */
  label?: string;
  latitude?: number;
  longitude?: number;
  skipped?: boolean;
}

export interface TipDraft {
  /** Stable id of this draft, sent as submissionKey so a retried 确认 never makes two tips. */
  id: string;
  startedAt: string;
  category?: TipCategoryKey;
  /** Category guessed from the citizen's words, waiting for a yes. */
  suggested?: TipCategoryKey;
  description: string[];
  attachments: Array<{ type: 'image' | 'voice' | 'video'; mediaId: string }>;
  place?: DraftPlace;
  /** The reporter's number, and the name they wrote beside it (both sealed with the identity). */
  contact?: { anonymous: boolean; phone?: string; name?: string };
  danger: boolean;
  transcript: TranscriptEntry[];
  /**
   * Set when 确认 was refused by the daily limit: the citizen is told to come back tomorrow, so
   * the draft is kept `LIMIT_HOLD_SECONDS` longer than others.
   */
  heldByLimit?: boolean;
}

/** How much longer a draft the daily limit refused is kept: "tomorrow" is at most two days off. */
export const LIMIT_HOLD_SECONDS = 24 * 60 * 60;

/** How long a draft is kept once suspended. */
function draftKeepSeconds(draft: TipDraft, limits: ConversationLimits): number {
  return limits.draftKeepSeconds + (draft.heldByLimit ? LIMIT_HOLD_SECONDS : 0);
}

/**
 * A tip being written. `edit`: at 确认 the citizen asked to change something (修改): `choose`
 * while they pick which part, `step` while that part is answered again, `retell` while the
 * description is said again (the first words replace it; until then it stands). The answer leads
 * back to 确认, not on through the steps after it; 返回 ends the edit.
 */
export interface TipFlow { name: 'tip'; step: TipStep; draft: TipDraft; edit?: 'choose' | 'step' | 'retell' }
export interface RateFlow { name: 'rate'; code: string }
export interface ReviewFlow { name: 'review'; code: string }
export interface FraudCheckFlow { name: 'fraud_check' }
/**
 * The county question (intents/county.ts), for the next message only: which county the follower
 * lives in, or with `offered` (the county of a confirmed tip, or of a location they sent, as
 * `offeredFrom` says) whether that one may be kept.
 */
export interface CountyQuestionFlow { name: 'county_question'; offered?: string; offeredFrom?: 'tip' | 'location' }
/**
 * Adding to a sent tip (intents/supplement.ts): `code` once chosen; until then `choices`, the
 * tips being handled the citizen picks from, and `pending`, the words that wait for the choice.
 * `added`: how many messages were added so far.
 */
export interface SupplementFlow { name: 'supplement'; code?: string; choices?: string[]; pending?: string; added?: number }
export type Flow = TipFlow | RateFlow | ReviewFlow | FraudCheckFlow | CountyQuestionFlow | SupplementFlow;

/**
 * A problem heard outside the flow and offered as a tip: one 「是」 files it with these words as
 * the description. Lives for the next message only.
 */
export interface TipOffer {
  category: TipCategoryKey;
  text: string;
  /** The citizen's message as it arrived, for the transcript. */
  said: TranscriptEntry;
  /** What the bot answered, for the transcript. */
  answered: string;
  /**
   * Messages before `said` while the offer stood, with their answers, for the transcript: more of
   * the matter (its words joined in `text`), or 「怎么办」 asked of it.
   */
  earlier?: Array<{ said: TranscriptEntry; answered: string }>;
  /** The words were an emergency: the tip is graded red. */
  danger?: boolean;
  /**
   * A danger offer keeps, as a draft (danger, its id the submission key), everything the citizen
   * says or sends after it (words, photos, voice, their location) until they answer 「是」 or
   * 「不用」: someone in danger goes on telling, and none of it may lapse with the offer. Other
   * messages leave it standing; at the idle timeout it is put aside as a draft (「继续」).
   */
  kept?: TipDraft;
}

export interface LastReceipt {
  submissionKey: string;
  code: string;
  acknowledgeBy: string;
  concludeBy: string;
  at: string;
}

export interface ConversationRecord {
  version: 1;
  /** Time of the citizen's last message handled: the idle clock runs from here. */
  updatedAt: string;
  flow?: Flow;
  /** A tip draft that went idle: offered back (「继续」) until suspendedAt + its keep time (draftKeepSeconds). */
  suspended?: { flow: TipFlow; suspendedAt: string };
  /**
   * The per-citizen rate limit as a sliding-window counter: messages counted in the current
   * minute window and in the one before. O(1) in size, whatever the limit is set to.
   */
  rate: RateWindow;
  /** A tip offered at the last message (see TipOffer). */
  offer?: TipOffer;
  /**
   * After a high-risk 鉴诈 verdict: the phone numbers, addresses or accounts of the checked text,
   * which one 「举报」 reports (intents/fraud-check.ts). For the next message only, like `offer`.
   */
  reportOffer?: { identifiers: ScamIdentifier[] };
  /** The last committed tip, so a 确认 repeated after success answers the same receipt. */
  lastReceipt?: LastReceipt;
  /**
   * Photos, videos or a location sent outside any tip or offer, before the words that say what
   * they are about: kept, with their messages for the transcript (a location as the place), in the draft the next tip starts from
   * (tip-flow/draft.ts `startTipFlow`, `resumeSuspended`), so they need not be sent again. Dropped at the
   * idle timeout, or when the citizen declines an offer.
   */
  held?: TipDraft;
}

export interface RateWindow {
  /** Epoch ms where the current one-minute window began. */
  start: number;
  count: number;
  previous: number;
}

export interface ConversationLimits {
  idleTimeoutSeconds: number;
  draftKeepSeconds: number;
}

export const conversationKey = (c: CitizenRef): string => `conv:${c.channel}:${c.id}`;

export function newRecord(now: Date): ConversationRecord {
  return { version: 1, updatedAt: now.toISOString(), rate: { start: now.getTime(), count: 0, previous: 0 } };
}

/** A record from the store may be from an older shape or damaged: fall back to a fresh one. */
export function isRecord(value: unknown): value is ConversationRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<ConversationRecord>;
  return r.version === 1 && typeof r.updatedAt === 'string' && typeof r.rate?.start === 'number'
    && typeof r.rate.count === 'number' && typeof r.rate.previous === 'number';
}

/**
 * The turn's own copy of a stored record: an in-process store hands out the stored object itself,
 * and a turn that fails half-way must not have changed it. Most messages arrive with no flow,
 * receipt or draft: two flat copies. The rest (a tip being written, with its transcript) take a
 * deep copy of the plain data.
 */
export function detachRecord(record: ConversationRecord): ConversationRecord {
  if (record.flow || record.suspended || record.lastReceipt || record.offer || record.reportOffer) return copyPlain(record);
  return { ...record, rate: { ...record.rate } };
}

/**
 * A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null), without
 * the JSON round trip's building and parsing of the whole text on every message.
 */
export function copyPlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = copyPlain(v);
  }
  return out as T;
}

export interface ExpiryResult {
  record: ConversationRecord;
  /** True when an idle tip draft was put aside during this call: the citizen is told once. */
  justSuspended: boolean;
}

/**
 * Applies the idle timeout and the draft keep time against `now`. An idle tip flow becomes a
 * suspended draft; other idle flows (rating, fraud check) are simply dropped. The record given is
 * not changed; when nothing has expired (most messages: no flow, no draft, no receipt) it is
 * returned as it is, without a copy or a date parsed.
 */
export function applyExpiry(record: ConversationRecord, now: Date, limits: ConversationLimits): ExpiryResult {
  if (!record.flow && !record.suspended && !record.lastReceipt && !record.offer && !record.reportOffer && !record.held) return { record, justSuspended: false };
  const out: ConversationRecord = { ...record };
  const nowMs = now.getTime();
  const idleMs = nowMs - Date.parse(out.updatedAt);
  let justSuspended = false;
  if (out.flow && idleMs > limits.idleTimeoutSeconds * 1000) {
    if (out.flow.name === 'tip' && hasContent(out.flow.draft)) {
      out.suspended = { flow: out.flow, suspendedAt: out.updatedAt };
      justSuspended = true;
    }
    delete out.flow;
  }
  if (out.suspended && nowMs - Date.parse(out.suspended.suspendedAt) > draftKeepSeconds(out.suspended.flow.draft, limits) * 1000) {
    delete out.suspended;
  }
  if (out.offer && idleMs > limits.idleTimeoutSeconds * 1000) {
    // What was said in danger and not yet answered is put aside as a draft, never dropped: the
    // citizen is told of it at this message and gets it back with 「继续」 (or 「是」).
    const kept = out.offer.kept;
    if (kept && idleMs <= (limits.idleTimeoutSeconds + draftKeepSeconds(kept, limits)) * 1000) {
      const aside = out.suspended?.flow;
      if (aside?.draft.danger) {
        // A draft told in danger is already put aside: the same story goes on in it (as danger
        // told again right after it was put aside does, engine.ts), kept as long as these words.
        out.suspended = { flow: { ...aside, draft: joinKept(aside.draft, kept) }, suspendedAt: out.updatedAt };
      } else {
        // At the step 「是」 would have opened it at (intents/understood.ts, fileKept).
        out.suspended = { flow: { name: 'tip', step: kept.place ? 'contact' : 'place', draft: kept }, suspendedAt: out.updatedAt };
      }
      justSuspended = true;
    }
    delete out.offer;
  }
  if (out.reportOffer && nowMs - Date.parse(out.updatedAt) > limits.idleTimeoutSeconds * 1000) delete out.reportOffer;
  if (out.held && idleMs > limits.idleTimeoutSeconds * 1000) delete out.held;
  if (out.lastReceipt && nowMs - Date.parse(out.lastReceipt.at) > limits.idleTimeoutSeconds * 1000) {
    delete out.lastReceipt;
  }
  return { record: out, justSuspended };
}

/**
 * A draft told in danger (put aside) with the danger words told after it (TipOffer.kept) added:
 * their description pieces while the description's limit allows, their attachments within the
 * draft's, the place if the draft has none, and the whole exchange in the transcript, which
 * keeps every piece the description had no room for. Neither draft is changed.
 */
function joinKept(draft: TipDraft, kept: TipDraft): TipDraft {
  const out: TipDraft = {
    ...draft, description: [...draft.description], attachments: [...draft.attachments], transcript: [...draft.transcript, ...kept.transcript],
  };
  let length = out.description.reduce((n, piece) => n + piece.length + 1, 0);
  for (const piece of kept.description) {
    if (length + piece.length > MAX_DESCRIPTION_CHARS) continue;
    out.description.push(piece);
    length += piece.length + 1;
  }
  for (const a of kept.attachments) if (out.attachments.length < MAX_ATTACHMENTS) out.attachments.push(a);
  if ((!out.place || out.place.skipped) && kept.place) out.place = kept.place;
  return out;
}

/** A draft worth keeping: the citizen told us something beyond pressing 举报. */
export function hasContent(draft: TipDraft): boolean {
  return draft.description.length > 0 || draft.attachments.length > 0 || draft.category !== undefined;
}

const MINUTE_MS = 60_000;

const EVIDENCE: ReadonlySet<BotInput['kind']> = new Set(['image', 'voice', 'video', 'location']);

/**
 * A photo, voice, video or location sent while a tip is being written, or added to a sent one,
 * belongs to that tip: it is evidence, not a message to limit. A citizen sending twenty photos of
 * what happened must not lose the eighteenth, nor the 「好了」 after them. Text (and menu clicks)
 * still count.
 */
export function isTipEvidence(record: ConversationRecord, kind: BotInput['kind']): boolean {
  const flow = record.flow;
  return (flow?.name === 'tip' || (flow?.name === 'supplement' && flow.code !== undefined)) && EVIDENCE.has(kind);
}

/**
 * Someone telling of danger now: a draft or a danger offer (TipOffer.kept) open for their words.
 * Fragments typed in fear come fast, and a refused one (「我在二楼」) would be lost: the engine
 * allows them `DANGER_RATE_FACTOR` times the message rate (one a second at the default 20), which
 * still bounds what a flood can add to the record.
 */
export const DANGER_RATE_FACTOR = 3;

/** A draft told in danger is open, or danger words wait for their answer (TipOffer.kept). */
export function isTellingDanger(record: ConversationRecord): boolean {
  return (record.flow?.name === 'tip' && record.flow.draft.danger) || record.offer?.kept !== undefined;
}

/**
 * Counts this message and says whether it is within the limit (evidence for an open tip is not
 * counted: isTipEvidence). The estimate of messages in the
 * last 60 s weighs the previous window by how much of it still overlaps (a sliding-window
 * counter); a refused message is not counted.
 */
export function countMessage(record: ConversationRecord, now: Date, perMinute: number): boolean {
  const t = now.getTime();
  const r = record.rate;
  const elapsedWindows = Math.floor((t - r.start) / MINUTE_MS);
  if (elapsedWindows >= 1) {
    r.previous = elapsedWindows === 1 ? r.count : 0;
    r.count = 0;
    r.start += elapsedWindows * MINUTE_MS;
  } else if (elapsedWindows < 0) {
    // A clock that went backwards: start afresh rather than lock the citizen out.
    Object.assign(r, { start: t, count: 0, previous: 0 });
  }
  const overlap = 1 - (t - r.start) / MINUTE_MS;
  if (r.count + r.previous * overlap >= perMinute) return false;
  r.count += 1;
  return true;
}

/** How long the store must keep the record: long enough for a draft to be offered back. */
export function recordTtlSeconds(record: ConversationRecord, limits: ConversationLimits): number {
  // A danger offer's words become a suspended draft at the next message after the idle timeout:
  // the record must last until then.
  const draft = record.flow?.name === 'tip' ? record.flow.draft : record.suspended?.flow.draft ?? record.offer?.kept;
  if (draft) return limits.idleTimeoutSeconds + draftKeepSeconds(draft, limits);
  if (record.flow) return limits.idleTimeoutSeconds + limits.draftKeepSeconds;
  return Math.max(120, record.lastReceipt || record.offer || record.reportOffer ? limits.idleTimeoutSeconds : 0);
}
