// GET /staff/queue (the tips in the signed-in staff member's scope, filters in the URL),
// POST /staff/queue/claim-next and POST /staff/queue/claim (by tracking code). The list comes from
// the same read as GET /api/staff/tips, so the page shows exactly what the API would.
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../platform/errors.js';
import { toAppError } from '../../http/middleware.js';
import { assertCan, can } from '../../tips/policy.js';
import { claimByCode, claimNext } from '../../tips/queue.js';
import { listTips } from '../../tips/reads.js';
import type { TipRepository } from '../../tips/repository.js';
import { normaliseTrackingCode } from '../../tips/rules/tracking-code.js';
import {
  CATEGORIES, COLOUR_LABELS, COLOURS, LEGAL_TYPES, LEGAL_TYPE_LABELS, RATINGS, RATING_LABELS, STATE_LABELS, TIP_STATES, categoryInfo,
} from '../../tips/types.js';
import {
  codeParam, listQuerySchema, parseInput, type ActionFilter, type DateField, type ListQuery,
} from '../../tips/validation.js';
import type { StaffTipView } from '../../tips/views.js';
import { readForm } from '../../web/index.js';
import { getOpensPage, requireStaffPage } from './guard.js';
import { FLASHES, redirectWith, type Flash } from './flash.js';
import type { StaffPageDeps } from './index.js';

export const QUEUE_PATH = '/staff/queue';

/** Unit names by key (counties and townships by division code), from the units table. */
export async function unitNames(repo: TipRepository): Promise<Map<string, string>> {
  return new Map((await repo.units()).map((u) => [u.key, u.name]));
}

/** 三元区 · 列东街道 (the handling place once assigned, else where the citizen said it is). */
export function placeName(tip: StaffTipView, names: ReadonlyMap<string, string>): string {
  const county = tip.handlerCountyCode ?? tip.place.countyCode;
  const township = tip.handlerTownshipCode ?? tip.place.townshipCode;
  const parts = [county, township].flatMap((k) => (k && names.has(k) ? [names.get(k)!] : []));
  return parts.join(' · ');
}

export interface Clock { ageMs: number; leftMs: number | null; overdue: boolean }

export function clockOf(tip: StaffTipView, now: Date): Clock {
  const due = tip.dueAt ? new Date(tip.dueAt).getTime() : null;
  return {
    ageMs: now.getTime() - new Date(tip.createdAt).getTime(),
    leftMs: due === null ? null : due - now.getTime(),
    overdue: due !== null && due < now.getTime(),
  };
}

/** The query parameter that gives a refused claim-by-code back to its field (at most CLAIM_TYPED_MAX characters): not a filter. */
const CLAIM_TYPED = 'claim';
const CLAIM_TYPED_MAX = 40;

/** The query string without empty fields (a GET form sends every field). */
function filtersOf(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.query)) {
    if (k === CLAIM_TYPED || typeof v !== 'string' || v.trim() === '') continue;
    out[k] = v;
  }
  return out;
}

const ACTION_WORDS: Readonly<Record<ActionFilter, string>> = {
  assign: '交办', supervise: '督办', raise: '督办调高颜色', reassign: '督办改派', extend: '督办延期',
};
const DATE_WORDS: Readonly<Record<Exclude<DateField, 'action'>, string>> = { received: '收到', finished: '办结（含答复）', rated: '评价' };
const RATING_WORDS: Readonly<Record<string, string>> = { ...RATING_LABELS, any: '已评价' };

/** 2026年3月9日; the year left out when `sameYear` says it is plain from what came before. */
function dayWords(key: string, withYear = true): string {
  const [y, m, d] = key.split('-');
  return `${withYear ? `${y}年` : ''}${Number(m)}月${Number(d)}日`;
}

/** The date window in words: 2026年, 2026年3月9日至3月15日, 2026年3月9日起, 截至2026年3月15日. */
function rangeWords(from: string | undefined, to: string | undefined): string {
  if (from && to) {
    const y = from.slice(0, 4);
    if (from === `${y}-01-01` && to === `${y}-12-31`) return `${y}年`;
    if (from === to) return dayWords(from);
    return `${dayWords(from)}至${dayWords(to, to.slice(0, 4) !== y)}`;
  }
  if (from) return `${dayWords(from)}起`;
  return to ? `截至${dayWords(to)}` : '';
}

/** The active filters in words, for the line 「筛选：…」 above the list. */
export function filterWords(q: ListQuery, names: ReadonlyMap<string, string>): string[] {
  const words: string[] = [];
  const range = rangeWords(q.from, q.to);
  if (range) words.push(`${range}${q.date === 'action' && q.action ? ACTION_WORDS[q.action] : DATE_WORDS[q.date === 'action' ? 'received' : q.date ?? 'received']}`);
  if (q.action && !(range && q.date === 'action')) words.push(`有${ACTION_WORDS[q.action]}记录`);
  if (q.legalType) words.push(LEGAL_TYPE_LABELS[q.legalType]);
  if (q.category) words.push(`类别：${categoryInfo(q.category).name}`);
  if (q.colour) words.push(COLOUR_LABELS[q.colour]);
  if (q.state) words.push(`状态：${STATE_LABELS[q.state]}`);
  if (q.county === 'none') words.push('没有地点');
  else if (q.county) words.push(names.get(q.county) ?? q.county);
  if (q.unit) words.push(`承办单位：${names.get(q.unit) ?? q.unit}`);
  if (q.accused) words.push(`被检举控告单位：${names.get(q.accused) ?? q.accused}`);
  if (q.overdue !== undefined) words.push(q.overdue ? '已超期' : '未超期');
  if (q.added !== undefined) words.push(q.added ? '群众新补充了内容' : '没有未看的补充');
  if (q.dueWithinDays !== undefined) words.push(`${q.dueWithinDays}天内到期`);
  if (q.finished) words.push(q.finished === 'ontime' ? '按期办结' : '超期办结');
  if (q.rating) words.push(RATING_WORDS[q.rating] ?? q.rating);
  if (q.q) words.push(`搜索“${q.q}”`);
  return words;
}

