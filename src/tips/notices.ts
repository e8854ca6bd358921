// Telling the citizen. A notice row is written in the same transaction as the change it reports;
// sending happens after commit and never fails the staff action: a send that cannot happen
// (outside the 48-hour window, no template, no sender for the channel, WeChat down) leaves the
// notice pending, and the bot shows it at the citizen's next message.
//
// A notice is delivered once, and only once it was: whoever is about to send it (a push, or the
// bot's reply to a message) first holds it — a conditional UPDATE to `held`, stamped with the time
// in updated_at — so a second message arriving meanwhile, in this process or another, does not
// get it too. The holder then records it delivered (`sent` by a push, `shown` in a reply) or
// releases it to `pending` for the next message. A hold nobody settles (a crash between send and
// record) runs out after NOTICE_HOLD_MS and the notice waits again: shown once more rather than
// never. Notices live in tip_notices only, so they hold across restarts and instances: a notice
// written by any process is found by the next message's hold, which asks the database unless the
// shared store's "nothing waits" mark (below) says there is nothing to find.
//
// A notice with `not_before` (an answer inside its correction hold, tips.answerHoldMinutes) is not
// waiting until then: neither pushed nor held for a reply, and its text may still be revised
// (`revisePending`). Once due it is dispatched by a timer of the process that queued it, or by the
// periodic sweep (`sendDue`) if that process is gone, or found by the citizen's next message; the
// hold that takes it clears `not_before`, so it is never re-dispatched and never revised after.
// Whoever sends or shows it reads its text after holding it, so a revision that won the row
// lock is what goes out. Its dispatch takes off the "nothing waits" mark like any other; a mark
// set during the hold runs out after NOTICE_HOLD_MS anyway.
//
// Order: the notices of one tip reach the citizen in the order they were written. A push first
// sends the tip's earlier notices that still wait, oldest first, and stops at the first that
// cannot go now (an answer inside its hold, one being sent or shown elsewhere, one that cannot
// be pushed): the later one then waits behind it, for a timer or the citizen's next message,
// which shows them oldest first.
//
// A customer-service text is cut into parts of at most MAX_TEXT_BYTES, sent in order. When the
// 48-hour window is closed, or WeChat says it is (45015) or that its customer-service quota for
// the citizen is used up (45047), a template message goes instead. A template carries only the
// code, the state word, a short pointer and the date: the notice's full text (the answer, a
// reason, a new date) is still shown at the citizen's next message (`sent` with channel
// `template` waits for a reply like a pending notice, and is never pushed again).
import type { Transaction } from 'sequelize';
import { Op } from 'sequelize';
import type { SharedStore } from '../platform/shared-store.js';
import type { Logger } from '../platform/logger.js';
import type { CustomMessage, TemplateMessage } from '../wechat/client/types.js';
import { CUSTOM_WINDOW_MS, MAX_TEXT_BYTES, WechatApiError, splitText } from '../wechat/index.js';
import type { IdentityVault } from './identity.js';
import type { TipModels, TipNoticeRow, TipRow, NoticeChannel } from './models.js';
import { formatShanghaiDate } from '../platform/beijing-time.js';
import { CITIZEN_STATE_LABELS, isTipState } from './types.js';

/** The part of WechatClient notices use. */
export interface NoticeWechat {
  messageCustomSend(msg: CustomMessage): Promise<void>;
  messageTemplateSend(msg: TemplateMessage): Promise<string>;
}

export interface TextSender {
  sendText(citizenId: string, text: string): Promise<void>;
}

// After this many failed pushes the notice is `failed`: no timer or sweep pushes it again; the
// citizen's next message shows it, or a push of a later notice of its tip tries it first.
const MAX_ATTEMPTS = 3;
/**
 * How long a held notice is kept from other messages: longer than any honest delivery (the 4 s
 * reply budget, then customer-service sends of up to 5 s each, a token refresh and a retry).
 */
export const NOTICE_HOLD_MS = 2 * 60 * 1000;
const SHOW_PAGE = 20;
/** How soon a push waiting behind a notice held elsewhere (a reply carrying it) looks again. */
const BEHIND_HELD_RETRY_MS = 10_000;
/** Customer-service answers that say the message cannot go that way now: a template may. */
const CUSTOM_CLOSED: ReadonlySet<number> = new Set([45015, 45047]);

