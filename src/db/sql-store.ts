// The SharedStore in the service's own database (table shared_state, migration 009): the default
// when REDIS_URL is not set. On SQLite it keeps a single instance's drafts and dedupe across a
// restart; on MariaDB it serves several instances, more slowly than Redis. Every statement is
// parameterised; the only SQL text that varies is the dialect's upsert and ignore clauses.
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './index.js';
import type { SharedStore } from '../platform/shared-store.js';
import { sqlOf } from './sql.js';

const TABLE = 'shared_state';

/**
 * A write of one statement runs by `db.autocommit`, one of several by `db.transaction`; on SQLite
 * both queue behind the process's other writes (one writer per file), and a transaction there
 * costs a connection of its own. So on SQLite `add` is one conditional upsert; on MariaDB it
 * drops the expired row and inserts under the transaction's row lock. The counters read what
 * they wrote, in their transaction.
 */
export class SqlStore implements SharedStore {
  private readonly timer: NodeJS.Timeout;
  private readonly upsert: string;
  /** MariaDB: inserts unless the key is taken (its expired row dropped first, in the transaction). */
  private readonly insertIfAbsent: string;
  /** SQLite: inserts, or replaces a row whose time is up; changes no row when a live one holds the key. */
  private readonly upsertIfExpired: string;
  private readonly incrementSql: string;
  private readonly decrementSql: string;

  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {
    const mysql = db.dialect === 'mysql';
    const sql = sqlOf(db);
    const row = `${TABLE} (state_key, state_value, expires_at) VALUES (?, ?, ?)`;
    this.upsert = `INSERT INTO ${row} ${sql.upsertSet('state_key', ['state_value', 'expires_at'])}`;
    this.insertIfAbsent = `${sql.insertIgnore} ${row}`;
    this.upsertIfExpired = mysql ? '' : `${this.upsert} WHERE ${TABLE}.expires_at <= ?`;
    this.incrementSql = mysql
      ? `INSERT INTO ${row} ON DUPLICATE KEY UPDATE state_value = CAST(state_value AS UNSIGNED) + 1`
      : `INSERT INTO ${row} ON CONFLICT(state_key) DO UPDATE SET state_value = CAST(state_value AS INTEGER) + 1`;
    // Takes one back from a live row only, never below 0.
    const count = `CAST(state_value AS ${mysql ? 'SIGNED' : 'INTEGER'})`;
    this.decrementSql = `UPDATE ${TABLE} SET state_value = CASE WHEN ${count} > 0 THEN ${count} - 1 ELSE 0 END WHERE state_key = ? AND expires_at > ?`;
    // Expired rows are never read; this only keeps the table small.
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), 60_000);
    this.timer.unref();
  }

  async get(key: string): Promise<string | undefined> {
    const rows = await this.db.sequelize.query<{ state_value: string }>(
      `SELECT state_value FROM ${TABLE} WHERE state_key = ? AND expires_at > ?`,
      { replacements: [key, this.now()], type: QueryTypes.SELECT },
    );
    return rows[0]?.state_value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.db.autocommit(() => this.db.sequelize.query(this.upsert, {
      replacements: [key, value, this.expiry(ttlSeconds)], type: QueryTypes.INSERT,
    }));
  }

  async add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.db.dialect === 'sqlite') {
      const [, changed] = await this.db.autocommit(() => this.db.sequelize.query(this.upsertIfExpired, {
        replacements: [key, value, this.expiry(ttlSeconds), this.now()], type: QueryTypes.INSERT,
      }));
      return changed > 0;
    }
    return this.db.transaction(async (transaction) => {
      await this.dropExpired(key, transaction);
      const [, inserted] = await this.db.sequelize.query(this.insertIfAbsent, {
        replacements: [key, value, this.expiry(ttlSeconds)], type: QueryTypes.INSERT, transaction,
      });
      return inserted > 0;
    });
  }

  async delete(key: string, expected?: string): Promise<boolean> {
    const live = `state_key = ? AND expires_at > ?`;
    const [sql, replacements] = expected === undefined
      ? [`DELETE FROM ${TABLE} WHERE ${live}`, [key, this.now()]]
      : [`DELETE FROM ${TABLE} WHERE ${live} AND state_value = ?`, [key, this.now(), expected]];
    const deleted = await this.db.autocommit(() => this.db.sequelize.query(sql, { replacements, type: QueryTypes.BULKDELETE }));
    return Number(deleted) > 0;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    return this.db.transaction(async (transaction) => {
      await this.dropExpired(key, transaction);
      await this.db.sequelize.query(this.incrementSql, {
        replacements: [key, '1', this.expiry(ttlSeconds)], type: QueryTypes.INSERT, transaction,
      });
      // The upsert holds the row's lock until commit: no other increment comes between.
      const rows = await this.db.sequelize.query<{ state_value: string | number }>(
        `SELECT state_value FROM ${TABLE} WHERE state_key = ?`, { replacements: [key], type: QueryTypes.SELECT, transaction },
      );
      return Number(rows[0]?.state_value);
    });
  }

  decrement(key: string): Promise<number> {
    return this.db.transaction(async (transaction) => {
      await this.db.sequelize.query(this.decrementSql, { replacements: [key, this.now()], type: QueryTypes.UPDATE, transaction });
      // The update holds the row's lock until commit, as in increment.
      const rows = await this.db.sequelize.query<{ state_value: string | number }>(
        `SELECT state_value FROM ${TABLE} WHERE state_key = ? AND expires_at > ?`, { replacements: [key, this.now()], type: QueryTypes.SELECT, transaction },
      );
      return Number(rows[0]?.state_value ?? 0);
    });
  }

  /** Deletes every expired row; returns how many. */
  async sweep(): Promise<number> {
    return Number(await this.db.autocommit(() => this.db.sequelize.query(
      `DELETE FROM ${TABLE} WHERE expires_at <= ?`, { replacements: [this.now()], type: QueryTypes.BULKDELETE },
    )));
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }

  private expiry(ttlSeconds: number): number {
    return this.now() + Math.max(1, Math.round(ttlSeconds * 1000));
  }

  private async dropExpired(key: string, transaction: Transaction): Promise<void> {
    await this.db.sequelize.query(`DELETE FROM ${TABLE} WHERE state_key = ? AND expires_at <= ?`, {
      replacements: [key, this.now()], type: QueryTypes.BULKDELETE, transaction,
    });
  }
}
