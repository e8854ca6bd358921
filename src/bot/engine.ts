// The conversation engine: one channel-neutral message in, one reply (as data) out. Around the
// intents it does what every message needs: pending notices, the citizen's last-seen time,
// limits, the idle timeout of drafts, danger words, and saving the conversation state.
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../platform/logger.js';
import type { KeyValueStore } from '../platform/stores.js';
import { DANGER_REPLY, hasDangerWords } from './categories.js';
import { loadBotContent, type BotContent } from './content.js';
import {
  applyExpiry, conversationKey, countMessage, detachRecord, isRecord, newRecord, recordTtlSeconds, type ConversationRecord,
} from './conversation.js';
import { say, type EngineContext, type Turn } from './intent.js';
import { TIP_FLOW_INTENTS, buildIntents } from './intents/index.js';
import { KeyedQueue } from './keyed-queue.js';
import type { TipDesk } from './ports.js';
import { normaliseText } from './text.js';
import { silent, type Bot, type BotInput, type BotReply, type BotReplyPart } from './types.js';

export interface EngineDeps {
  config: AppConfig;
  logger: Logger;
  desk: TipDesk;
  conversations: KeyValueStore<ConversationRecord>;
  /** Injectable clock: tests move time to cross the idle timeout. */
  now?: () => Date;
  /** Defaults to the files under content/. */
  content?: BotContent;
}

const TROUBLE = '抱歉，系统暂时出了点问题，请过几分钟再发一次。紧急情况请拨打110。';
const SUSPENDED_NOTE = '您有一条未提交的举报，回复「继续」接着填写。';
const OPEN_DRAFT_NOTE = '（您正在填写的反映还没有提交，接着回复就能继续填写。）';
const rateLimited = () => say('您发得有点快，请稍等一分钟再发。刚才这条没有记下，请稍后重新发送。');
const tooLong = (max: number) => say(`您发的内容太长了（超过${max}字），请分成几条发送。`);

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
 * Notices go before the answer — except a transfer to customer service, which on the official
 * account can only be the passive reply and so must stay first.
 */
function withNotices(notices: string[], parts: BotReplyPart[]): BotReplyPart[] {
  const noticeParts = notices.map(say);
  if (parts[0]?.type === 'transfer_customer_service') return [parts[0], ...noticeParts, ...parts.slice(1)];
  return [...noticeParts, ...parts];
}

export function createEngine(deps: EngineDeps): Bot {
  const { config, logger, desk, conversations } = deps;
  const now = deps.now ?? (() => new Date());
  const content = deps.content ?? loadBotContent();
  const ctx: EngineContext = { config, logger, desk, content };
  const intents = buildIntents(content);
  const queue = new KeyedQueue();
  const limits = { idleTimeoutSeconds: config.bot.idleTimeoutSeconds, draftKeepSeconds: config.bot.draftKeepSeconds };

  /** touch + notices must never cost the citizen their message: failures are logged only. */
  async function pendingNotices(input: BotInput): Promise<string[]> {
    // Both start at once; the touch is awaited after the notices (usually already settled).
    const touched = desk.touch(input.citizen, input.receivedAt).catch((err: unknown) => {
      logger.warn({ err }, 'bot: desk.touch failed');
    });
    let notices: string[];
    try {
      notices = await desk.takePendingNotices(input.citizen);
    } catch (err) {
      logger.warn({ err }, 'bot: takePendingNotices failed');
      notices = [];
    }
    await touched;
    return notices;
  }

  async function load(key: string, at: Date): Promise<ConversationRecord> {
    try {
      const stored = await conversations.get(key);
      return isRecord(stored) ? detachRecord(stored) : newRecord(at);
    } catch (err) {
      logger.error({ err }, 'bot: conversation store read failed; starting fresh');
      return newRecord(at);
    }
  }

  async function save(key: string, record: ConversationRecord): Promise<void> {
    try {
      // The record is the turn's own copy (detachRecord), plain JSON by construction: the
      // engine tests run against a store that serialises it, as a shared store (Redis) would.
      await conversations.set(key, record, recordTtlSeconds(record, limits));
    } catch (err) {
      logger.error({ err }, 'bot: conversation store write failed');
    }
  }

  async function converse(input: BotInput, key: string, at: Date): Promise<BotReplyPart[]> {
    const expiry = applyExpiry(await load(key, at), at, limits);
    const record = expiry.record;
    if (!countMessage(record, at, config.bot.messagesPerMinute)) {
      await save(key, record);
      return [rateLimited()];
    }
    const raw = inputText(input);
    if (raw.length > config.bot.maxTextLength) {
      await save(key, record);
      return [tooLong(config.bot.maxTextLength)];
    }

    const text = normaliseText(raw);
    const turn: Turn = { input, citizen: input.citizen, text, now: at, record, danger: hasDangerWords(text) };
    if (input.kind === 'menu') {
      // An unknown key still gets an answer: the fallback intent shows the commands.
      turn.menuIntent = config.menuKeys[input.key] ?? 'unknown_menu';
      // A menu click leaves a rating/review/fraud-check question; a tip draft stays open.
      if (record.flow && record.flow.name !== 'tip') delete record.flow;
    }

    const intent = intents.find((i) => i.match(turn));
    let parts = intent ? await intent.handle(turn, ctx) : [];
    const name = intent?.name ?? 'none';
    logger.debug({ intent: name, kind: input.kind }, 'bot: handled');

    if (record.flow?.name === 'tip' && !TIP_FLOW_INTENTS.has(name)) parts = appendNote(parts, OPEN_DRAFT_NOTE);
    if (expiry.justSuspended && record.suspended && !TIP_FLOW_INTENTS.has(name)) parts = appendNote(parts, SUSPENDED_NOTE);
    if (turn.danger) parts = [say(DANGER_REPLY), ...parts];

    record.updatedAt = at.toISOString();
    await save(key, record);
    return parts;
  }

  async function handleOne(input: BotInput, key: string): Promise<BotReply> {
    // Nothing can be sent to someone who has just unfollowed.
    if (input.kind === 'unsubscribe') return silent();
    const at = now();
    const notices = await pendingNotices(input);
    let parts: BotReplyPart[];
    try {
      parts = await converse(input, key, at);
    } catch (err) {
      logger.error({ err }, 'bot: message handling failed');
      parts = [say(TROUBLE)];
    }
    return { parts: withNotices(notices, parts) };
  }

  return {
    handle: (input) => {
      const key = conversationKey(input.citizen);
      return queue.run(key, () => handleOne(input, key));
    },
  };
}
