// Queries on the tips tables. Values only ever reach SQL through Sequelize's Op operators and
// replacements: the raw statements here are built from the models' column names and `?`
// placeholders, never from values.
import { Op, QueryTypes, col as sqlCol, fn as sqlFn, type InferAttributes, type Transaction, type WhereOptions } from 'sequelize';
import { sqlValues, type Database } from '../db/index.js';
import { defineTipModels, type TipEventRow, type TipModels, type TipRow, type UnitRow } from './models.js';
import type { RecentTip } from './recent.js';

/** A DATETIME as the driver returns it from a raw query: a Date (mysql2) or SQLite's text form. */
export function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}

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
  appendEvent(e: NewEvent, t: Transaction): Promise<void>;
  /**
   * Writes the attributes changed on a loaded tip (one UPDATE by id, placeholders only) and marks
   * them saved, like `tip.save()` without Sequelize's per-save machinery. The caller sets
   * `updatedAt`; nothing is written when nothing changed.
   */
  saveChanges(tip: TipRow, t: Transaction): Promise<void>;
  events(tipId: number): Promise<TipEventRow[]>;
  list(where: WhereOptions<TipRow>, paging: Paging): Promise<{ rows: TipRow[]; total: number }>;
  /** The citizen's latest tips; `attributes` limits the columns. */
  byReporter(reporterHash: string, limit: number, attributes?: Array<keyof TipRow & string>): Promise<TipRow[]>;
  /**
   * The four columns of each citizen's latest `limit` tips that the desk keeps in memory
   * (recent.ts), newest first: one statement for several citizens (a UNION ALL of one indexed
   * LIMIT query each).
   */
  recentByReporters(reporterHashes: readonly string[], limit: number): Promise<Map<string, RecentTip[]>>;
  countByReporterSince(reporterHash: string, since: Date): Promise<number>;
  /** ActiveReportersSource (recent.ts): per citizen, the latest tip time and highest id among tips id > afterId created since `since`. */
  activeSince(afterId: number, since: Date): Promise<Array<{ reporterHash: string; lastAt: Date; maxId: number }>>;
  recentSince(since: Date, limit: number, t?: Transaction): Promise<TipRow[]>;
  unit(key: string): Promise<UnitRow | undefined>;
  units(): Promise<UnitRow[]>;
  unitName(key: string | null | undefined): Promise<string | null>;
}

export function createTipRepository(db: Database): TipRepository {
  const models = defineTipModels(db.sequelize);
  const { Tip, TipEvent, Unit } = models;
  const qi = db.sequelize.getQueryInterface();
  const col = (model: { getAttributes(): Record<string, { field?: string }> }, attr: string) => {
    const field = model.getAttributes()[attr]?.field;
    if (!field) throw new Error(`tips repository: no column for ${attr}`);
    return qi.quoteIdentifier(field);
  };
  const eventAttrs = ['tipId', 'type', 'actorType', 'actorId', 'actorName', 'fromState', 'toState', 'reason', 'note', 'data', 'createdAt'];
  const insertEventSql = `INSERT INTO ${qi.quoteIdentifier('tip_events')} (${eventAttrs.map((a) => col(TipEvent, a)).join(', ')}) VALUES (${eventAttrs.map(() => '?').join(', ')})`;
  // Walks tips_reporter_recent (reporter_hash, created_at) backwards: no sort.
  const recentSql = `SELECT ${col(Tip, 'code')}, ${col(Tip, 'description')}, ${col(Tip, 'category')}, ${col(Tip, 'createdAt')}, ${col(Tip, 'reporterHash')} FROM ${qi.quoteIdentifier('tips')}
    WHERE ${col(Tip, 'reporterHash')} = ? ORDER BY ${col(Tip, 'createdAt')} DESC, ${col(Tip, 'id')} DESC LIMIT ?`;
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
      // Raw INSERT (placeholders only): every state change writes one, and the model's
      // validation and instance building cost more than the statement itself.
      await db.sequelize.query(insertEventSql, {
        replacements: sqlValues(db.dialect, [
          e.tipId, e.type, e.actor.type,
          e.actor.type === 'staff' ? e.actor.id : null,
          e.actor.type === 'citizen' ? null : e.actor.name,
          e.fromState ?? null, e.toState ?? null,
          e.reason ? e.reason.slice(0, 500) : null,
          e.note ?? null,
          e.data ? JSON.stringify(e.data) : null,
          e.at ?? new Date(),
        ]),
        type: QueryTypes.INSERT,
        transaction: t,
      });
    },
    async saveChanges(tip, t) {
      const changed = tip.changed();
      if (!changed || changed.length === 0) return;
      const attrs = changed as Array<keyof InferAttributes<TipRow>>;
      const sets = attrs.map((a) => `${col(Tip, a)} = ?`).join(', ');
      await db.sequelize.query(`UPDATE ${qi.quoteIdentifier('tips')} SET ${sets} WHERE ${col(Tip, 'id')} = ?`, {
        replacements: sqlValues(db.dialect, [...attrs.map((a) => tip.getDataValue(a) as unknown), tip.id]),
        type: QueryTypes.UPDATE,
        transaction: t,
      });
      for (const a of attrs) tip.changed(a, false);
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
    async recentByReporters(reporterHashes, limit) {
      const out = new Map<string, RecentTip[]>(reporterHashes.map((h) => [h, []]));
      if (reporterHashes.length === 0) return out;
      // Each branch a derived table, so its ORDER BY … LIMIT holds on MariaDB and SQLite alike.
      const sql = reporterHashes.map((_, i) => `SELECT * FROM (${recentSql}) AS ${qi.quoteIdentifier(`r${i}`)}`).join(' UNION ALL ');
      const rows = await db.sequelize.query(sql, {
        replacements: reporterHashes.flatMap((h) => [h, limit]),
        type: QueryTypes.SELECT,
      }) as Array<{ code: string; description: string; category: string; created_at: Date | string; reporter_hash: string }>;
      for (const r of rows) {
        out.get(r.reporter_hash)?.push({ code: r.code, description: r.description, category: r.category, createdAt: toDate(r.created_at) });
      }
      for (const list of out.values()) list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      return out;
    },
    async countByReporterSince(reporterHash, since) {
      return Tip.count({ where: { reporterHash, createdAt: { [Op.gte]: since } } });
    },
    async activeSince(afterId, since) {
      const rows = await Tip.findAll({
        attributes: ['reporterHash', [sqlFn('MAX', sqlCol('created_at')), 'lastAt'], [sqlFn('MAX', sqlCol('id')), 'maxId']],
        where: { id: { [Op.gt]: afterId }, createdAt: { [Op.gte]: since } },
        group: ['reporterHash'],
        raw: true,
      }) as unknown as Array<{ reporterHash: string; lastAt: Date | string; maxId: number | string }>;
      return rows.map((r) => ({ reporterHash: r.reporterHash, lastAt: toDate(r.lastAt), maxId: Number(r.maxId) }));
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