/** A waiting notice held for one reply. */
export interface HeldNotice {
  id: number;
  text: string;
}

export interface NoticeCenter {
  /**
   * Writes a pending notice inside the caller's transaction; returns its id to dispatch after
   * commit. With `notBefore`, it is neither sent nor shown before that time.
   */
  queue(tip: TipRow, kind: string, text: string, t: Transaction, notBefore?: Date | null): Promise<number>;
  /**
   * Replaces the text of the tip's pending `kind` notice that is still before its `notBefore`
   * (inside the caller's transaction). False when there is none: it has gone out or is going out.
   */
  revisePending(tipId: number, kind: string, text: string, at: Date, t: Transaction): Promise<boolean>;
  /** Dispatches the notices whose `notBefore` has come (the periodic sweep); returns how many. */
  sendDue(at?: Date): Promise<number>;
  /** The bot itself replies the confirmation: record it as delivered through the reply. */
  recordReplied(tip: TipRow, kind: string, text: string, t: Transaction): Promise<void>;
  /** Fire-and-forget send of committed notices; close() waits for sends in flight. */
  dispatch(ids: number[]): void;
  /** Holds this citizen's waiting notices (pending, failed, or held too long ago) for one reply. */
  hold(reporterHash: string): Promise<HeldNotice[]>;
  /** Held notices went out in a reply: `shown`, with deliveredAt. */
  delivered(reporterHash: string, ids: readonly number[]): Promise<void>;
  /** Held notices did not go out: `pending` again, for the next message. */
  release(reporterHash: string, ids: readonly number[]): Promise<void>;
  registerSender(channel: string, sender: TextSender): void;
  /** Resolves when every send started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Cancels the timers of notices not yet due and sets no more (shutdown): the sweep or the
   * citizen's next message takes them.
   */
  stop(): void;
}

export interface NoticeDeps {
  models: TipModels;
  vault: IdentityVault;
  wechat: NoticeWechat;
  templateId: string;
  logger: Logger;
  now?: () => Date;
  /**
   * Where a citizen's "nothing waits" mark is kept, shared by every instance: a message of a
   * citizen so marked costs no query. Without it every hold asks the database.
   */
  state?: SharedStore;
}