/** Filters the form has no visible field for: kept as hidden fields, so 筛选 does not drop them. */
const HIDDEN_FILTERS = ['overdue', 'added', 'dueWithinDays', 'finished', 'unit', 'accused', 'action'] as const;

function pageHref(filters: Record<string, string>, page: number): string {
  const q = new URLSearchParams({ ...filters, page: String(page) });
  return `${QUEUE_PATH}?${q.toString()}`;
}

export function queuePages(deps: StaffPageDeps): Router {
  const router = new Router();
  const { web } = deps;
  const guard = requireStaffPage(deps);

  router.get(QUEUE_PATH, guard, async (ctx) => {
    const staff = ctx.state.staff!;
    assertCan(staff, 'tip.list');
    let filters = filtersOf(ctx);
    let flash: Flash | undefined;
    let query: ListQuery;
    try {
      query = parseInput(listQuerySchema, filters);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      filters = {};
      flash = FLASHES.filters;
      query = parseInput(listQuerySchema, {});
    }
    const [list, names] = await Promise.all([listTips(deps.reads, staff, query), unitNames(deps.reads.repo)]);
    const now = new Date();
    const rows = list.items.map((tip) => ({ tip, place: placeName(tip, names), clock: clockOf(tip, now) }));
    const counties = (await deps.reads.repo.units()).filter((u) => u.kind === 'county').map((u) => ({ code: u.key, name: u.name }));
    const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
    const { page: _page, ...withoutPage } = filters;
    const active = filterWords(query, names);
    web.render(ctx, 'queue.njk', {
      title: '事项',
      flash,
      rows,
      total: list.total,
      page: list.page,
      pages,
      prevHref: list.page > 1 ? pageHref(withoutPage, list.page - 1) : null,
      nextHref: list.page < pages ? pageHref(withoutPage, list.page + 1) : null,
      filters,
      claimTyped: typeof ctx.query[CLAIM_TYPED] === 'string' ? ctx.query[CLAIM_TYPED].slice(0, CLAIM_TYPED_MAX) : '',
      filtered: active.length > 0,
      filterWords: active,
      hidden: HIDDEN_FILTERS.flatMap((name) => (filters[name] !== undefined ? [{ name, value: filters[name] }] : [])),
      legalTypes: LEGAL_TYPES.map((k) => ({ value: k, label: LEGAL_TYPE_LABELS[k] })),
      ratings: [...RATINGS.map((k) => ({ value: k, label: RATING_LABELS[k] })), { value: 'any', label: '已评价（任何评价）' }],
      dateFields: [
        { value: '', label: '收到日期' }, { value: 'finished', label: '办结或答复日期' }, { value: 'rated', label: '评价日期' },
        ...(query.action ? [{ value: 'action', label: `${ACTION_WORDS[query.action]}日期` }] : []),
      ],
      states: TIP_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })),
      colours: COLOURS.map((c) => ({ value: c, label: COLOUR_LABELS[c] })),
      categories: CATEGORIES.map((c) => ({ value: c.key, label: c.name })),
      counties,
      canClaim: can(staff, 'tip.claim'),
    });
  });

  router.post(`${QUEUE_PATH}/claim-next`, guard, async (ctx) => {
    await readForm(ctx, web.csrf, 4 * 1024);
    const tip = await claimNext(deps.queue, ctx.state.staff!);
    if (tip) redirectWith(ctx, `/staff/tips/${tip.code}`, 'claimed');
    else redirectWith(ctx, QUEUE_PATH, 'queue-empty');
  });

  router.post(`${QUEUE_PATH}/claim`, guard, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 4 * 1024);
    const typed = normaliseTrackingCode(fields.code ?? '');
    // A refusal gives back what was typed, to correct rather than type again.
    const back = `${QUEUE_PATH}?${new URLSearchParams({ [CLAIM_TYPED]: (fields.code ?? '').trim().slice(0, CLAIM_TYPED_MAX) }).toString()}`;
    let code: string;
    try {
      code = parseInput(codeParam, typed);
    } catch {
      redirectWith(ctx, back, 'code-invalid');
      return;
    }
    try {
      await claimByCode(deps.queue, ctx.state.staff!, code);
    } catch (err) {
      const e = toAppError(err);
      // Unknown and unseen tips read the same, so the message reveals nothing the API would not.
      if (e.status === 404) return redirectWith(ctx, back, 'code-not-found');
      if (e.status === 409) return redirectWith(ctx, back, 'not-claimable');
      throw err;
    }
    redirectWith(ctx, `/staff/tips/${code}`, 'claimed');
  });

  getOpensPage(router, [`${QUEUE_PATH}/claim-next`, `${QUEUE_PATH}/claim`], [guard], () => QUEUE_PATH);

  return router;
}
