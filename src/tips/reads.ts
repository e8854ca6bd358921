// The staff read side: the list (policy filter + search), the detail with its timeline, and
// duplicate hints. Seeing a reporter's identity is itself an event, written before it is shown.
// A 匿名 (anonymous) tip has no identity for staff: its seal holds the openid only so notices reach
// the citizen (notices.ts), and no path here opens it.
import { objectionWindowEnd } from './rules/deadlines.js';
import { Op, Sequelize, col, fn, literal, type InferAttributes, type WhereOptions } from 'sequelize';
import { sqlDate, type Database } from '../db/index.js';
import { COLOUR_RANK } from './clock.js';
import { DAY_MS, dayFromKey, startOfShanghaiDay } from '../platform/beijing-time.js';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { IdentityVault } from './identity.js';
import type { TipRow } from './models.js';
import { actionsFrom, type TipAction } from './rules/state-machine.js';
import { can, tipListFilter, type PolicyAction } from './policy.js';
import { suggestDuplicates, type DuplicateSuggestion } from './rules/duplicates.js';
import { likeContains, type RecentTipRow } from './repository.js';
import { handles, scopeOf, whereForListFilter } from './scope.js';
import { loadFor, staffActor, type ServiceDeps } from './service.js';
import { eventView, staffView, type StaffEventView, type StaffTipView } from './views.js';
import type { ActionFilter, ListQuery, QueueFilter } from './validation.js';
import { COLOURS, OPEN_STATES, type Category } from './types.js';
import { hideMaskDigits } from './rules/personal-data.js';
import { maskTranscript, type TranscriptTexts } from './sealed-texts.js';

export interface ReadDeps extends ServiceDeps {
  vault: IdentityVault;
}

export interface TipPage { items: StaffTipView[]; total: number; page: number; pageSize: number }

export interface TipDetail {
  tip: StaffTipView;
  transcript: unknown;
  events: StaffEventView[];
  allowedActions: string[];
  /** ?identity=1 was asked and nothing is revealed: the reporter stays redacted. */
  identityWithheld: boolean;
  /**
   * Why it was withheld: `anonymous` = the citizen chose 匿名 (nobody sees who, whatever the
   * role; nothing was viewed, so nothing is logged), `policy` = this role lacks the identity
   * right. Null when not withheld.
   */
  identityWithheldReason: 'anonymous' | 'policy' | null;
  /**
   * Until when the unit it was assigned to may object that it is the wrong one (信访工作条例
   * Art 23: 5 working days, holidays and 调休 counted); null before assignment.
   */
  objectionUntil: string | null;
  /**
   * Until when the answer may still be corrected (POST …/answer/correct) before it reaches the
   * citizen (tips.answerHoldMinutes); null when there is nothing to correct.
   */
  answerEditableUntil: string | null;
}

const ACTION_POLICY: Partial<Record<TipAction, PolicyAction>> = {
  claim: 'tip.claim', release: 'tip.release', assign: 'tip.assign', start: 'tip.start', answer: 'tip.answer',
  extend: 'tip.extend', reject: 'tip.reject', mark_duplicate: 'tip.mark_duplicate', close: 'tip.close', reopen: 'tip.reopen',
};

/** Concluded without (or after) an answer: 办结, 不予受理, 重复, 转送. */
export const CONCLUDED_STATES = ['closed', 'rejected', 'duplicate', 'transferred'] as const;
/**
 * States in which the handling has ended for the citizen: the answer (答复) or a conclusion. Its
 * moment is COALESCE(answered_at, concluded_at) ("finished at").
 */
export const FINISHED_STATES = ['answered', ...CONCLUDED_STATES] as const;
/** 改派: an assignment of a tip that a unit already has (rules/state-machine.ts REASSIGN_FROM). */
const REASSIGN_FROM = ['assigned', 'in_progress', 'extended'] as const;
/** The roles whose actions are 督办. */
const SUPERVISING_ROLES = ['supervisor', 'admin'] as const;

const finishedAt = () => fn('COALESCE', col('answered_at'), col('concluded_at'));

/** [start of `from`, start of the day after `to`), Beijing time; either end may be open. */
export function dayWindow(from: string | undefined, to: string | undefined): { start?: Date; end?: Date } {
  return {
    ...(from ? { start: startOfShanghaiDay(dayFromKey(from)) } : {}),
    ...(to ? { end: startOfShanghaiDay(dayFromKey(to) + 1) } : {}),
  };
}

