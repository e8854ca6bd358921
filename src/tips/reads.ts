// The staff read side: the list (policy filter + search), the detail with its timeline, and
// duplicate hints. Seeing a reporter's identity is itself an event, written before it is shown.
// A 匿名 (anonymous) tip has no identity for staff: its seal holds the openid only so notices reach
// the citizen (notices.ts), and no path here opens it.
import { objectionWindowEnd } from './rules/deadlines.js';
import { Op, type WhereOptions } from 'sequelize';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { IdentityVault } from './identity.js';
import type { TipRow } from './models.js';
import { actionsFrom, type TipAction } from './rules/state-machine.js';
import { can, tipListFilter, type PolicyAction } from './policy.js';
import { suggestDuplicates, type DuplicateSuggestion } from './rules/duplicates.js';
import { likeContains } from './repository.js';
import { scopeOf, whereForListFilter } from './scope.js';
import { loadFor, staffActor, type ServiceDeps } from './service.js';
import { eventView, staffView, type StaffEventView, type StaffTipView } from './views.js';
import type { ListQuery } from './validation.js';
import type { Category } from './types.js';
import { maskPersonalData } from './rules/personal-data.js';

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

/**
 * The queue's filters as conditions, one meaning wherever they are used (the list, the export,
 * the dashboard's links): a county is where it happened or who handles it.
 */
export function queueFilterWhere(
  q: Pick<ListQuery, 'state' | 'colour' | 'category' | 'county' | 'overdue'>, now: Date,
): Array<WhereOptions<TipRow>> {
  const and: Array<WhereOptions<TipRow>> = [];
  if (q.state) and.push({ state: q.state });
  if (q.colour) and.push({ colour: q.colour });
  if (q.category) and.push({ category: q.category });
  if (q.county) and.push({ [Op.or]: [{ handlerCountyCode: q.county }, { placeCountyCode: q.county }] });
  if (q.overdue === true) and.push({ dueAt: { [Op.lt]: now } });
  if (q.overdue === false) and.push({ [Op.or]: [{ dueAt: null }, { dueAt: { [Op.gte]: now } }] });
  return and;
}

export async function listTips(deps: ReadDeps, actor: StaffPrincipal, q: ListQuery): Promise<TipPage> {
  const scope = whereForListFilter(tipListFilter(actor));
  if (!scope) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const now = new Date();
  const s = deps.db.sequelize;
  const and: Array<WhereOptions<TipRow>> = [scope, ...queueFilterWhere(q, now)];
  if (q.q) {
    // '!' escapes % and _ the same way in both dialects (a backslash means different things in
    // MySQL and SQLite string literals); the pattern itself goes through Sequelize's escaping.
    const pattern = s.literal(`${s.escape(likeContains(q.q))} ESCAPE '!'`);
    and.push({ [Op.or]: [s.where(s.col('code'), Op.like, pattern), s.where(s.col('description'), Op.like, pattern)] });
  }
  const { rows, total } = await deps.repo.list({ [Op.and]: and }, q);
  return { items: rows.map((r) => staffView(r, undefined, now)), total, page: q.page, pageSize: q.pageSize };
}

/** `viewReason`: why the identity is asked for, kept with the logged view (the console requires one). */
export async function tipDetail(deps: ReadDeps, actor: StaffPrincipal, code: string, wantIdentity: boolean, viewReason?: string): Promise<TipDetail> {
  const tip = await loadFor(deps, actor, code, 'tip.view');
  const scope = scopeOf(tip);
  const entitled = wantIdentity && can(actor, 'tip.view_identity', scope);
  // 匿名: nothing to reveal, so no identity_viewed event either (the log records views, and none happens).
  const reveal = entitled && !tip.anonymous;
  const handler = tip.deliveryState === 'pending' && actor.unitKey !== null && actor.unitKey === tip.unitKey;
  if (reveal || handler) {
    // The log entry commits before the identity leaves the process (Art 46: every view is logged).
    await deps.db.transaction(async (t) => {
      if (reveal) {
        await deps.repo.appendEvent({ tipId: tip.id, type: 'identity_viewed', actor: staffActor(actor), fromState: tip.state, toState: tip.state, reason: viewReason ?? null }, t);
      }
      if (handler) {
        // Delivery is tracked apart from state: the handling unit has now opened it.
        await deps.repo.models.Tip.update({ deliveryState: 'seen' }, { where: { id: tip.id, deliveryState: 'pending' }, transaction: t });
        await deps.repo.appendEvent({ tipId: tip.id, type: 'delivered', actor: staffActor(actor), fromState: tip.state, toState: tip.state }, t);
        tip.deliveryState = 'seen';
      }
    });
  }
  const identity = reveal ? deps.vault.decrypt(tip.reporterSealed) : undefined;
  const events = await deps.repo.events(tip.id);
  // An anonymous tip's seal holds no texts and staffView shows no identity: nothing to open.
  const shown = identity && !tip.anonymous ? identity : undefined;
  const transcript = JSON.parse(shown?.texts?.transcript ?? tip.transcript) as Array<{ text?: string }>;
  return {
    tip: staffView(tip, shown),
    transcript: shown ? transcript : transcript.map((e) => (e.text ? { ...e, text: maskPersonalData(e.text) } : e)),
    events: events.map((e) => eventView(e, shown ? (sealed) => deps.vault.openText(sealed) : undefined)),
    allowedActions: actionsFrom(tip.state as never).filter((a) => {
      const p = ACTION_POLICY[a];
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
  const probe = (r: TipRow) => ({
    id: r.id, reporterHash: r.anonymous ? null : r.reporterHash, text: r.description, category: r.category as Category,
    countyCode: r.placeCountyCode, townshipCode: r.placeTownshipCode, receivedAt: r.createdAt,
  });
  return suggestDuplicates(probe(tip), recent.map(probe)).slice(0, 20).flatMap((s) => {
    const r = byId.get(Number(s.id));
    // Internal row ids stay inside; staff refer to tips by code.
    return r ? [{ reason: s.reason, score: s.score, code: r.code, state: r.state, createdAt: r.createdAt.toISOString() }] : [];
  });
}
