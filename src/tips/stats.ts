// The supervisor's dashboard numbers. Counting happens in the database (GROUP BY), never by
// loading tips; the two average durations need a dialect-specific date difference, written as
// constant SQL with no values in it.
import { Op, Sequelize, fn, col, literal, type WhereOptions } from 'sequelize';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { Database } from '../db/index.js';
import type { TipRow } from './models.js';
import type { TipRepository } from './repository.js';
import { assertCan, tipListFilter } from './policy.js';
import { whereForListFilter } from './scope.js';
import { dayFromKey, dayKey, shanghaiDay, shanghaiDayKey, startOfShanghaiDay, weekday } from './rules/shanghai-time.js';

const OPEN_STATES = ['received', 'claimed', 'assigned', 'in_progress', 'extended', 'reopened'];
const CONCLUDED_STATES = ['closed', 'rejected', 'duplicate', 'transferred'];
const DUE_SOON_MS = 3 * 86_400_000;

export interface TipStats {
  total: number;
  byState: Record<string, number>;
  byColour: Record<string, number>;
  byCategory: Record<string, number>;
  /** Keyed by the county the tip is handled in, else where it happened; 'none' when unknown. */
  byCounty: Record<string, number>;
  overdue: number;
  dueSoon: number;
  avgHoursToAssign: number | null;
  avgHoursToConclude: number | null;
}

function secondsBetween(db: Database, from: string, to: string): string {
  return db.dialect === 'mysql'
    ? `AVG(TIMESTAMPDIFF(SECOND, ${from}, ${to}))`
    : `AVG((julianday(${to}) - julianday(${from})) * 86400.0)`;
}

export async function tipStats(db: Database, repo: TipRepository, actor: StaffPrincipal, now = new Date()): Promise<TipStats> {
  assertCan(actor, 'stats.view');
  const scope = whereForListFilter(tipListFilter(actor)) ?? { id: -1 };
  const { Tip } = repo.models;
  const where = (extra: WhereOptions<TipRow> = {}): WhereOptions<TipRow> => ({ [Op.and]: [scope, extra] });

  const grouped = async (column: string, expr: ReturnType<typeof fn> | ReturnType<typeof col> = col(column)): Promise<Record<string, number>> => {
    const rows = await Tip.findAll({
      attributes: [[expr, 'k'], [fn('COUNT', col('id')), 'n']],
      where: where(),
      group: ['k'],
      raw: true,
    }) as unknown as Array<{ k: string | null; n: number | string }>;
    return Object.fromEntries(rows.map((r) => [r.k ?? 'none', Number(r.n)]));
  };
  const average = async (from: string, to: string, extra: WhereOptions<TipRow>): Promise<number | null> => {
    const rows = await Tip.findAll({ attributes: [[literal(secondsBetween(db, from, to)), 's']], where: where(extra), raw: true }) as unknown as Array<{ s: number | string | null }>;
    const s = rows[0]?.s;
    return s === null || s === undefined ? null : Math.round((Number(s) / 3600) * 10) / 10;
  };

  const [byState, byColour, byCategory, byCounty, overdue, dueSoon, toAssign, toConclude] = await Promise.all([
    grouped('state'),
    grouped('colour'),
    grouped('category'),
    grouped('county', fn('COALESCE', col('handler_county_code'), col('place_county_code'))),
    Tip.count({ where: where({ state: { [Op.in]: OPEN_STATES }, dueAt: { [Op.lt]: now } }) }),
    Tip.count({ where: where({ state: { [Op.in]: OPEN_STATES }, dueAt: { [Op.gte]: now, [Op.lte]: new Date(now.getTime() + DUE_SOON_MS) } }) }),
    average('created_at', 'assigned_at', { assignedAt: { [Op.ne]: null } }),
    average('created_at', 'concluded_at', { state: { [Op.in]: CONCLUDED_STATES }, concludedAt: { [Op.ne]: null } }),
  ]);
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  return { total, byState, byColour, byCategory, byCounty, overdue, dueSoon, avgHoursToAssign: toAssign, avgHoursToConclude: toConclude };
}