/**
 * `tips.id IN (the tips with an event of this kind [inside the window])`. The SQL is constant
 * but for the window's dates and the colour pairs, which go through the dialect's escaping.
 */
function actionWhere(db: Database, action: ActionFilter, window: { start?: Date; end?: Date } | null): WhereOptions<TipRow> {
  const s = db.sequelize;
  const list = (values: readonly string[]) => values.map((v) => s.escape(v)).join(', ');
  const rank = (c: string) => COLOUR_RANK[c] ?? 2;
  // colour_changed events carry data {"from","to"} (service.ts setColour); raised = a higher risk.
  const raisedPairs = COLOURS.flatMap((from) => COLOURS.filter((to) => rank(to) < rank(from)).map((to) => JSON.stringify({ from, to })));
  const supervisor = `e.actor_type = 'staff' AND s.role IN (${list(SUPERVISING_ROLES)})`;
  const kinds: Record<Exclude<ActionFilter, 'assign' | 'supervise'>, string> = {
    raise: `(e.type = 'colour_changed' AND e.data IN (${list(raisedPairs)}))`,
    reassign: `(e.type = 'assign' AND e.from_state IN (${list(REASSIGN_FROM)}))`,
    extend: `(e.type = 'extend')`,
  };
  const condition = action === 'assign'
    ? "e.type = 'assign'"
    : `${supervisor} AND ${action === 'supervise' ? `(${Object.values(kinds).join(' OR ')})` : kinds[action]}`;
  const dates = [
    window?.start ? ` AND e.created_at >= ${s.escape(sqlDate(db.dialect, window.start))}` : '',
    window?.end ? ` AND e.created_at < ${s.escape(sqlDate(db.dialect, window.end))}` : '',
  ].join('');
  return {
    id: { [Op.in]: literal(`(SELECT e.tip_id FROM tip_events e LEFT JOIN staff s ON s.id = e.actor_id WHERE ${condition}${dates})`) },
  };
}

/**
 * The queue's filters as conditions, one meaning wherever they are used (the list, the export,
 * the dashboard's counts and links):
 * - `county`: where it happened or who handles it; `none`: neither is known.
 * - `overdue`: still open and past `due_at` (false: anything else); `dueWithinDays`: still open
 *   and due between now and now + n × 24 h.
 * - `rating`: that rating, `any`: rated at all; `finished`: finished, at or before (`ontime`) or
 *   after (`late`) the conclusion deadline.
 * - `added`: the citizen added to it (补充) what whoever handles it has not opened since.
 * - `unit`: the handling unit; `accused`: the unit a 检举控告 names.
 * - `action`: tips with such an event (validation.ts ACTION_FILTERS).
 * - `from`/`to`: Beijing-time days, both included, of the date `date` names: received (default),
 *   finished (and in a finished state), rated, or the `action`'s event.
 */
export function queueFilterWhere(db: Database, q: QueueFilter, now: Date): Array<WhereOptions<TipRow>> {
  const and: Array<WhereOptions<TipRow>> = [];
  const open = { state: { [Op.in]: [...OPEN_STATES] } };
  const finished = { state: { [Op.in]: [...FINISHED_STATES] } };
  if (q.state) and.push({ state: q.state });
  if (q.colour) and.push({ colour: q.colour });
  if (q.category) and.push({ category: q.category });
  if (q.county === 'none') and.push({ handlerCountyCode: null, placeCountyCode: null });
  else if (q.county) and.push({ [Op.or]: [{ handlerCountyCode: q.county }, { placeCountyCode: q.county }] });
  if (q.overdue === true) and.push(open, { dueAt: { [Op.lt]: now } });
  if (q.overdue === false) and.push({ [Op.or]: [{ state: { [Op.notIn]: [...OPEN_STATES] } }, { dueAt: null }, { dueAt: { [Op.gte]: now } }] });
  if (q.dueWithinDays !== undefined) {
    and.push(open, { dueAt: { [Op.gte]: now, [Op.lte]: new Date(now.getTime() + q.dueWithinDays * DAY_MS) } });
  }
  if (q.legalType) and.push({ legalType: q.legalType });
  if (q.rating === 'any') and.push({ rating: { [Op.ne]: null } });
  else if (q.rating) and.push({ rating: q.rating });
  if (q.finished) {
    and.push(finished, Sequelize.where(finishedAt(), { [q.finished === 'ontime' ? Op.lte : Op.gt]: col('conclude_by') }));
  }
  if (q.added === true) and.push({ additionsUnseenAt: { [Op.ne]: null } });
  if (q.added === false) and.push({ additionsUnseenAt: null });
  if (q.unit) and.push({ unitKey: q.unit });
  if (q.accused) and.push({ accusedUnitKey: q.accused });
  const window = q.from || q.to ? dayWindow(q.from, q.to) : null;
  if (q.action) and.push(actionWhere(db, q.action, q.date === 'action' ? window : null));
  if (window && q.date !== 'action') {
    const range = { ...(window.start ? { [Op.gte]: window.start } : {}), ...(window.end ? { [Op.lt]: window.end } : {}) };
    switch (q.date ?? 'received') {
      case 'received': and.push({ createdAt: range }); break;
      case 'rated': and.push({ ratedAt: range }); break;
      case 'finished': and.push(finished, Sequelize.where(finishedAt(), range)); break;
    }
  }
  return and;
}

