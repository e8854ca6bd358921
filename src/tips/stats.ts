// The supervisor's dashboard numbers. Counting happens in the database (GROUP BY), never by
// loading tips; the two average durations need a dialect-specific date difference, written as
// constant SQL with no values in it.
import { Op, fn, col, literal, type WhereOptions } from 'sequelize';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { Database } from '../db/index.js';
import type { TipRow } from './models.js';
import type { TipRepository } from './repository.js';
import { assertCan, tipListFilter } from './policy.js';
import { whereForListFilter } from './scope.js';
import { dayFromKey, dayKey, shanghaiDay, startOfShanghaiDay, weekday } from '../platform/beijing-time.js';
import { CONCLUDED_STATES, FINISHED_STATES, queueFilterWhere } from './reads.js';
import type { ActionFilter, QueueFilter } from './validation.js';
import { RATINGS, type Rating, type TipState } from './types.js';

export { FINISHED_STATES };

/** "Due soon" on the dashboard: within this many days (the queue's `dueWithinDays`). */
export const DUE_SOON_DAYS = 3;

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
  const count = (filter: QueueFilter) => Tip.count({ where: { [Op.and]: [scope, ...queueFilterWhere(db, filter, now)] } });

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
    count(NOW_FILTERS.overdue),
    count(NOW_FILTERS.dueSoon),
    average('created_at', 'assigned_at', { assignedAt: { [Op.ne]: null } }),
    average('created_at', 'concluded_at', { state: { [Op.in]: [...CONCLUDED_STATES] }, concludedAt: { [Op.ne]: null } }),
  ]);
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  return { total, byState, byColour, byCategory, byCounty, overdue, dueSoon, avgHoursToAssign: toAssign, avgHoursToConclude: toConclude };
}

// ---------------------------------------------------------------------------------------------
// The supervisors' dashboard (src/staff/pages/dashboard.ts) and the annual report of 信访工作条例
// Art 41. Every number is the count of one queue filter (the functions below name them), so the
// number shown and the queue its link opens agree by construction: both are queueFilterWhere.
// "Finished" (办结, answered included) is when the handling ended for the citizen: the answer
// (答复), or the conclusion of a tip that was never answered (不予受理, 重复, 转送). It was on time
// when that moment is not after the tip's conclusion deadline (Art 34: 60 days + extension).

const WEEK_DAYS = 7;
export const TREND_WEEKS = 12;
/** How many units the annual report lists as most often named / handling the most tips. */
export const TOP_UNITS = 10;

/** The filters of the current picture's figures. */
export const NOW_FILTERS = {
  total: {},
  overdue: { overdue: true },
  dueSoon: { dueWithinDays: DUE_SOON_DAYS },
  rated: { rating: 'any' },
  rating: (r: Rating): QueueFilter => ({ rating: r }),
  state: (s: TipState): QueueFilter => ({ state: s }),
  county: (code: string): QueueFilter => ({ county: code }),
  noCounty: { county: 'none' },
  /** A week from its Monday (YYYY-MM-DD): received in it, finished in it. */
  weekReceived: (monday: string): QueueFilter => ({ from: monday, to: dayKey(dayFromKey(monday) + WEEK_DAYS - 1) }),
  weekFinished: (monday: string): QueueFilter => ({ date: 'finished', from: monday, to: dayKey(dayFromKey(monday) + WEEK_DAYS - 1) }),
} satisfies Record<string, QueueFilter | ((k: never) => QueueFilter)>;

/** The filters of the annual report's figures: the Beijing-time calendar year. */
export function annualFilters(year: number) {
  const y = String(year).padStart(4, '0');
  const r = { from: `${y}-01-01`, to: `${y}-12-31` };
  const finished: QueueFilter = { ...r, date: 'finished' };
  return {
    /** Received (收到) in the year. */
    received: r as QueueFilter,
    legalType: (k: QueueFilter['legalType']): QueueFilter => ({ ...r, legalType: k }),
    category: (k: QueueFilter['category']): QueueFilter => ({ ...r, category: k }),
    /** Tips with this kind of event in the year (交办, 督办 and its kinds). */
    action: (a: ActionFilter): QueueFilter => ({ ...r, date: 'action', action: a }),
    /** Finished in the year (答复 or concluded), on time, late, or in a concluded state. */
    finished,
    onTime: { ...finished, finished: 'ontime' } as QueueFilter,
    late: { ...finished, finished: 'late' } as QueueFilter,
    finishedAs: (s: TipState): QueueFilter => ({ ...finished, state: s }),
    /** Received in the year, still open and past the deadline now. */
    openOverdue: { ...r, overdue: true } as QueueFilter,
    /** Rated in the year. */
    rated: { ...r, date: 'rated', rating: 'any' } as QueueFilter,
    rating: (k: Rating): QueueFilter => ({ ...r, date: 'rated', rating: k }),
    /** 检举控告 received in the year that name this unit. */
    accused: (key: string): QueueFilter => ({ ...r, legalType: 'accusation', accused: key }),
    /** Received in the year and handled by this unit. */
    unit: (key: string): QueueFilter => ({ ...r, unit: key }),
  };
}

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

/** A unit with its number of tips. */
export interface RankedUnit { key: string; name: string; value: number }

