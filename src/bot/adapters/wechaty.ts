// The Wechaty adapter as a plugin-like function: it listens on a running Wechaty, hands citizen
// messages to the same engine as the official account, and tells staff rooms about urgent tips.
// Type-only wechaty imports: the web server never loads wechaty (wechaty-boot.ts does, lazily).
import type { Message, Room } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import type { Logger } from '../../platform/logger.js';
import { unavailable } from '../../platform/errors.js';
import type { Bot, BotReply, CitizenRef, NoticeId, NoticeOutcome } from '../types.js';
import { text } from '../types.js';
import type { TipAnnouncement, TipAnnouncer } from '../ports.js';
import { toBotInput } from './wechaty-input.js';
import { replyMessages } from './wechaty-reply.js';
import { DailyOnce, formatAnnouncement } from './wechaty-announce.js';
import { KeyedQueue } from '../keyed-queue.js';

export interface NoticeSender {
  sendText(citizenId: string, text: string): Promise<void>;
}

export interface WechatyBotDeps {
  wechaty: WechatyInterface;
  bot: Bot;
  announcer: TipAnnouncer;
  /** Room topics of the staff groups that hear about red and due-soon tips. */
  staffRooms: string[];
  logger: Logger;
  registerNoticeSender?: (channel: 'wechaty', sender: NoticeSender) => void;
  /** How often to look for tips about to go overdue (default hourly). */
  dueSoonCheckMs?: number;
  /** How often to look for new red tips and assignments (default every 15 s). */
  announceCheckMs?: number;
  /**
   * Where the feed's position is kept, so a restarted bot announces what came in while it was
   * down (the shared store in production); without it the bot starts at the present.
   */
  announceCursor?: { get(): Promise<number | undefined>; set(cursor: number): Promise<void> };
  /**
   * Takes a message id once, across restarts and instances (the shared store in production, for
   * `SEEN_FOR_SECONDS`): false when the message was taken before. A puppet may deliver a message
   * again (history replayed after a login or a reconnect): answered twice, a 确认 would file a
   * second tip. Without it every delivery is answered.
   */
  firstDelivery?: (messageId: string) => Promise<boolean>;
  now?: () => Date;
}

const HOUR_MS = 60 * 60 * 1000;
const DUE_SOON_HOURS = 24;
// Some puppets replay recent history after login; answering it would confuse the citizen.
const MAX_MESSAGE_AGE_SECONDS = 180;
/** How long a message id is remembered: past the age at which a delivery is ignored anyway. */
export const SEEN_FOR_SECONDS = 600;
const BUSY_TEXT = '系统繁忙，请稍后再试。';
// A whistle-blower must never be exposed in front of a group: tips, queries and ratings are
// only taken in a direct chat.
const PRIVATE_COMMANDS = /举报|线索|信访|投诉|查询|评价|复查|继续|受理编号|SM\d{6}/i;
const PRIVATE_ONLY_TEXT = '为保护您的隐私，举报、查询和评价请直接私聊我办理，不要在群里发送个人信息。';

