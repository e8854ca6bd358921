// The conversation engine: one channel-neutral message in, one reply (as data) out. Around the
// intents it does what every message needs: pending notices, the citizen's last-seen time,
// emergencies (the number first, before any limit), limits, the idle timeout of drafts, and
// saving the conversation state.
import { defaultFraudChecker, type FraudChecker } from '../alerts/fraud/index.js';
import type { AppConfig } from '../config/index.js';
import { errorFields, type Logger } from '../platform/logger.js';
import { cleanInput, InvalidTextError } from '../platform/input-text.js';
import type { KeyValueStore } from '../platform/shared-store.js';
import { emergencyReply, type EmergencyClassifier } from '../tips/rules/emergency.js';
import { detectDanger } from '../tips/rules/domestic-violence.js';
import { defaultEmergencyModel } from './emergency-model.js';
import { defaultIntentModel, type IntentModel } from './intent-model.js';
import { loadBotContent, type BotContent } from './content.js';
import {
  applyExpiry, conversationKey, countMessage, DANGER_RATE_FACTOR, detachRecord, isRecord, isTellingDanger, isTipEvidence, newRecord, recordTtlSeconds, type ConversationRecord,
} from './conversation.js';
import { say, type EngineContext, type Turn } from './intent.js';
import { DANGER_OFFER_INTENTS, TIP_FLOW_INTENTS, buildIntents } from './intents/index.js';
import { supplementEndedNote } from './intents/supplement.js';
import { DANGER_KEPT_NOTE } from './intents/fallback.js';
import { KeyedQueue } from './keyed-queue.js';
import { MAX_DESCRIPTION_CHARS } from '../tips/rules/limits.js';
import type { AlertBoard, ArticleShelf, CitizenCounty, FollowerRegistry, ScamReportDesk, TipDesk, WaitingNotice } from './ports.js';
import { askCountyConsent, askCountyOnce } from './intents/county.js';
import { isConfirmWord } from './tip-flow/steps.js';
import { alreadyFiledText, filedNote, filedReceipt, markSubmitted } from './tip-flow/submit.js';
import { matchPlace } from './places.js';
import { normaliseText } from './text.js';
import { silent, type Bot, type BotInput, type BotReply, type BotReplyPart } from './types.js';

export interface EngineDeps {
  config: AppConfig;
  logger: Logger;
  desk: TipDesk;
  /**
   * Conversation records by citizen. When the store can lock (a shared store), each turn holds
   * the citizen's lock, so two instances never interleave one citizen's messages.
   */
  conversations: KeyValueStore<ConversationRecord>;
  /** Injectable clock: tests move time to cross the idle timeout. */
  now?: () => Date;
  /** Defaults to the files under content/. */
  content?: BotContent;
  /** Defaults to the checker built from content/fraud. */
  fraud?: FraudChecker;
  /** The emergency cues' second opinion; defaults to the model trained on content/emergencies. */
  emergency?: EmergencyClassifier;
  /** The free-words sentence model; defaults to the one trained on content/bot/intents-train.json. */
  intentModel?: IntentModel;
  /** Published articles for 「最新文章」 and 搜索; without it the bot says the section is being prepared. */
  articles?: ArticleShelf;
  /**
   * Followers of the official account (src/alerts/followers): subscribe, unsubscribe, the last
   * interaction of every message, the county. Called for the official account only.
   */
  followers?: FollowerRegistry;
  /** Current anti-fraud alerts for 「反诈」 (src/alerts/board.ts); without it the fraud guide alone. */
  alerts?: AlertBoard;
  /** The county a citizen follows alerts for, so 「反诈」 lists that county's alerts first. */
  citizenCounty?: CitizenCounty;
  /**
   * Citizens' reports of scam numbers, addresses and accounts (src/alerts/reports): 「举报诈骗电话 …」
   * and 「举报」 after a high 鉴诈 verdict report them; enough reports raise a verdict. Without it
   * 「举报…」 starts a tip as before.
   */
  scamReports?: ScamReportDesk;
}

/**
 * How long one turn holds the citizen's conversation across instances at most: a turn takes far
 * less, and an instance killed mid-turn must not hold up the citizen's next message (or WeChat's
 * retry 5 s later) for longer.
 */
const TURN_LOCK_SECONDS = 4;

