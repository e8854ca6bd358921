// Small helpers for the hand-written statements of the followers and push tables: bound values
// only, dates as sqlDate, and the count of changed rows as both drivers report it.
import { QueryTypes, type Transaction } from 'sequelize';
import { sqlDate, type Database } from '../../db/index.js';

export interface Sql {
  /** A write; resolves with the number of rows it changed. */
  write(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<number>;
  /** A read; resolves with plain rows. */
  rows<T extends object>(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<T[]>;
  /** A Date as a bound value, stored exactly as the models store it. */
  date(d: Date): string;
  /** `INSERT IGNORE INTO` (MariaDB) or `INSERT OR IGNORE INTO` (SQLite). */
  insertIgnore: string;
  /** ` FOR UPDATE` on MariaDB, '' on SQLite (one writer: the transaction is enough). */
  forUpdate: string;
  /** ` FOR UPDATE SKIP LOCKED` on MariaDB, '' on SQLite. */
  forUpdateSkipLocked: string;
  /** `?, ?, ?` for n values. */
  list(n: number): string;
}

export function sqlOf(db: Database): Sql {
  const mysql = db.dialect === 'mysql';
  return {
    async write(sql, replacements, t) {
      const changed: unknown = await db.sequelize.query(sql, { replacements: [...replacements], type: QueryTypes.BULKUPDATE, ...(t ? { transaction: t } : {}) });
      return Number(changed);
    },
    async rows<T extends object>(sql: string, replacements: readonly unknown[], t?: Transaction): Promise<T[]> {
      return db.sequelize.query<T>(sql, { replacements: [...replacements], type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) });
    },
    date: (d) => sqlDate(db.dialect, d),
    insertIgnore: mysql ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO',
    forUpdate: mysql ? ' FOR UPDATE' : '',
    forUpdateSkipLocked: mysql ? ' FOR UPDATE SKIP LOCKED' : '',
    list: (n) => Array.from({ length: n }, () => '?').join(', '),
  };
}