export function createNoticeCenter(deps: NoticeDeps): NoticeCenter {
  const { TipNotice, Tip, CitizenContact } = deps.models;
  const now = deps.now ?? (() => new Date());
  const senders = new Map<string, TextSender>();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  // After stop() no timer is set: a delivery still in flight leaves its notice to the sweep.
  let stopped = false;

  // The mark says "nothing waited when last asked". Its protocol keeps a waiting notice from
  // hiding behind it: a hold sets the mark *before* it queries, and takes it off if it finds
  // anything; whatever makes a notice wait (a committed notice being dispatched, a hold undone)
  // takes it off *after* its write. A mark outlives a notice's hold at most by NOTICE_HOLD_MS: a
  // hold left by a killed instance is found again once the mark expires.
  const noneKey = (reporterHash: string) => `notices-none:${reporterHash}`;
  const markNone = async (reporterHash: string): Promise<boolean> => {
    if (!deps.state) return false;
    try {
      if (await deps.state.get(noneKey(reporterHash))) return true;
      await deps.state.set(noneKey(reporterHash), '1', NOTICE_HOLD_MS / 1000);
    } catch (err) {
      deps.logger.warn({ err }, 'notice mark unavailable; asking the database');
    }
    return false;
  };
  const unmark = async (reporterHash: string): Promise<void> => {
    // A mark that cannot be taken off hides a notice for NOTICE_HOLD_MS at most.
    await deps.state?.delete(noneKey(reporterHash)).catch((err: unknown) => deps.logger.warn({ err }, 'notice mark not removed'));
  };

  const base = (tip: TipRow, kind: string, text: string) => ({
    tipId: tip.id, reporterHash: tip.reporterHash, citizenChannel: tip.channel, kind, text, lastError: null,
  });

  /**
   * Waiting for the citizen: never sent, announced by a template only, or held so long ago that
   * its holder is gone. The plain IN on state lets a citizen's look-up be answered from an index
   * on (state, reporter_hash) (migration 005) or (reporter_hash, state).
   */
  const waiting = (at: Date) => ({
    state: { [Op.in]: ['pending', 'failed', 'held', 'sent'] },
    [Op.and]: [
      {
        [Op.or]: [
          { state: { [Op.in]: ['pending', 'failed'] } },
          // Announced by a template: its full text is still to be shown.
          { state: 'sent', channel: 'template' },
          { state: 'held', updatedAt: { [Op.lt]: new Date(at.getTime() - NOTICE_HOLD_MS) } },
        ],
      },
      { [Op.or]: [{ notBefore: null }, { notBefore: { [Op.lte]: at } }] },
    ],
  });

  /**
   * The conditional UPDATE that holds a notice: true if this caller holds it now. updated_at is
   * the time of the hold (set here from the injected clock, so `silent`).
   */
  async function holdOne(id: number, at: Date): Promise<boolean> {
    const [count] = await TipNotice.update({ state: 'held', notBefore: null, updatedAt: at }, { where: { id, ...waiting(at) }, silent: true });
    return count > 0;
  }

  async function markSent(n: TipNoticeRow, channel: NoticeChannel): Promise<void> {
    const at = now();
    await TipNotice.update(
      { state: 'sent', channel, attempts: n.attempts + 1, deliveredAt: at, lastError: null, updatedAt: at },
      { where: { id: n.id, state: 'held' }, silent: true },
    );
  }

  /** A held notice that was not sent: waiting again, for the citizen's next message. */
  async function unhold(ids: readonly number[], reporterHash: string, extra: Partial<Pick<TipNoticeRow, 'attempts' | 'state' | 'lastError'>> = {}): Promise<void> {
    await TipNotice.update(
      { state: 'pending', ...extra, updatedAt: now() },
      { where: { id: [...ids], reporterHash, state: 'held' }, silent: true },
    );
    await unmark(reporterHash);
  }

  /**
   * Sends the notice by the best way open now; undefined when there is none (it waits for the
   * citizen's next message). A notice a template announced already goes only as a
   * customer-service message: a second template would tell nothing new.
   */
  async function push(n: TipNoticeRow, tip: TipRow, citizenId: string): Promise<NoticeChannel | undefined> {
    if (n.citizenChannel !== 'official_account') {
      const sender = senders.get(n.citizenChannel);
      if (!sender) return undefined;
      await sender.sendText(citizenId, n.text);
      return 'wechaty';
    }
    const templateAllowed = deps.templateId !== '' && n.channel !== 'template';
    const contact = await CitizenContact.findByPk(n.reporterHash);
    if (contact && now().getTime() - contact.lastMessageAt.getTime() < CUSTOM_WINDOW_MS) {
      try {
        // WeChat cuts a text over MAX_TEXT_BYTES: the parts go one after the other.
        for (const part of splitText(n.text, MAX_TEXT_BYTES)) {
          await deps.wechat.messageCustomSend({ touser: citizenId, msgtype: 'text', text: { content: part } });
        }
        return 'custom';
      } catch (err) {
        if (!(templateAllowed && err instanceof WechatApiError && CUSTOM_CLOSED.has(err.errcode))) throw err;
      }
    }
    if (templateAllowed) {
      await deps.wechat.messageTemplateSend(templateFor(n, tip, citizenId, deps.templateId, now()));
      return 'template';
    }
    return undefined;
  }

  /** Dispatches the notice once its `notBefore` has come, if this process still runs then. */
  function later(id: number, notBefore: Date): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(id);
    }, Math.max(0, notBefore.getTime() - now().getTime()) + 50);
    timer.unref();
    timers.add(timer);
  }

  function track(id: number): void {
    const p = deliver(id).catch((err: unknown) => deps.logger.error({ err, noticeId: id }, 'notice dispatch failed'));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  // One delivery at a time per tip in this process: the tip's notices leave in order without
  // waiting on each other's holds. Across processes the holds keep them apart.
  const chains = new Map<number, Promise<void>>();
  function serial(tipId: number, run: () => Promise<void>): Promise<void> {
    const before = chains.get(tipId) ?? Promise.resolve();
    const mine = before.then(run, run);
    const settled = mine.catch(() => undefined);
    chains.set(tipId, settled);
    void settled.then(() => { if (chains.get(tipId) === settled) chains.delete(tipId); });
    return mine;
  }

  async function deliver(id: number): Promise<void> {
    const first = await TipNotice.findByPk(id);
    if (!first || first.state !== 'pending') return;
    if (first.notBefore && first.notBefore.getTime() > now().getTime()) {
      later(id, first.notBefore);
      return;
    }
    // Committed and waiting: the citizen's next message must ask for it.
    await unmark(first.reporterHash);
    await serial(first.tipId, () => pushInOrder(first.tipId, id));
  }

  /**
   * Pushes the tip's waiting notices up to `upTo`, oldest first, and stops at the first that
   * cannot go now: every later one waits behind it (a timer looks again, or the next message
   * shows them in order).
   */
  async function pushInOrder(tipId: number, upTo: number): Promise<void> {
    const at = now();
    const tip = await Tip.findByPk(tipId);
    if (!tip) return;
    const queue = await TipNotice.findAll({
      where: { tipId, id: { [Op.lte]: upTo }, state: { [Op.in]: ['pending', 'failed', 'held'] } },
      order: [['id', 'ASC']],
      limit: SHOW_PAGE,
    });
    for (const n of queue) {
      if (n.notBefore && n.notBefore.getTime() > at.getTime()) {
        // An answer inside its correction hold: what was written after it goes after it.
        if (n.id !== upTo) later(upTo, n.notBefore);
        return;
      }
      if (n.state === 'held' && n.updatedAt.getTime() >= at.getTime() - NOTICE_HOLD_MS) {
        later(upTo, new Date(at.getTime() + BEHIND_HELD_RETRY_MS));
        return;
      }
      const outcome = await pushOne(n.id, tip, at);
      if (outcome === 'busy') {
        later(upTo, new Date(at.getTime() + BEHIND_HELD_RETRY_MS));
        return;
      }
      if (outcome === 'waits') {
        // Waiting behind it for the citizen's next message: no longer the sweep's (sendDue), which
        // would otherwise pick a due answer up every minute, try the one before it again and stop.
        if (n.id !== upTo) await leaveToNextMessage(upTo, at);
        return;
      }
    }
  }

  /** A due notice that waits for the citizen's next message: its `notBefore` has done its work. */
  async function leaveToNextMessage(id: number, at: Date): Promise<void> {
    await TipNotice.update({ notBefore: null }, { where: { id, state: 'pending', notBefore: { [Op.lte]: at } }, silent: true });
  }

  /**
   * Holds, pushes and records one notice: 'sent' (pushed), 'announced' (a template told of it
   * before and no other way is open: it waits for the next message without holding back the
   * later ones, which may be announced too), 'waits' (kept for the next message), 'busy'
   * (someone else holds it).
   */
  async function pushOne(id: number, tip: TipRow, at: Date): Promise<'sent' | 'announced' | 'waits' | 'busy'> {
    // Held while it is pushed: a message arriving meanwhile does not show it as well.
    if (!(await holdOne(id, at))) return 'busy';
    // The text as it stands now that it is held: a correction committed before the hold counts.
    const n = await TipNotice.findByPk(id);
    if (!n) return 'waits';
    try {
      const citizenId = deps.vault.decrypt(tip.reporterSealed).citizenId;
      const channel = await push(n, tip, citizenId);
      if (!channel) {
        await unhold([id], n.reporterHash); // no way to push: it waits for the next message
        return n.channel === 'template' ? 'announced' : 'waits';
      }
      await markSent(n, channel);
      // A template announced it only: its full text waits for the next message.
      if (channel === 'template') await unmark(n.reporterHash);
      return 'sent';
    } catch (err) {
      const attempts = n.attempts + 1;
      deps.logger.warn({ err, noticeId: id, attempts }, 'citizen notice not sent; kept for the next message');
      await unhold([id], n.reporterHash, {
        attempts, state: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending', lastError: String((err as Error).message ?? err).slice(0, 255),
      }).catch((e: unknown) => {
        // Still held: it waits again once the hold runs out (NOTICE_HOLD_MS).
        deps.logger.error({ err: e, noticeId: id }, 'notice state not recorded');
      });
      return 'waits';
    }
  }

  return {
    async queue(tip, kind, text, t, notBefore) {
      const row = await TipNotice.create(
        { ...base(tip, kind, text), state: 'pending', channel: null, deliveredAt: null, notBefore: notBefore ?? null },
        { transaction: t },
      );
      return row.id;
    },
    async revisePending(tipId, kind, text, at, t) {
      const [count] = await TipNotice.update(
        { text, updatedAt: at },
        { where: { tipId, kind, state: 'pending', notBefore: { [Op.gt]: at } }, silent: true, transaction: t },
      );
      return count > 0;
    },
    async sendDue(at = now()) {
      const due = await TipNotice.findAll({
        attributes: ['id'],
        where: { state: 'pending', notBefore: { [Op.ne]: null, [Op.lte]: at } },
        order: [['id', 'ASC']],
        limit: 500,
      });
      for (const { id } of due) track(id);
      return due.length;
    },
    async recordReplied(tip, kind, text, t) {
      await TipNotice.create({ ...base(tip, kind, text), state: 'sent', channel: 'reply', attempts: 1, deliveredAt: now() }, { transaction: t });
    },
    dispatch(ids) {
      for (const id of ids) track(id);
    },
    async hold(reporterHash) {
      if (await markNone(reporterHash)) return [];
      const at = now();
      const rows = await TipNotice.findAll({
        where: { reporterHash, ...waiting(at) },
        order: [['id', 'ASC']],
        limit: SHOW_PAGE,
      });
      const held: HeldNotice[] = [];
      // Conditional, one by one: a push or another message that raced us wins, and the citizen
      // gets the notice once.
      if (rows.length > 0) await unmark(reporterHash);
      for (const n of rows) if (await holdOne(n.id, at)) held.push({ id: n.id, text: n.text });
      if (held.length === 0) return held;
      // The texts as they stand once held (a correction may have landed between read and hold).
      const texts = new Map((await TipNotice.findAll({ attributes: ['id', 'text'], where: { id: held.map((h) => h.id) } })).map((r) => [r.id, r.text]));
      return held.map((h) => ({ id: h.id, text: texts.get(h.id) ?? h.text }));
    },
    async delivered(reporterHash, ids) {
      if (ids.length === 0) return;
      const at = now();
      // Also from `pending`: a release that overtook a late success (a retried passive reply
      // written after all) must not have the notice shown twice.
      await TipNotice.update(
        { state: 'shown', channel: 'shown', deliveredAt: at, updatedAt: at },
        { where: { id: [...ids], reporterHash, state: { [Op.in]: ['held', 'pending', 'failed'] } }, silent: true },
      );
    },
    async release(reporterHash, ids) {
      if (ids.length === 0) return;
      await unhold(ids, reporterHash);
    },
    registerSender(channel, sender) {
      senders.set(channel, sender);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** What a template says of each change, before the pointer to the full text (thing3). */
const TEMPLATE_SUMMARY: Readonly<Record<string, string>> = {
  received: '已收到您的反映',
  assigned: '已交有关单位办理',
  extended: '办理期限延长',
  answered: '已有答复',
  rejected: '不予受理',
  duplicate: '属于重复反映',
  transferred: '已转送有关机关',
  closed: '已办结',
  reopened: '已重新办理',
};
/** WeChat's cap on a `thing` value, in characters. */
const THING_MAX = 20;

/**
 * Template data keys follow the 办理进度通知 template the account registers (see CONTEXT.md):
 * character_string1 code, phrase2 state, thing3 what changed and where the whole notice is
 * (WeChat caps `thing` at 20 characters: the notice itself is shown at the next message), time4.
 */
function templateFor(n: TipNoticeRow, tip: TipRow, openid: string, templateId: string, at: Date): TemplateMessage {
  const label = isTipState(n.kind) ? CITIZEN_STATE_LABELS[n.kind] : n.kind;
  const summary = TEMPLATE_SUMMARY[n.kind] ?? '办理进度有更新';
  const short = Array.from(`${summary}，回复“查询”看详情`).slice(0, THING_MAX).join('');
  return {
    touser: openid,
    template_id: templateId,
    client_msg_id: `tip-notice-${n.id}`,
    data: {
      character_string1: { value: tip.code },
      phrase2: { value: label },
      thing3: { value: short },
      time4: { value: formatShanghaiDate(at) },
    },
  };
}
