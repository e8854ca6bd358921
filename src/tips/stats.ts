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
