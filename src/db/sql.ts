// Small helpers for hand-written statements (the followers, push and reports tables, and a tip's
// intake): bound values only (a Date among them bound as sqlDate), column names from the models,
// and the count of changed rows or the new id as both drivers report them.
import { QueryTypes, type Model, type ModelStatic, type Transaction } from 'sequelize';
import { sqlDate, sqlValues, type Database } from './index.js';

export interface Sql {
  /** A write; resolves with the number of rows it changed. */
  write(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<number>;
  /** An INSERT; resolves with the id the database gave the new row. */
  insert(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<number>;
  /**
   * One row of a model, every column given: an INSERT of the model's column names and `?`
   * placeholders, without the model's instance building, defaults or validators (the caller
   * builds the whole row). Resolves with the new row's id.
   */
  insertRow<M extends Model>(model: ModelStatic<M>, row: Readonly<Record<string, unknown>>, t?: Transaction): Promise<number>;
  /** A read; resolves with plain rows. */
  rows<T extends object>(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<T[]>;
  /** A Date as a bound value, stored exactly as the models store it. */
  date(d: Date): string;
  /** `INSERT IGNORE INTO` (MariaDB) or `INSERT OR IGNORE INTO` (SQLite). */
  insertIgnore: string;
  /**
   * What follows an INSERT's VALUES to make it an upsert: a row whose unique `key` column is taken
   * gets the listed columns from the new values instead.
   */
  upsertSet(key: string, columns: readonly string[]): string;
  /** ` FOR UPDATE` on MariaDB, '' on SQLite (one writer: the transaction is enough). */
  forUpdate: string;
  /** ` FOR UPDATE SKIP LOCKED` on MariaDB, '' on SQLite. */
  forUpdateSkipLocked: string;
  /** `?, ?, ?` for n values. */
  list(n: number): string;
}

/** One Sql per database, so that its statement texts are built once. */
const byDatabase = new WeakMap<Database, Sql>();

export function sqlOf(db: Database): Sql {
  let sql = byDatabase.get(db);
  if (!sql) {
    sql = createSql(db);
    byDatabase.set(db, sql);
  }
  return sql;
}

function createSql(db: Database): Sql {
  const mysql = db.dialect === 'mysql';
  const qi = db.sequelize.getQueryInterface();
  // Statement texts by table and attribute list: built once from the model, never from values.
  const inserts = new Map<string, string>();
  const insertText = (model: ModelStatic<Model>, attrs: readonly string[]): string => {
    const table = model.getTableName() as string;
    const key = `${table}(${attrs.join(',')})`;
    let text = inserts.get(key);
    if (!text) {
      const columns = model.getAttributes() as Record<string, { field?: string } | undefined>;
      const fields = attrs.map((a) => {
        const field = columns[a]?.field;
        if (!field) throw new Error(`${table} has no column for ${a}`);
        return qi.quoteIdentifier(field);
      });
      text = `INSERT INTO ${qi.quoteIdentifier(table)} (${fields.join(', ')}) VALUES (${attrs.map(() => '?').join(', ')})`;
      inserts.set(key, text);
    }
    return text;
  };
  const insert = async (sql: string, replacements: readonly unknown[], t?: Transaction): Promise<number> => {
    // Both drivers answer a raw INSERT with [new id, changed rows].
    const [id] = await db.sequelize.query(sql, { replacements: sqlValues(db.dialect, replacements), type: QueryTypes.INSERT, ...(t ? { transaction: t } : {}) });
    return Number(id);
  };
  return {
    insert,
    async insertRow(model, row, t) {
      const attrs = Object.keys(row);
      return insert(insertText(model, attrs), attrs.map((a) => row[a]), t);
    },
    async write(sql, replacements, t) {
      const changed: unknown = await db.sequelize.query(sql, { replacements: sqlValues(db.dialect, replacements), type: QueryTypes.BULKUPDATE, ...(t ? { transaction: t } : {}) });
      return Number(changed);
    },
    async rows<T extends object>(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<T[]> {
      return db.sequelize.query<T>(sql, { replacements: sqlValues(db.dialect, replacements), type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) });
    },
    date: (d) => sqlDate(db.dialect, d),
    insertIgnore: mysql ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO',
    upsertSet: (key, columns) => (mysql
      ? `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`
      : `ON CONFLICT (${key}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`),
    forUpdate: mysql ? ' FOR UPDATE' : '',
    forUpdateSkipLocked: mysql ? ' FOR UPDATE SKIP LOCKED' : '',
    list: (n) => Array.from({ length: n }, () => '?').join(', '),
  };
}