// ---------------------------------------------------------------------------------------------
// The supervisors' dashboard (src/staff/pages/dashboard.ts) and the annual report of 信访工作条例
// Art 41. "Finished" (办结, answered included) is when the handling ended for the citizen: the
// answer (答复), or the conclusion of a tip that was never answered (不予受理, 重复, 转送). It was
// on time when that moment is not after the tip's conclusion deadline (Art 34: 60 days + extension).

/** States in which the handling has ended for the citizen. */
export const FINISHED_STATES = ['answered', ...CONCLUDED_STATES];
const WEEK_MS = 7 * 86_400_000;
export const TREND_WEEKS = 12;

export interface RatingCounts {
  rated: number;
  satisfied: number;
  basicallySatisfied: number;
  unsatisfied: number;
  /** (satisfied + basically satisfied) / rated, 0–1; null when nothing was rated. */
  rate: number | null;
}

export interface WeekCounts {
  /** First day (Monday, Beijing time) of the week, YYYY-MM-DD. */
  start: string;
  received: number;
  finished: number;
}

export interface DashboardStats extends TipStats {
  /**
   * Per county: tips that happened or are handled there — the queue's `county` filter, so each
   * number is what its link lists (a tip handled in another county counts in both).
   */
  byCountyQueue: Record<string, number>;
  weeks: WeekCounts[];
  ratings: RatingCounts;
}

export interface AnnualStats {
  year: number;
  /** Received (收到) in the year: tips created between 1 January and 31 December, Beijing time. */
  received: number;
  byLegalType: Record<string, number>;
  byCategory: Record<string, number>;
  byColour: Record<string, number>;
  /** Of those received: first assigned (交办) to a handling unit. */
  assigned: number;
  /** Finished in the year (答复 or concluded), and how many of them on time / late. */
  finished: number;
  onTime: number;
  late: number;
  rejected: number;
  transferred: number;
  duplicate: number;
  /** Received in the year, not finished, and past their current deadline now. */
  openOverdue: number;
  /** Ratings given in the year. */
  ratings: RatingCounts;
}

export interface UnitName { code: string; name: string }

/** The 11 county-level units with their names, in the official order (units table). */
export async function countyNames(repo: TipRepository): Promise<UnitName[]> {
  const rows = await repo.models.Unit.findAll({ attributes: ['key', 'name'], where: { kind: 'county' }, order: [['sort', 'ASC']] });
  return rows.map((u) => ({ code: u.key, name: u.name }));
}

/** The Beijing-time calendar year [start, end). */
export function yearRange(year: number): { start: Date; end: Date } {
  return {
    start: startOfShanghaiDay(dayFromKey(`${String(year).padStart(4, '0')}-01-01`)),
    end: startOfShanghaiDay(dayFromKey(`${String(year + 1).padStart(4, '0')}-01-01`)),
  };
}

/** The Beijing year `now` falls in. */
export function shanghaiYear(now: Date): number {
  return Number(dayKey(shanghaiDay(now)).slice(0, 4));
}

/** Monday 00:00 Beijing time of the week `now` is in, minus `weeksBack` weeks. */
export function weekStart(now: Date, weeksBack = 0): Date {
  const today = shanghaiDay(now);
  const monday = today - ((weekday(today) + 6) % 7);
  return startOfShanghaiDay(monday - 7 * weeksBack);
}

const finishedAt = () => fn('COALESCE', col('answered_at'), col('concluded_at'));

function ratingCounts(byRating: Record<string, number>): RatingCounts {
  const satisfied = byRating.satisfied ?? 0;
  const basicallySatisfied = byRating.basically_satisfied ?? 0;
  const unsatisfied = byRating.unsatisfied ?? 0;
  const rated = satisfied + basicallySatisfied + unsatisfied;
  return { rated, satisfied, basicallySatisfied, unsatisfied, rate: rated === 0 ? null : (satisfied + basicallySatisfied) / rated };
}

