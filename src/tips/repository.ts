// Queries on the tips tables. Values only ever reach SQL through Sequelize's Op operators and
// replacements: the raw statements here are built from the models' column names and `?`
// placeholders, never from values.
import { Op, QueryTypes, type InferAttributes, type Transaction, type WhereOptions } from 'sequelize';
import { sqlValues, type Database } from '../db/index.js';
import { sqlOf } from '../db/sql.js';
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

/** What the duplicate scan reads of a citizen's earlier tip. */
export type RecentTip = Pick<TipRow, 'code' | 'description' | 'category' | 'createdAt'>;

const RECENT_TIP_COLUMNS = [
  'id', 'code', 'state', 'createdAt', 'description', 'category', 'reporterHash', 'anonymous', 'placeCountyCode', 'placeTownshipCode',
  'handlerCountyCode', 'handlerTownshipCode', 'legalType', 'unitKey', 'accusedUnitKey',
] as const;

/** The columns of a tip its receipt is made of. */
export type SubmittedReceipt = Pick<TipRow, 'code' | 'colour' | 'acknowledgeBy' | 'concludeBy'>;

/** A tip as the duplicate hints read it. */
export type RecentTipRow = Pick<TipRow, (typeof RECENT_TIP_COLUMNS)[number]>;

export interface TipRepository {
  models: TipModels;
  findByCode(code: string, t?: Transaction, lock?: boolean): Promise<TipRow | null>;
  findBySubmissionKey(key: string, t?: Transaction): Promise<TipRow | null>;
  /** What a receipt says of the reporter's tip with this submission key (index `tips_submission_key`), or null. */
  receiptBySubmissionKey(key: string, reporterHash: string): Promise<SubmittedReceipt | null>;
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
  byReporter(reporterHash: string, limit: number, attributes?: Array<keyof InferAttributes<TipRow>>): Promise<TipRow[]>;
  /**
   * The citizen's named (not 匿名) tips created at or after `since`, newest first, at most
   * `limit`: the columns the repeat count of a new named tip reads (index tips_reporter_recent,
   * migration 006). Anonymous tips are left out in the query, so none can take a place in `limit`.
   */
  recentNamedByReporter(reporterHash: string, since: Date, limit: number): Promise<RecentTip[]>;
  /** How many tips the citizen has submitted at or after `since` (the daily limit; same index). */
  countByReporterSince(reporterHash: string, since: Date): Promise<number>;
  /**
   * Tips created at or after `since`, newest first, at most `limit`: the columns the duplicate
   * hints and the access check read, as plain rows (a staff view loads hundreds of them).
   */
  recentSince(since: Date, limit: number): Promise<RecentTipRow[]>;
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
  const sql = sqlOf(db);
  const tips = qi.quoteIdentifier('tips');
  const byReporterSince = `${col(Tip, 'reporterHash')} = ? AND ${col(Tip, 'createdAt')} >= ?`;
  const recentNamedByReporterSql = `SELECT ${col(Tip, 'code')} AS code, ${col(Tip, 'description')} AS description, ${col(Tip, 'category')} AS category, ${col(Tip, 'createdAt')} AS ${qi.quoteIdentifier('createdAt')} FROM ${tips} WHERE ${byReporterSince} AND ${col(Tip, 'anonymous')} = ? ORDER BY ${col(Tip, 'createdAt')} DESC, ${col(Tip, 'id')} DESC LIMIT ?`;
  const countByReporterSql = `SELECT COUNT(*) AS n FROM ${tips} WHERE ${byReporterSince}`;
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
    async receiptBySubmissionKey(key, reporterHash) {
      // The key finds at most one row (unique index); the reporter must be the one asking.
      return Tip.findOne({ attributes: ['code', 'colour', 'acknowledgeBy', 'concludeBy'], where: { submissionKey: key, reporterHash } });
    },
    async codeExists(code, t) {
      return (await Tip.count({ where: { code }, ...(t ? { transaction: t } : {}) })) > 0;
    },
    async appendEvent(e, t) {
      // Written out (db/sql.ts): every state change writes one, and the model's validation and
      // instance building cost more than the statement itself.
      await sql.insertRow(TipEvent, {
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
        createdAt: e.at ?? new Date(),
      }, t);
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
    // The two reads of every new tip, hand-written on the same index: the models' query building
    // and instances cost more than these statements (docs/performance.md, "Intake").
    async recentNamedByReporter(reporterHash, since, limit) {
      const rows = await sql.rows<{ code: string; description: string; category: string; createdAt: string | Date }>(recentNamedByReporterSql, [reporterHash, since, false, limit]);
      return rows.map((r) => ({ code: r.code, description: r.description, category: r.category, createdAt: new Date(r.createdAt) }));
    },
    async countByReporterSince(reporterHash, since) {
      const [row] = await sql.rows<{ n: number | string }>(countByReporterSql, [reporterHash, since]);
      return Number(row?.n ?? 0);
    },
    async recentSince(since, limit) {
      const rows = await Tip.findAll({
        attributes: [...RECENT_TIP_COLUMNS],
        where: { createdAt: { [Op.gte]: since } },
        order: [['createdAt', 'DESC']],
        limit,
        raw: true,
      });
      // Raw rows carry the driver's values: SQLite's dates are text, MariaDB's booleans numbers.
      return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt), anonymous: Boolean(r.anonymous) }));
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
