// GET /staff/dashboard (督办 and admin: policy `stats.view`): the tips in the user's scope by state,
// colour, category and county, new and finished per week, overdue and due soon, the satisfaction
// rate, and the annual figures of 信访工作条例 Art 41 for the year in `?year=`.
// GET /staff/dashboard/export.csv?year=: that year's tips as CSV, personal data masked.
// Every number of the current picture links to the queue filtered to exactly those tips.
import Router from '@koa/router';
import { z } from 'zod';
import type { Context } from 'koa';
import { assertCan } from '../../tips/policy.js';
import { annualStats, countyNames, dashboardStats, shanghaiYear, type AnnualStats, type DashboardStats, type RatingCounts } from '../../tips/stats.js';
import { sendTipsCsv } from '../../tips/export.js';
import { parseInput } from '../../tips/validation.js';
import {
  CATEGORY_KEYS, COLOURS, COLOUR_LABELS, LEGAL_TYPES, LEGAL_TYPE_LABELS, STATE_LABELS, TIP_STATES, categoryInfo,
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

/** The queue with one filter: the names are listQuerySchema's (src/tips/validation.ts). */
export function queueLink(filter: Record<string, string> = {}): string {
  const q = new URLSearchParams(filter).toString();
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

interface Figure { label: string; value: number; href?: string | undefined; key: string }

function ratingsView(r: RatingCounts) {
  return { ...r, ratePercent: percent(r.rate) };
}

function charts(s: DashboardStats, counties: Array<{ code: string; name: string }>): Record<string, BarChart> {
  const stateItems: ChartItem[] = TIP_STATES.filter((k) => (s.byState[k] ?? 0) > 0)
    .map((k) => ({ key: `state:${k}`, label: STATE_LABELS[k], value: s.byState[k] ?? 0, href: queueLink({ state: k }) }));
  const colourItems: ChartItem[] = COLOURS.map((k) => ({
    key: `colour:${k}`, label: COLOUR_LABELS[k], value: s.byColour[k] ?? 0, href: queueLink({ colour: k }), colour: COLOUR_FILLS[k],
  }));
  const categoryItems: ChartItem[] = CATEGORY_KEYS.filter((k) => (s.byCategory[k] ?? 0) > 0)
    .map((k) => ({ key: `category:${k}`, label: categoryInfo(k).name, value: s.byCategory[k] ?? 0, href: queueLink({ category: k }) }));
  const countyItems: ChartItem[] = counties.map((c) => ({ key: `county:${c.code}`, label: c.name, value: s.byCountyQueue[c.code] ?? 0, href: queueLink({ county: c.code }) }));
  const weeks = groupedBarChart('chart-weeks', '近12周新收和办结事项', s.weeks.map((w) => {
    const [, m, d] = w.start.split('-');
    return { label: `${Number(m)}月${Number(d)}日`, values: [{ value: w.received, key: `week-received:${w.start}` }, { value: w.finished, key: `week-finished:${w.start}` }] };
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
  const legal: Figure[] = LEGAL_TYPES.map((k) => ({ key: `annual-legal:${k}`, label: LEGAL_TYPE_LABELS[k], value: a.byLegalType[k] ?? 0 }));
  const categories: Figure[] = CATEGORY_KEYS.filter((k) => (a.byCategory[k] ?? 0) > 0)
    .map((k) => ({ key: `annual-category:${k}`, label: categoryInfo(k).name, value: a.byCategory[k] ?? 0 }));
  return {
    ...a,
    legal,
    categories,
    onTimePercent: percent(a.finished === 0 ? null : a.onTime / a.finished),
    ratings: ratingsView(a.ratings),
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
      annualStats(repo, staff, year, now),
      countyNames(repo),
    ]);
    const thisYear = shanghaiYear(now);
    const years = Array.from({ length: thisYear - FIRST_YEAR + 1 }, (_, i) => thisYear - i);
    web.render(ctx, 'dashboard.njk', {
      title: '统计',
      now,
      stats,
      ratings: ratingsView(stats.ratings),
      noCounty: stats.byCounty.none ?? 0,
      charts: charts(stats, counties),
      links: { all: queueLink(), overdue: queueLink({ overdue: 'true' }) },
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
