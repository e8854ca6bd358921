// Queries on the tips tables. Values only ever reach SQL through Sequelize's Op operators and
// bound parameters: nothing here builds SQL from strings.
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import type { Database } from '../db/index.js';
import { defineTipModels, type TipEventRow, type TipModels, type TipRow, type UnitRow } from './models.js';

export type { TipRow, TipEventRow, UnitRow } from './models.js';

export interface NewEvent {
  tipId: number;
  type: string;
  actor: EventActor;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
  at?: Date;
}

export type EventActor =
  | { type: 'staff'; id: number; name: string }
  | { type: 'citizen' }
  | { type: 'system'; name: string };

export interface Paging { page: number; pageSize: number }

/**
 * LIKE pattern for a literal substring, for use with ESCAPE '!': % and _ (and '!' itself) lose
 * their meaning. '!' rather than a backslash, which MySQL and SQLite string literals treat differently.
 */
export function likeContains(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export interface TipRepository {
  models: TipModels;
  findByCode(code: string, t?: Transaction, lock?: boolean): Promise<TipRow | null>;
  findBySubmissionKey(key: string, t?: Transaction): Promise<TipRow | null>;
  codeExists(code: string, t?: Transaction): Promise<boolean>;
  appendEvent(e: NewEvent, t: Transaction): Promise<TipEventRow>;
  events(tipId: number): Promise<TipEventRow[]>;
  list(where: WhereOptions<TipRow>, paging: Paging): Promise<{ rows: TipRow[]; total: number }>;
  /** The citizen's latest tips; `attributes` limits the columns (the desk's duplicate scan needs five). */
  byReporter(reporterHash: string, limit: number, attributes?: Array<keyof TipRow & string>): Promise<TipRow[]>;
  countByReporterSince(reporterHash: string, since: Date): Promise<number>;
  recentSince(since: Date, limit: number, t?: Transaction): Promise<TipRow[]>;
  unit(key: string): Promise<UnitRow | undefined>;
  units(): Promise<UnitRow[]>;
  unitName(key: string | null | undefined): Promise<string | null>;
}

export function createTipRepository(db: Database): TipRepository {
  const models = defineTipModels(db.sequelize);
  const { Tip, TipEvent, Unit } = models;
  // Units come from a migration and do not change while the process runs.
  let unitCache: Map<string, UnitRow> | undefined;
  const loadUnits = async (): Promise<Map<string, UnitRow>> => {
    if (!unitCache) {
      const rows = await Unit.findAll({ order: [['sort', 'ASC']] });
      unitCache = new Map(rows.map((u) => [u.key, u]));
    }
    return unitCache;
  };

  return {
    models,
    async findByCode(code, t, lock = false) {
      return Tip.findOne({ where: { code }, ...(t ? { transaction: t } : {}), ...(t && lock ? { lock: t.LOCK.UPDATE } : {}) });
    },
    async findBySubmissionKey(key, t) {
      return Tip.findOne({ where: { submissionKey: key }, ...(t ? { transaction: t } : {}) });
    },
    async codeExists(code, t) {
      return (await Tip.count({ where: { code }, ...(t ? { transaction: t } : {}) })) > 0;
    },
    async appendEvent(e, t) {
      return TipEvent.create({
        tipId: e.tipId,
        type: e.type,
        actorType: e.actor.type,
        actorId: e.actor.type === 'staff' ? e.actor.id : null,
        actorName: e.actor.type === 'citizen' ? null : e.actor.name,
        fromState: e.fromState ?? null,
        toState: e.toState ?? null,
        reason: e.reason ? e.reason.slice(0, 500) : null,
        note: e.note ?? null,
        data: e.data ? JSON.stringify(e.data) : null,
        ...(e.at ? { createdAt: e.at } : {}),
      }, { transaction: t });
    },
    async events(tipId) {
      return TipEvent.findAll({ where: { tipId }, order: [['id', 'ASC']] });
    },
    async list(where, paging) {
      const { rows, count } = await Tip.findAndCountAll({
        where,
        order: [['colourRank', 'ASC'], ['createdAt', 'DESC'], ['id', 'DESC']],
        limit: paging.pageSize,
        offset: (paging.page - 1) * paging.pageSize,
      });
      return { rows, total: count };
    },
    async byReporter(reporterHash, limit, attributes) {
      return Tip.findAll({ where: { reporterHash }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit, ...(attributes ? { attributes } : {}) });
    },
    async countByReporterSince(reporterHash, since) {
      return Tip.count({ where: { reporterHash, createdAt: { [Op.gte]: since } } });
    },
    async recentSince(since, limit, t) {
      return Tip.findAll({
        where: { createdAt: { [Op.gte]: since } },
        order: [['createdAt', 'DESC']],
        limit,
        ...(t ? { transaction: t } : {}),
      });
    },
    async unit(key) {
      return (await loadUnits()).get(key);
    },
    async units() {
      return [...(await loadUnits()).values()];
    },
    async unitName(key) {
      if (!key) return null;
      return (await loadUnits()).get(key)?.name ?? null;
    },
  };
}
