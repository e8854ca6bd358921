// GET /staff/dashboard (督办 and admin: policy `stats.view`): the tips in the user's scope by state,
// colour, category and county, new and finished per week, overdue and due soon, the satisfaction
// rate, and the annual figures of 信访工作条例 Art 41 for the year in `?year=` (units named most,
// 交办, 转送, 督办, on time / late, ratings; what the system does not record is said in words).
// GET /staff/dashboard/export.csv?year=: that year's tips as CSV, personal data masked.
// Every number links to the queue with the filter it was counted by (stats.ts NOW_FILTERS,
// annualFilters), so the number and the queue's total are the same query.
import Router from '@koa/router';
import { z } from 'zod';
import type { Context } from 'koa';
import { assertCan } from '../../tips/policy.js';
import {
  DUE_SOON_DAYS, NOW_FILTERS, TOP_UNITS, annualFilters, annualStats, countyNames, dashboardStats, shanghaiYear,
  type AnnualStats, type DashboardStats, type RatingCounts,
} from '../../tips/stats.js';
import { sendTipsCsv } from '../../tips/export.js';
import { parseInput, queueFilterParams, type QueueFilter } from '../../tips/validation.js';
import {
  CATEGORY_KEYS, COLOURS, COLOUR_LABELS, LEGAL_TYPES, LEGAL_TYPE_LABELS, RATINGS, RATING_LABELS, STATE_LABELS, TIP_STATES,
  categoryInfo, type Rating,
} from '../../tips/types.js';
import { currentStaff } from '../auth.js';
import { barChart, groupedBarChart, type BarChart, type ChartItem } from './charts.js';
import { requireStaffPage } from './guard.js';
import type { StaffPageDeps } from './index.js';

export const DASHBOARD_PATH = '/staff/dashboard';
const QUEUE_PATH = '/staff/queue';
/** The first year the annual report offers (older years hold no tips of this system). */
const FIRST_YEAR = 2020;

const COLOUR_FILLS: Readonly<Record<string, string>> = { red: '#b42318', yellow: '#c98a00', green: '#1a7f37' };
const RECEIVED_FILL = '#0b5cad';
const FINISHED_FILL = '#1a7f37';

/** The queue listing exactly the tips of `filter` (names and values as listQuerySchema parses them). */
export function queueLink(filter: QueueFilter = {}): string {
  const q = new URLSearchParams(queueFilterParams(filter)).toString();
  return q ? `${QUEUE_PATH}?${q}` : QUEUE_PATH;
}

const yearQuery = (now: Date) => z.object({
  year: z.string().regex(/^\d{4}$/, '年份应为4位数字').transform(Number)
    .refine((y) => y >= FIRST_YEAR && y <= shanghaiYear(now), { message: `年份应在${FIRST_YEAR}年到今年之间` }).optional(),
}).strict();

/** `ctx.query.year`, checked: a year from FIRST_YEAR to this year; this year when absent. */
function yearOf(ctx: Context, now: Date): number {
  return parseInput(yearQuery(now), ctx.query).year ?? shanghaiYear(now);
}

const percent = (r: number | null) => (r === null ? null : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);

/** One number of the page: what it counts, the number, and the queue that lists those tips. */
export interface Figure { key: string; label: string; value: number; href: string }

const figure = (key: string, label: string, value: number, filter: QueueFilter): Figure => ({ key, label, value, href: queueLink(filter) });

/** Ratings as figures; the rate links to the rated tips it is computed from. */
function ratingsView(r: RatingCounts, prefix: string, rated: QueueFilter, one: (k: Rating) => QueueFilter) {
  const count: Record<Rating, number> = { satisfied: r.satisfied, basically_satisfied: r.basicallySatisfied, unsatisfied: r.unsatisfied };
  return {
    rated: figure(`${prefix}rated`, '已评价', r.rated, rated),
    each: RATINGS.map((k) => figure(`${prefix}rating:${k}`, RATING_LABELS[k], count[k], one(k))),
    ratePercent: percent(r.rate),
  };
}

function charts(s: DashboardStats, counties: Array<{ code: string; name: string }>): Record<string, BarChart> {
  const stateItems: ChartItem[] = TIP_STATES.filter((k) => (s.byState[k] ?? 0) > 0)
    .map((k) => ({ key: `state:${k}`, label: STATE_LABELS[k], value: s.byState[k] ?? 0, href: queueLink(NOW_FILTERS.state(k)) }));
  const colourItems: ChartItem[] = COLOURS.map((k) => ({
    key: `colour:${k}`, label: COLOUR_LABELS[k], value: s.byColour[k] ?? 0, href: queueLink({ colour: k }), colour: COLOUR_FILLS[k],
  }));
  const categoryItems: ChartItem[] = CATEGORY_KEYS.filter((k) => (s.byCategory[k] ?? 0) > 0)
    .map((k) => ({ key: `category:${k}`, label: categoryInfo(k).name, value: s.byCategory[k] ?? 0, href: queueLink({ category: k }) }));
  const countyItems: ChartItem[] = counties.map((c) => ({ key: `county:${c.code}`, label: c.name, value: s.byCountyQueue[c.code] ?? 0, href: queueLink(NOW_FILTERS.county(c.code)) }));
  const weeks = groupedBarChart('chart-weeks', '近12周新收和办结事项', s.weeks.map((w) => {
    const [, m, d] = w.start.split('-');
    return {
      label: `${Number(m)}月${Number(d)}日`,
      values: [
        { value: w.received, key: `week-received:${w.start}`, href: queueLink(NOW_FILTERS.weekReceived(w.start)) },
        { value: w.finished, key: `week-finished:${w.start}`, href: queueLink(NOW_FILTERS.weekFinished(w.start)) },
      ],
    };
  }), [{ name: '新收', colour: RECEIVED_FILL }, { name: '办结', colour: FINISHED_FILL }], { labelWidth: 92 });
  return {
    state: barChart('chart-state', '按办理状态', stateItems, { labelWidth: 84 }),
    colour: barChart('chart-colour', '按风险颜色', colourItems, { labelWidth: 48 }),
    category: barChart('chart-category', '按事项类别', categoryItems),
    county: barChart('chart-county', '按县（市、区）', countyItems, { labelWidth: 64 }),
    weeks,
  };
}