const UNREADABLE = '您发的内容里有无法识别的字符，请换个说法重新发一次。紧急情况请直接拨打110。';
const TROUBLE = '抱歉，系统暂时出了点问题，您刚才发的内容没有记下，请过几分钟再发一次。紧急情况请拨打110。';
const SUSPENDED_NOTE = '您有一条未提交的举报，回复「继续」接着填写。';
const OPEN_DRAFT_NOTE = '（您正在填写的反映还没有提交，接着回复就能继续填写。）';
const RESUMED_IN_DANGER_NOTE = '（已接着您上次没填完的紧急反映记下，不用重打。）';
const rateLimited = () => say('您发得有点快，请稍等一分钟再发。刚才这条没有记下，请稍后重新发送。');
const tooLong = (max: number) => say(`您发的内容太长了（超过${max}字），请分成几条发送。`);

/**
 * The bot's edge: what the citizen wrote, as every rule downstream reads it (NFKC, no control or
 * bidi characters; src/platform/input-text.ts). Ids, media ids and URLs are not text and stay.
 * Throws InvalidTextError for invalid UTF-16.
 */
export function cleanBotInput(input: BotInput): BotInput {
  switch (input.kind) {
    case 'text': return { ...input, text: cleanInput(input.text) };
    case 'voice': return input.text === undefined ? input : { ...input, text: cleanInput(input.text) };
    case 'location': return input.label === undefined ? input : { ...input, label: cleanInput(input.label) };
    case 'link': {
      const cleaned = { ...input, title: cleanInput(input.title) };
      return input.description === undefined ? cleaned : { ...cleaned, description: cleanInput(input.description) };
    }
    case 'menu': return { ...input, key: cleanInput(input.key) };
    case 'scan': return { ...input, scene: cleanInput(input.scene) };
    case 'subscribe': return input.scene === undefined ? input : { ...input, scene: cleanInput(input.scene) };
    default: return input;
  }
}

function inputText(input: BotInput): string {
  if (input.kind === 'text') return input.text;
  if (input.kind === 'voice') return input.text ?? '';
  return '';
}

/** Adds a note to the last text part, so it does not cost the adapter another message. */
function appendNote(parts: BotReplyPart[], note: string): BotReplyPart[] {
  const last = parts[parts.length - 1];
  if (last?.type === 'text') return [...parts.slice(0, -1), { type: 'text', text: `${last.text}\n\n${note}` }];
  return [...parts, say(note)];
}

/**
 * The smallest text a channel takes as one message: WeChat cuts a passive text reply at 2048 bytes
 * (the adapter sends the rest by customer-service message, which may fail).
 */
const ONE_MESSAGE_BYTES = 2048;

/**
 * Notices go after the answer, never instead of it: in the answer's last text part when they fit
 * one message with it (on the official account usually the passive reply itself), else each in a
 * part of its own. Each part says which notices it carries, so the adapter can report them
 * delivered only once that part went out.
 */
function withNotices(notices: WaitingNotice[], parts: BotReplyPart[]): BotReplyPart[] {
  if (notices.length === 0) return parts;
  const last = parts[parts.length - 1];
  if (last?.type === 'text' && !last.notices) {
    const text = [last.text, ...notices.map((n) => n.text)].join('\n\n');
    if (Buffer.byteLength(text, 'utf8') <= ONE_MESSAGE_BYTES) {
      return [...parts.slice(0, -1), { type: 'text', text, notices: notices.map((n) => n.id) }];
    }
  }
  return [...parts, ...notices.map((n): BotReplyPart => ({ type: 'text', text: n.text, notices: [n.id] }))];
}