export async function listTips(deps: ReadDeps, actor: StaffPrincipal, q: ListQuery): Promise<TipPage> {
  const scope = whereForListFilter(tipListFilter(actor));
  if (!scope) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const now = new Date();
  const s = deps.db.sequelize;
  const and: Array<WhereOptions<TipRow>> = [scope, ...queueFilterWhere(deps.db, q, now)];
  if (q.q) {
    // '!' escapes % and _ the same way in both dialects (a backslash means different things in
    // MySQL and SQLite string literals); the pattern itself goes through Sequelize's escaping.
    const pattern = s.literal(`${s.escape(likeContains(q.q))} ESCAPE '!'`);
    // An anonymous tip's stored masks keep no digit (sealed-texts.ts maskTexts), so a search by
    // the digits of a number staff know cannot find it.
    and.push({ [Op.or]: [s.where(s.col('code'), Op.like, pattern), s.where(s.col('description'), Op.like, pattern)] });
  }
  const { rows, total } = await deps.repo.list({ [Op.and]: and }, q);
  return { items: rows.map((r) => staffView(r, undefined, now)), total, page: q.page, pageSize: q.pageSize };
}

/** A reporter's tips a reveal logs a view on besides its own (the daily limit keeps them few). */
const LINKED_VIEWS_MAX = 500;
const LINKED_ATTRIBUTES: Array<keyof InferAttributes<TipRow>> = ['id', 'state', 'anonymous', 'handlerCountyCode', 'handlerTownshipCode', 'legalType', 'category', 'unitKey', 'accusedUnitKey'];

/** `viewReason`: why the identity is asked for, kept with the logged view (the console requires one). */
export async function tipDetail(deps: ReadDeps, actor: StaffPrincipal, code: string, wantIdentity: boolean, viewReason?: string): Promise<TipDetail> {
  const tip = await loadFor(deps, actor, code, 'tip.view');
  const scope = scopeOf(tip);
  const entitled = wantIdentity && can(actor, 'tip.view_identity', scope);
  // 匿名: nothing to reveal, so no identity_viewed event either (the log records views, and none happens).
  const reveal = entitled && !tip.anonymous;
  const handler = tip.deliveryState === 'pending' && actor.unitKey !== null && actor.unitKey === tip.unitKey;
  // What the citizen added since whoever handles it last opened it: opened now.
  const additionsSeen = !!tip.additionsUnseenAt && handles(actor, tip);
  // The same person's other named tips that this member can open are named by the reveal too:
  // duplicate hints and the repeat count link them by reporter. Each gets a logged view of its own.
  const linked = reveal
    ? (await deps.repo.byReporter(tip.reporterHash, LINKED_VIEWS_MAX, LINKED_ATTRIBUTES))
      .filter((r) => r.id !== tip.id && !r.anonymous && can(actor, 'tip.view', scopeOf(r)))
    : [];
  if (reveal || handler || additionsSeen) {
    // The log entry commits before the identity leaves the process (Art 46: every view is logged).
    await deps.db.transaction(async (t) => {
      if (reveal) {
        await deps.repo.appendEvent({ tipId: tip.id, type: 'identity_viewed', actor: staffActor(actor), fromState: tip.state, toState: tip.state, reason: viewReason ?? null }, t);
        for (const r of linked) {
          await deps.repo.appendEvent({
            tipId: r.id, type: 'identity_viewed', actor: staffActor(actor), fromState: r.state, toState: r.state,
            reason: viewReason ?? null, note: `经 ${tip.code} 查看（同一举报人）`, data: { via: tip.code },
          }, t);
        }
      }
      if (handler) {
        // Delivery is tracked apart from state: the handling unit has now opened it.
        await deps.repo.models.Tip.update({ deliveryState: 'seen' }, { where: { id: tip.id, deliveryState: 'pending' }, transaction: t });
        await deps.repo.appendEvent({ tipId: tip.id, type: 'delivered', actor: staffActor(actor), fromState: tip.state, toState: tip.state }, t);
        tip.deliveryState = 'seen';
      }
      if (additionsSeen) {
        await deps.repo.models.Tip.update({ additionsUnseenAt: null }, { where: { id: tip.id }, transaction: t, silent: true });
      }
    });
  }
  const identity = reveal ? deps.vault.decrypt(tip.reporterSealed) : undefined;
  const events = await deps.repo.events(tip.id);
  // An anonymous tip's seal holds no texts and staffView shows no identity: nothing to open.
  const shown = identity && !tip.anonymous ? identity : undefined;
  const transcript = JSON.parse(shown?.texts?.transcript ?? tip.transcript) as TranscriptTexts[];
  return {
    tip: staffView(tip, shown),
    transcript: shown ? transcript : maskTranscript(transcript, tip.anonymous),
    events: events.map((e) => eventView(e, shown ? (sealed) => deps.vault.openText(sealed) : undefined, { anonymous: tip.anonymous })),
    allowedActions: actionsFrom(tip.state as never).filter((a) => {
      const p = ACTION_POLICY[a];
      // A 复查 is answered within its 30 days, never extended (rules/state-machine.ts).
      if (a === 'extend' && tip.reopenedAt) return false;
      return p !== undefined && can(actor, p, scope);
    }),
    identityWithheld: wantIdentity && !reveal,
    identityWithheldReason: !wantIdentity || reveal ? null : tip.anonymous ? 'anonymous' : 'policy',
    objectionUntil: tip.assignedAt ? objectionWindowEnd(tip.assignedAt, deps.holidays).toISOString() : null,
    answerEditableUntil: tip.state === 'answered' && tip.answerPublicAt && tip.answerPublicAt.getTime() > Date.now()
      ? tip.answerPublicAt.toISOString() : null,
  };
}