function annualView(a: AnnualStats) {
  const f = annualFilters(a.year);
  const units = (prefix: string, list: AnnualStats['accusedUnits'], filter: (key: string) => QueueFilter) =>
    list.map((u) => figure(`${prefix}:${u.key}`, u.name, u.value, filter(u.key)));
  return {
    year: a.year,
    received: figure('annual:received', '收到事项', a.received, f.received),
    legal: LEGAL_TYPES.map((k) => figure(`annual-legal:${k}`, `其中${LEGAL_TYPE_LABELS[k]}`, a.byLegalType[k] ?? 0, f.legalType(k))),
    categories: CATEGORY_KEYS.filter((k) => (a.byCategory[k] ?? 0) > 0)
      .map((k) => figure(`annual-category:${k}`, categoryInfo(k).name, a.byCategory[k] ?? 0, f.category(k))),
    handling: [
      figure('annual:assigned', '交办到承办单位（含改派）', a.assigned, f.action('assign')),
      figure('annual:transferred', '转送其他机关', a.transferred, f.finishedAs('transferred')),
    ],
    supervised: figure('annual:supervised', '督办过的事项', a.supervised, f.action('supervise')),
    supervision: [
      figure('annual:raised', '其中调高风险颜色', a.raised, f.action('raise')),
      figure('annual:reassigned', '其中改派承办单位', a.reassigned, f.action('reassign')),
      figure('annual:extended', '其中延长办理期限', a.extended, f.action('extend')),
    ],
    finished: figure('annual:finished', '办结（含已答复）', a.finished, f.finished),
    onTime: figure('annual:on-time', '其中按期办结', a.onTime, f.onTime),
    onTimePercent: percent(a.finished === 0 ? null : a.onTime / a.finished),
    late: figure('annual:late', '其中超期办结', a.late, f.late),
    concluded: [
      figure('annual:rejected', '其中不予受理', a.rejected, f.finishedAs('rejected')),
      figure('annual:duplicate', '其中重复反映', a.duplicate, f.finishedAs('duplicate')),
    ],
    openOverdue: figure('annual:open-overdue', '还没办完、已超期', a.openOverdue, f.openOverdue),
    ratings: ratingsView(a.ratings, 'annual:', f.rated, f.rating),
    accusedUnits: units('annual-accused', a.accusedUnits, f.accused),
    handlingUnits: units('annual-unit', a.handlingUnits, f.unit),
    topUnits: TOP_UNITS,
  };
}

export function dashboardPages(deps: StaffPageDeps): Router {
  const router = new Router();
  const { web } = deps;
  const { db, repo } = deps.reads;

  router.get(DASHBOARD_PATH, requireStaffPage(deps), async (ctx) => {
    const staff = currentStaff(ctx);
    assertCan(staff, 'stats.view');
    const now = new Date();
    const year = yearOf(ctx, now);
    const [stats, annual, counties] = await Promise.all([
      dashboardStats(db, repo, staff, now),
      annualStats(db, repo, staff, year, now),
      countyNames(repo),
    ]);
    const thisYear = shanghaiYear(now);
    const years = Array.from({ length: thisYear - FIRST_YEAR + 1 }, (_, i) => thisYear - i);
    web.render(ctx, 'dashboard.njk', {
      title: '统计',
      now,
      stats,
      ratings: ratingsView(stats.ratings, '', NOW_FILTERS.rated, NOW_FILTERS.rating),
      figures: {
        total: figure('total', '全部事项', stats.total, NOW_FILTERS.total),
        overdue: figure('overdue', '已超期，还没办完', stats.overdue, NOW_FILTERS.overdue),
        dueSoon: figure('due-soon', `${DUE_SOON_DAYS}天内到期`, stats.dueSoon, NOW_FILTERS.dueSoon),
        noCounty: figure('county:none', '没有地点', stats.byCounty.none ?? 0, NOW_FILTERS.noCounty),
      },
      charts: charts(stats, counties),
      annual: annualView(annual),
      year,
      years,
      exportHref: `${DASHBOARD_PATH}/export.csv?year=${year}`,
    });
  });

  router.get(`${DASHBOARD_PATH}/export.csv`, requireStaffPage(deps), async (ctx) => {
    const staff = currentStaff(ctx);
    assertCan(staff, 'stats.view');
    const year = yearOf(ctx, new Date());
    await sendTipsCsv(ctx, { db, repo }, staff, { year }, `tips-${year}.csv`);
  });

  return router;
}