export function createEngine(deps: EngineDeps): Bot {
  const { config, logger, desk, conversations } = deps;
  const now = deps.now ?? (() => new Date());
  const content = deps.content ?? loadBotContent();
  const ctx: EngineContext = {
    config, logger, desk, content, fraud: deps.fraud ?? defaultFraudChecker(), intentModel: deps.intentModel ?? defaultIntentModel(),
    ...(deps.articles ? { articles: deps.articles } : {}),
    ...(deps.followers ? { followers: deps.followers } : {}),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    ...(deps.citizenCounty ? { citizenCounty: deps.citizenCounty } : {}),
    ...(deps.scamReports ? { scamReports: deps.scamReports } : {}),
  };
  const intents = buildIntents(content, { scamReports: deps.scamReports !== undefined });
  const emergencyModel = deps.emergency ?? defaultEmergencyModel();
  const queue = new KeyedQueue();
  const limits = { idleTimeoutSeconds: config.bot.idleTimeoutSeconds, draftKeepSeconds: config.bot.draftKeepSeconds };

  /**
   * touch + notices must never cost the citizen their message: failures are logged only. The
   * notices are held for this reply, not taken: they count as delivered only when the adapter
   * says their part went out (noticesSettled).
   */
  async function pendingNotices(input: BotInput): Promise<WaitingNotice[]> {
    // Both start at once; the touch is awaited after the notices (usually already settled).
    const touched = desk.touch(input.citizen, input.receivedAt).catch((err: unknown) => {
      logger.warn({ err }, 'bot: desk.touch failed');
    });
    const followed = followerSeen(input);
    let notices: WaitingNotice[];
    try {
      notices = await desk.holdNotices(input.citizen);
    } catch (err) {
      logger.warn({ err }, 'bot: holdNotices failed');
      notices = [];
    }
    await touched;
    await followed;
    return notices;
  }

  /** The official account's followers: who follows, and when they last wrote. Never fails the turn. */
  function followerSeen(input: BotInput): Promise<void> {
    const followers = deps.followers;
    if (!followers || input.citizen.channel !== 'official_account') return Promise.resolve();
    const write = input.kind === 'subscribe' ? followers.subscribed(input.citizen, input.receivedAt)
      : input.kind === 'unsubscribe' ? followers.unsubscribed(input.citizen, input.receivedAt)
        : followers.touched(input.citizen, input.receivedAt);
    return write.catch((err: unknown) => { logger.warn({ ...errorFields(err), kind: input.kind }, 'bot: follower not recorded'); });
  }

  /**
   * The county a location's label names, to offer as the follower's county (kept only if they
   * say yes). Not while a tip is being written: that location is the tip's place. WeChat's
   * automatic location reports carry coordinates only and never reach the engine.
   */
  function countyOfLocation(input: BotInput, record: ConversationRecord): string | undefined {
    if (!deps.followers || input.kind !== 'location' || !input.label || input.citizen.channel !== 'official_account') return undefined;
    // Nor after danger words: the location is where the citizen is, kept with those words.
    if (record.flow?.name === 'tip' || record.offer?.kept) return undefined;
    return matchPlace(input.label, content.divisions)?.countyCode;
  }

  /**
   * The citizen's record. A store that cannot be read fails the turn (the citizen is told nothing
   * was kept): starting afresh would overwrite their draft at the save.
   */
  async function load(key: string): Promise<ConversationRecord | undefined> {
    const stored = await conversations.get(key);
    return isRecord(stored) ? detachRecord(stored) : undefined;
  }

  /**
   * A record that cannot be saved fails the turn too: the citizen sends it again. A tip already
   * committed in this turn is not lost by that: its draft and submission key are still stored,
   * and the next message to that draft finds it submitted (submittedDraft, confirmTip).
   */
  async function save(key: string, record: ConversationRecord): Promise<void> {
    // The record is the turn's own copy (detachRecord), plain JSON by construction.
    await conversations.set(key, record, recordTtlSeconds(record, limits));
  }

  /**
   * A draft at 确认 may be a tip already: a turn that committed it could not save the record (see
   * the end of converse), so the stored record still waits at 确认 while the citizen holds the
   * receipt. Editing it would be lost without a word (the desk answers the existing tip by its
   * submission key), and a 确认 at the daily limit would be refused. So a draft at the confirm
   * step (open, or put aside by the idle timeout at this very message) is looked up once per
   * message (one indexed read) — except the 确认 the flow answers, which confirmTip looks up itself
   * when the limit refuses it (below the limit the desk returns the same code anyway). No other
   * message pays for the read, and a failing one leaves the draft as it is. Found, the draft is
   * closed as a commit closes it; `answeredByFlow` says the message was meant for the draft.
   */
  async function submittedDraft(turn: Turn, justSuspended: boolean): Promise<{ code: string; answeredByFlow: boolean } | undefined> {
    const { record } = turn;
    const flow = record.flow?.name === 'tip' ? record.flow : justSuspended ? record.suspended?.flow : undefined;
    if (flow?.step !== 'confirm') return undefined;
    const answeredByFlow = flow === record.flow && intents.find((i) => i.match(turn))?.name === 'tip_continue';
    if (answeredByFlow && isConfirmWord(turn.text)) return undefined;
    const receipt = await filedReceipt(flow, turn, ctx);
    if (!receipt) return undefined;
    markSubmitted(turn, flow, receipt);
    logger.info({ code: receipt.code }, 'bot: draft at 确认 found submitted; closed');
    return { code: receipt.code, answeredByFlow };
  }

  async function converse(input: BotInput, key: string, at: Date): Promise<BotReplyPart[]> {
    const stored = await load(key);
    const lastMessageAt = stored ? new Date(stored.updatedAt) : undefined;
    const expiry = applyExpiry(stored ?? newRecord(at), at, limits);
    const record = expiry.record;
    const raw = inputText(input);
    const text = normaliseText(raw);
    // Someone in danger gets the number whatever else: no limit stands before it. Domestic
    // violence told as going on is danger too (detectDanger).
    const emergency = text ? detectDanger(text, emergencyModel) : undefined;
    const numberFirst = (parts: BotReplyPart[]) => (emergency ? [say(emergencyReply(emergency)), ...parts] : parts);
    // Photos and other evidence for an open tip are not messages to limit (isTipEvidence); someone
    // telling of danger has a higher limit (isTellingDanger).
    const perMinute = config.bot.messagesPerMinute * (isTellingDanger(record) ? DANGER_RATE_FACTOR : 1);
    if (!emergency && !isTipEvidence(record, input.kind) && !countMessage(record, at, perMinute)) {
      await save(key, record);
      return [rateLimited()];
    }
    // What someone in danger wrote at length is kept, up to a whole description: asked to split
    // it, they might not write again.
    const longest = emergency ? Math.max(config.bot.maxTextLength, MAX_DESCRIPTION_CHARS) : config.bot.maxTextLength;
    if (raw.length > longest) {
      await save(key, record);
      return numberFirst([tooLong(longest)]);
    }

    // Danger told again right after an idle draft told in danger was put aside: the same story
    // (someone who hid or called 110 comes back to it). It goes on in that draft rather than
    // starting another matter beside it, which would split it in two.
    const resumedInDanger = emergency !== undefined && expiry.justSuspended && !record.flow && record.suspended?.flow.draft.danger === true;
    if (resumedInDanger && record.suspended) {
      record.flow = record.suspended.flow;
      delete record.suspended;
    }
    // A rating waits for 1, 2 or 3: danger words are no answer to it, and are heard as outside a
    // flow (the danger offer) rather than asked for a number again.
    if (emergency && record.flow?.name === 'rate') delete record.flow;
    const turn: Turn = { input, citizen: input.citizen, text, now: at, record, ...(lastMessageAt ? { lastMessageAt } : {}), ...(emergency ? { emergency } : {}) };
    if (input.kind === 'menu') {
      // An unknown key still gets an answer: the fallback intent shows the commands.
      turn.menuIntent = config.menuKeys[input.key] ?? 'unknown_menu';
      // A menu click leaves a rating/review/fraud-check question; a tip draft stays open.
      if (record.flow && record.flow.name !== 'tip') delete record.flow;
    }

    const locationCounty = countyOfLocation(input, record);
    const receiptBefore = record.lastReceipt;
    const offered = record.offer;
    const reportOffered = record.reportOffer;
    const filed = await submittedDraft(turn, expiry.justSuspended);
    // The county question is for the next message only: one that does not answer it lets it lapse.
    const countyAsked = record.flow?.name === 'county_question' ? record.flow : undefined;
    const adding = record.flow?.name === 'supplement' ? record.flow : undefined;
    // It lapses before the message is read, so a message that is not an answer (a story, a
    // question) reaches the intents that read free words as if nothing had been asked.
    if (countyAsked && !intents.some((i) => i.name === 'county_answer' && i.match(turn))) delete record.flow;
    let parts: BotReplyPart[];
    let name: string;
    if (filed?.answeredByFlow) {
      // Meant for the draft, which is a tip already: said so, and that this message is not in it.
      parts = [say(alreadyFiledText(filed.code))];
      name = 'tip_filed';
    } else {
      const intent = intents.find((i) => i.match(turn));
      parts = intent ? await intent.handle(turn, ctx) : [];
      name = intent?.name ?? 'none';
      // The draft the citizen had open is gone: they are told why (receipt_again says it all).
      if (filed && name !== 'receipt_again') parts = appendNote(parts, filedNote(filed.code));
    }
    if (countyAsked && record.flow === countyAsked) delete record.flow;
    if (name === 'fraud_alerts') {
      const question = await askCountyOnce(turn, ctx);
      if (question) parts = appendNote(parts, question);
    } else if (locationCounty) {
      const question = await askCountyConsent(turn, ctx, locationCounty, 'location');
      if (question) parts = appendNote(parts, question);
    }
    logger.debug({ intent: name, kind: input.kind }, 'bot: handled');

    if (record.flow?.name === 'tip' && !TIP_FLOW_INTENTS.has(name)) parts = appendNote(parts, OPEN_DRAFT_NOTE);
    if (resumedInDanger && name === 'tip_continue') parts = appendNote(parts, RESUMED_IN_DANGER_NOTE);
    if (record.offer?.kept && !record.flow && !DANGER_OFFER_INTENTS.has(name)) parts = appendNote(parts, DANGER_KEPT_NOTE);
    if (expiry.justSuspended && record.suspended && !TIP_FLOW_INTENTS.has(name)) parts = appendNote(parts, SUSPENDED_NOTE);
    // Adding to a sent tip ends at another command's answer: what follows it is not added unasked.
    if (adding && record.flow === adding && name !== 'supplement_answer') {
      if (adding.code) parts = appendNote(parts, supplementEndedNote(adding.code));
      delete record.flow;
    }
    parts = numberFirst(parts);

    // A tip offer is for the next message only: whatever else the citizen says, it lapses. Not
    // danger words (TipOffer.kept): they stand until answered, or are put aside at the idle timeout.
    if (offered && record.offer === offered && !offered.kept) delete record.offer;
    if (reportOffered && record.reportOffer === reportOffered) delete record.reportOffer;
    record.updatedAt = at.toISOString();
    try {
      await save(key, record);
    } catch (err) {
      // A tip committed in this turn is in the queue whatever the store says: its receipt is the
      // answer, not "nothing was kept". One more try: a stored record still at 确认 holds a draft
      // the citizen may go on editing. If that fails too, the next message to the draft finds it
      // submitted (submittedDraft; a 确认 through confirmTip, or the desk's same code) and closes
      // it with the receipt, telling the citizen that what they added is not in it.
      if (record.lastReceipt === undefined || record.lastReceipt === receiptBefore) throw err;
      await save(key, record).catch((again: unknown) => {
        logger.error({ err: again }, 'bot: conversation not saved after a tip was committed; receipt sent');
      });
    }
    return parts;
  }

  async function handleOne(raw: BotInput, key: string): Promise<BotReply> {
    // Nothing can be sent to someone who has just unfollowed.
    if (raw.kind === 'unsubscribe') {
      await followerSeen(raw);
      return silent();
    }
    const at = now();
    const notices = await pendingNotices(raw);
    let parts: BotReplyPart[];
    try {
      parts = await converse(cleanBotInput(raw), key, at);
    } catch (err) {
      if (err instanceof InvalidTextError) {
        // Nothing of it is kept: the citizen is asked to send it again.
        logger.info({ code: err.code, kind: raw.kind }, 'bot: message refused');
        parts = [say(UNREADABLE)];
      } else {
        logger.error({ err }, 'bot: message handling failed');
        // Someone in danger still gets the number first, and in the same message that the rest
        // was not kept: on the official account the passive reply is the one message sure to
        // arrive when the database is down (a later part needs an access token stored in it).
        const number = urgent(raw);
        parts = [say(number?.type === 'text' ? `${number.text}\n\n${TROUBLE}` : TROUBLE)];
      }
    }
    return { parts: withNotices(notices, parts) };
  }

  /** The number first for a message that tells of danger (Bot.urgent); pure, never throws. */
  function urgent(raw: BotInput): BotReplyPart | undefined {
    try {
      const text = normaliseText(inputText(cleanBotInput(raw)));
      const emergency = text ? detectDanger(text, emergencyModel) : undefined;
      return emergency ? say(emergencyReply(emergency)) : undefined;
    } catch {
      // Unreadable text: the turn itself answers it (UNREADABLE, with 110).
      return undefined;
    }
  }

  /** One turn at a time per citizen: in this process by the queue, across instances by the store's lock. */
  async function handleLocked(input: BotInput, key: string): Promise<BotReply> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await conversations.lock?.(key, { ttlSeconds: TURN_LOCK_SECONDS, waitMs: TURN_LOCK_SECONDS * 1000 });
      // Held elsewhere for the whole wait (an instance stuck or killed mid-turn): answering
      // without the lock risks one lost update of the draft; not answering loses the message.
      if (conversations.lock && !release) logger.warn({ code: 'CONVERSATION_LOCK_TIMEOUT' }, 'bot: conversation lock not acquired; answering without it');
    } catch (err) {
      logger.error({ err }, 'bot: conversation lock failed; answering without it');
    }
    try {
      return await handleOne(input, key);
    } finally {
      await release?.().catch((err: unknown) => logger.warn({ err }, 'bot: conversation lock not released; it expires by itself'));
    }
  }

  return {
    handle: (input) => {
      const key = conversationKey(input.citizen);
      return queue.run(key, () => handleLocked(input, key));
    },
    urgent,
    async noticesSettled(citizen, ids, outcome) {
      if (ids.length === 0) return;
      try {
        if (outcome === 'delivered') await desk.noticesDelivered(citizen, ids);
        else await desk.releaseNotices(citizen, ids);
      } catch (err) {
        // Left held: shown again once the hold runs out, rather than lost.
        logger.warn({ err, outcome, notices: ids.length }, 'bot: notice delivery not recorded');
      }
    },
  };
}