export interface DuplicateHint extends Omit<DuplicateSuggestion, 'id'> { code: string; state: string; createdAt: string }

export async function duplicateHints(deps: ReadDeps, actor: StaffPrincipal, code: string): Promise<DuplicateHint[]> {
  const tip = await loadFor(deps, actor, code, 'tip.view');
  const since = new Date(tip.createdAt.getTime() - 31 * 86_400_000);
  const recent = (await deps.repo.recentSince(since, 500)).filter((r) => r.id !== tip.id && can(actor, 'tip.view', scopeOf(r)));
  const byId = new Map(recent.map((r) => [r.id, r]));
  // An anonymous tip is never linked to its reporter's other tips: "same reporter" next to a tip
  // whose reporter can be revealed would name the anonymous one's too.
  // Nor by the digits a mask keeps in its text (hideMaskDigits, as its view shows it).
  const probe = (r: RecentTipRow) => ({
    id: r.id, reporterHash: r.anonymous ? null : r.reporterHash, text: r.anonymous ? hideMaskDigits(r.description) : r.description, category: r.category as Category,
    countyCode: r.placeCountyCode, townshipCode: r.placeTownshipCode, receivedAt: r.createdAt,
  });
  return suggestDuplicates(probe(tip), recent.map(probe)).slice(0, 20).flatMap((s) => {
    const r = byId.get(Number(s.id));
    // Internal row ids stay inside; staff refer to tips by code.
    return r ? [{ reason: s.reason, score: s.score, code: r.code, state: r.state, createdAt: r.createdAt.toISOString() }] : [];
  });
}

/**
 * Logs that `actor` opened a citizen's voice or video (the `media_opened` event), before its bytes
 * leave the process: a voice, and often a video, tells who the citizen is as a name would.
 */
export async function logMediaOpened(
  deps: ReadDeps, actor: StaffPrincipal, tip: TipRow, position: number, mediaType: 'voice' | 'video', how: 'download' | 'listen' = 'download',
): Promise<void> {
  await deps.db.transaction(async (t) => {
    await deps.repo.appendEvent({
      tipId: tip.id, type: 'media_opened', actor: staffActor(actor), fromState: tip.state, toState: tip.state,
      note: `附件 ${position}（${mediaType === 'voice' ? '语音' : '视频'}，${how === 'listen' ? '在网页上收听' : '下载'}）`, data: { position, mediaType, how },
    }, t);
  });
}