export function attachWechatyBot(deps: WechatyBotDeps): { stop(): void } {
  const { wechaty, bot, announcer, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const queue = new KeyedQueue();
  const dueSoonAnnounced = new DailyOnce();
  // Before start() Wechaty has no puppet and isLoggedIn throws; for us that is simply "not yet".
  const loggedIn = (): boolean => {
    try { return wechaty.isLoggedIn; } catch { return false; }
  };

  async function onMessage(message: Message): Promise<void> {
    if (message.self()) return;
    const talker = message.talker();
    // Other official accounts talking to us are not citizens (and two bots could loop forever).
    if (talker.type() === wechaty.Contact.Type.Official) return;
    if (message.age() > MAX_MESSAGE_AGE_SECONDS) return;
    const room = message.room();
    if (room && !(await message.mentionSelf())) return;
    if (!(await firstDelivery(message.id))) return;
    const body = room ? await message.mentionText() : message.text();
    // One contact's replies go out in the order their messages came in.
    await queue.run(talker.id, () => answer(message, room, body.trim()));
    // A tip this message completed is announced now, not at the next tick of the feed.
    checkFeedSafe();
  }

  /** A store that fails costs the dedupe, never the message. */
  async function firstDelivery(messageId: string): Promise<boolean> {
    if (!deps.firstDelivery) return true;
    try {
      return await deps.firstDelivery(messageId);
    } catch (err) {
      logger.error({ err, code: 'DEDUPE_STORE_FAILED' }, 'wechaty: dedupe store failed; answering without it');
      return true;
    }
  }

  async function answer(message: Message, room: Room | undefined, body: string): Promise<void> {
    let reply: BotReply;
    // Group talk has its own conversation state, so it never mixes with a private draft.
    const citizen: CitizenRef = { channel: 'wechaty', id: room ? `${room.id}/${message.talker().id}` : message.talker().id };
    try {
      if (room && PRIVATE_COMMANDS.test(body)) {
        reply = text(PRIVATE_ONLY_TEXT);
      } else {
        const input = await toBotInput(message, wechaty, body);
        reply = await bot.handle({ ...input, citizen });
      }
    } catch (err) {
      logger.error({ err, msgId: message.id }, 'wechaty: could not answer');
      reply = text(BUSY_TEXT);
    }
    const talker = message.talker();
    const messages = replyMessages(reply);
    for (let i = 0; i < messages.length; i += 1) {
      const { text: said, notices } = messages[i]!;
      try {
        // In a group the answer mentions the asker, so it is clear whom it is for.
        if (room) await room.say(said, talker);
        else await talker.say(said);
      } catch (err) {
        // The rest would arrive out of order: stop, and keep their notices for the next message.
        settleNotices(citizen, messages.slice(i).flatMap((m) => m.notices), 'not_delivered');
        throw err;
      }
      settleNotices(citizen, notices, 'delivered');
    }
  }

  /** Tells the engine what became of notices; never a rejection here. */
  function settleNotices(citizen: CitizenRef, ids: readonly NoticeId[], outcome: NoticeOutcome): void {
    if (ids.length === 0) return;
    const failed = (err: unknown) => logger.error({ err, outcome }, 'wechaty: notice delivery not reported');
    try {
      Promise.resolve(bot.noticesSettled(citizen, ids, outcome)).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /** Says the announcement in every staff room found; true if at least one room heard it. */
  async function announce(a: TipAnnouncement): Promise<boolean> {
    if (!loggedIn()) {
      logger.warn({ code: a.code, kind: a.kind }, 'wechaty: not logged in, announcement skipped');
      return false;
    }
    const message = formatAnnouncement(a);
    let heard = false;
    for (const topic of deps.staffRooms) {
      const room = await wechaty.Room.find({ topic });
      if (!room) {
        logger.warn({ topic }, 'wechaty: staff room not found');
        continue;
      }
      await room.say(message);
      heard = true;
    }
    return heard;
  }

  async function checkDueSoon(): Promise<void> {
    if (!loggedIn() || deps.staffRooms.length === 0) return;
    for (const a of await announcer.listDueSoon(DUE_SOON_HOURS)) {
      if (dueSoonAnnounced.has(a.code, now())) continue;
      if (await announce(a)) dueSoonAnnounced.mark(a.code, now());
    }
  }

  const onMessageSafe = (message: Message): void => {
    onMessage(message).catch((err: unknown) => logger.error({ err, msgId: message.id }, 'wechaty: message failed'));
  };
  const checkDueSoonSafe = (): void => {
    checkDueSoon().catch((err: unknown) => logger.error({ err }, 'wechaty: due-soon check failed'));
  };

  wechaty.on('message', onMessageSafe);
  // The first check runs at login; if attached after login, the timer's first tick does it.
  wechaty.on('login', checkDueSoonSafe);
  const timer = setInterval(checkDueSoonSafe, deps.dueSoonCheckMs ?? HOUR_MS);
  timer.unref(); // the Wechaty puppet keeps the bot process alive, not this timer

  // Red tips and assignments, from the event log: the position moves past an announcement only
  // once a room heard it, so nothing is skipped while the bot is logged out or a room is missing.
  let cursor: number | null | undefined;
  let checking = false;
  async function checkFeed(): Promise<void> {
    if (checking || !loggedIn() || deps.staffRooms.length === 0) return;
    checking = true;
    try {
      cursor ??= (await deps.announceCursor?.get()) ?? null;
      for (;;) {
        const from: number | null = cursor;
        const batch = await announcer.listSince(from);
        for (const { eventId, announcement } of batch.items) {
          if (!(await announce(announcement))) return;
          cursor = eventId;
          await deps.announceCursor?.set(eventId);
        }
        cursor = batch.cursor;
        await deps.announceCursor?.set(cursor);
        if (cursor === from) return;
      }
    } finally {
      checking = false;
    }
  }
  const checkFeedSafe = (): void => {
    checkFeed().catch((err: unknown) => logger.error({ err }, 'wechaty: announcement check failed'));
  };
  wechaty.on('login', checkFeedSafe);
  const feedTimer = setInterval(checkFeedSafe, deps.announceCheckMs ?? 15_000);
  feedTimer.unref();

  deps.registerNoticeSender?.('wechaty', {
    async sendText(citizenId, message) {
      // Throwing lets the tips module keep the notice pending and show it at the next message.
      if (!loggedIn()) throw unavailable('WECHATY_OFFLINE', '微信机器人未登录');
      // Puppets differ on an unknown id (undefined or an error): both mean the same to the caller.
      const contact = await wechaty.Contact.find({ id: citizenId }).catch(() => undefined);
      if (!contact) throw unavailable('WECHATY_CONTACT_NOT_FOUND', '找不到该联系人');
      await contact.say(message);
    },
  });

  return {
    stop() {
      wechaty.off('message', onMessageSafe);
      wechaty.off('login', checkDueSoonSafe);
      wechaty.off('login', checkFeedSafe);
      clearInterval(timer);
      clearInterval(feedTimer);
    },
  };
}