/** Scoped counting helpers over the tips table. */
function counter(repo: TipRepository, actor: StaffPrincipal) {
  const scope = whereForListFilter(tipListFilter(actor)) ?? { id: -1 };
  const { Tip } = repo.models;
  const where = (...extra: Array<WhereOptions<TipRow>>): WhereOptions<TipRow> => ({ [Op.and]: [scope, ...extra] });
  const count = (...extra: Array<WhereOptions<TipRow>>) => Tip.count({ where: where(...extra) });
  const grouped = async (column: string, ...extra: Array<WhereOptions<TipRow>>): Promise<Record<string, number>> => {
    const rows = await Tip.findAll({
      attributes: [[col(column), 'k'], [fn('COUNT', col('id')), 'n']],
      where: where(...extra),
      group: [column],
      raw: true,
    }) as unknown as Array<{ k: string | null; n: number | string }>;
    return Object.fromEntries(rows.map((r) => [r.k ?? 'none', Number(r.n)]));
  };
  return { where, count, grouped };
}

const between = (start: Date, end: Date) => ({ [Op.gte]: start, [Op.lt]: end });
const finishedBetween = (start: Date, end: Date): WhereOptions<TipRow> => ({
  [Op.and]: [
    { state: { [Op.in]: FINISHED_STATES } },
    Sequelize.where(finishedAt(), { [Op.gte]: start }),
    Sequelize.where(finishedAt(), { [Op.lt]: end }),
  ],
});

/** Everything the dashboard shows besides the annual report; the same scope as tipStats. */
export async function dashboardStats(db: Database, repo: TipRepository, actor: StaffPrincipal, now = new Date()): Promise<DashboardStats> {
  const base = await tipStats(db, repo, actor, now);
  const c = counter(repo, actor);
  const first = weekStart(now, TREND_WEEKS - 1);
  const starts = Array.from({ length: TREND_WEEKS }, (_, i) => new Date(first.getTime() + i * WEEK_MS));
  const [byPlace, byHandlerElsewhere, byRating, weeks] = await Promise.all([
    c.grouped('place_county_code', { placeCountyCode: { [Op.ne]: null } }),
    c.grouped('handler_county_code', { handlerCountyCode: { [Op.ne]: null } }, {
      [Op.or]: [{ placeCountyCode: null }, { placeCountyCode: { [Op.ne]: col('handler_county_code') } }],
    }),
    c.grouped('rating', { rating: { [Op.ne]: null } }),
    Promise.all(starts.map(async (start) => {
      const end = new Date(start.getTime() + WEEK_MS);
      const [received, finished] = await Promise.all([c.count({ createdAt: between(start, end) }), c.count(finishedBetween(start, end))]);
      return { start: shanghaiDayKey(start), received, finished };
    })),
  ]);
  const byCountyQueue: Record<string, number> = { ...byPlace };
  for (const [k, n] of Object.entries(byHandlerElsewhere)) byCountyQueue[k] = (byCountyQueue[k] ?? 0) + n;
  return { ...base, byCountyQueue, weeks, ratings: ratingCounts(byRating) };
}

/** The yearly figures 信访工作条例 Art 41 asks the annual report to give, for the actor's scope. */
export async function annualStats(repo: TipRepository, actor: StaffPrincipal, year: number, now = new Date()): Promise<AnnualStats> {
  assertCan(actor, 'stats.view');
  const c = counter(repo, actor);
  const { start, end } = yearRange(year);
  const receivedIn = { createdAt: between(start, end) };
  const finishedIn = finishedBetween(start, end);
  const onTime = Sequelize.where(finishedAt(), { [Op.lte]: col('conclude_by') });
  const [received, byLegalType, byCategory, byColour, assigned, finished, onTimeCount, byState, openOverdue, byRating] = await Promise.all([
    c.count(receivedIn),
    c.grouped('legal_type', receivedIn),
    c.grouped('category', receivedIn),
    c.grouped('colour', receivedIn),
    c.count(receivedIn, { acceptedAt: { [Op.ne]: null } }),
    c.count(finishedIn),
    c.count(finishedIn, onTime),
    c.grouped('state', finishedIn),
    c.count(receivedIn, { state: { [Op.in]: OPEN_STATES }, dueAt: { [Op.lt]: now } }),
    c.grouped('rating', { rating: { [Op.ne]: null }, ratedAt: between(start, end) }),
  ]);
  return {
    year, received, byLegalType, byCategory, byColour, assigned,
    finished, onTime: onTimeCount, late: finished - onTimeCount,
    rejected: byState.rejected ?? 0, transferred: byState.transferred ?? 0, duplicate: byState.duplicate ?? 0,
    openOverdue, ratings: ratingCounts(byRating),
  };
}