export interface AnnualStats {
  year: number;
  /** Received (收到) in the year: tips created between 1 January and 31 December, Beijing time. */
  received: number;
  byLegalType: Record<string, number>;
  byCategory: Record<string, number>;
  /** Tips assigned (交办) in the year: first assignments and 改派, by anyone. */
  assigned: number;
  /** Tips with a 督办 action in the year (a supervisor or admin raised the colour, reassigned, extended). */
  supervised: number;
  raised: number;
  reassigned: number;
  extended: number;
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
  /** 检举控告 received in the year by the unit they name (被投诉较多的机关、单位), most first. */
  accusedUnits: RankedUnit[];
  /** Tips received in the year by handling unit, most first. */
  handlingUnits: RankedUnit[];
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

function ratingCounts(byRating: Record<string, number>): RatingCounts {
  const satisfied = byRating.satisfied ?? 0;
  const basicallySatisfied = byRating.basically_satisfied ?? 0;
  const unsatisfied = byRating.unsatisfied ?? 0;
  const rated = satisfied + basicallySatisfied + unsatisfied;
  return { rated, satisfied, basicallySatisfied, unsatisfied, rate: rated === 0 ? null : (satisfied + basicallySatisfied) / rated };
}

/** Scoped counting over the tips table by queue filters. */
function counter(db: Database, repo: TipRepository, actor: StaffPrincipal, now: Date) {
  const scope = whereForListFilter(tipListFilter(actor)) ?? { id: -1 };
  const { Tip } = repo.models;
  const where = (filter: QueueFilter, extra: WhereOptions<TipRow> = {}): WhereOptions<TipRow> =>
    ({ [Op.and]: [scope, ...queueFilterWhere(db, filter, now), extra] });
  const count = (filter: QueueFilter) => Tip.count({ where: where(filter) });
  /** The filter's tips per value of `column` (null values left out). */
  const grouped = async (column: string, filter: QueueFilter): Promise<Record<string, number>> => {
    const rows = await Tip.findAll({
      attributes: [[col(column), 'k'], [fn('COUNT', col('id')), 'n']],
      where: where(filter, { [Op.and]: [literal(`${column} IS NOT NULL`)] }),
      group: [column],
      raw: true,
    }) as unknown as Array<{ k: string | null; n: number | string }>;
    return Object.fromEntries(rows.flatMap((r) => (r.k === null ? [] : [[r.k, Number(r.n)]])));
  };
  return { count, grouped };
}

async function ratingsOf(c: ReturnType<typeof counter>, filter: QueueFilter): Promise<RatingCounts> {
  const byRating = await c.grouped('rating', filter);
  return ratingCounts(Object.fromEntries(RATINGS.map((r) => [r, byRating[r] ?? 0])));
}

/** Everything the dashboard shows besides the annual report; the same scope as tipStats. */
export async function dashboardStats(db: Database, repo: TipRepository, actor: StaffPrincipal, now = new Date()): Promise<DashboardStats> {
  const base = await tipStats(db, repo, actor, now);
  const c = counter(db, repo, actor, now);
  const first = shanghaiDay(weekStart(now, TREND_WEEKS - 1));
  const mondays = Array.from({ length: TREND_WEEKS }, (_, i) => dayKey(first + i * WEEK_DAYS));
  const counties = await countyNames(repo);
  const [byCounty, ratings, weeks] = await Promise.all([
    Promise.all(counties.map(async (u) => [u.code, await c.count(NOW_FILTERS.county(u.code))] as const)),
    ratingsOf(c, NOW_FILTERS.rated),
    Promise.all(mondays.map(async (start) => {
      const [received, finished] = await Promise.all([c.count(NOW_FILTERS.weekReceived(start)), c.count(NOW_FILTERS.weekFinished(start))]);
      return { start, received, finished };
    })),
  ]);
  return { ...base, byCountyQueue: Object.fromEntries(byCounty), weeks, ratings };
}

/** The units of `counts`, most first (ties by key), at most TOP_UNITS, with their names. */
function ranked(counts: Record<string, number>, names: ReadonlyMap<string, string>): RankedUnit[] {
  return Object.entries(counts)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
    .slice(0, TOP_UNITS)
    .map(([key, value]) => ({ key, name: names.get(key) ?? key, value }));
}

/** The yearly figures 信访工作条例 Art 41 asks the annual report to give, for the actor's scope. */
export async function annualStats(db: Database, repo: TipRepository, actor: StaffPrincipal, year: number, now = new Date()): Promise<AnnualStats> {
  assertCan(actor, 'stats.view');
  const c = counter(db, repo, actor, now);
  const f = annualFilters(year);
  const [
    received, byLegalType, byCategory, assigned, supervised, raised, reassigned, extended,
    finished, onTime, late, byState, openOverdue, ratings, accused, handling, units,
  ] = await Promise.all([
    c.count(f.received),
    c.grouped('legal_type', f.received),
    c.grouped('category', f.received),
    c.count(f.action('assign')),
    c.count(f.action('supervise')),
    c.count(f.action('raise')),
    c.count(f.action('reassign')),
    c.count(f.action('extend')),
    c.count(f.finished),
    c.count(f.onTime),
    c.count(f.late),
    c.grouped('state', f.finished),
    c.count(f.openOverdue),
    ratingsOf(c, f.rated),
    c.grouped('accused_unit_key', f.legalType('accusation')),
    c.grouped('unit_key', f.received),
    repo.units(),
  ]);
  const names = new Map(units.map((u) => [u.key, u.name]));
  return {
    year, received, byLegalType, byCategory, assigned, supervised, raised, reassigned, extended,
    finished, onTime, late,
    rejected: byState.rejected ?? 0, transferred: byState.transferred ?? 0, duplicate: byState.duplicate ?? 0,
    openOverdue, ratings, accusedUnits: ranked(accused, names), handlingUnits: ranked(handling, names),
  };
}
