import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Logger } from '../platform/logger.js';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  /**
   * Runs fn in a transaction. On SQLite (one embedded file) write transactions are serialised
   * in-process, because SQLite allows one writer and Sequelize opens a connection for each
   * transaction; on MySQL/MariaDB they run concurrently with row locks. Another process's writer
   * on the same file (the bot beside the web service) is waited for: node-sqlite3 waits 1 s for
   * the lock, and Sequelize tries a statement that found the file busy 5 times.
   */
  transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs fn's statements outside a transaction, each committing alone: on SQLite queued with the
   * process's transactions (one writer per file), on MySQL/MariaDB at once. For a write that is
   * one statement: on SQLite a transaction costs a connection of its own.
   */
  autocommit<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A statement without its values: every quoted literal and every number becomes `?`. Each dialect
 * quotes as it escapes: SQLite doubles a quote only (a backslash is a plain character there, so a
 * value ending in one must not swallow the quote after it), MySQL also escapes with a backslash.
 */
export function statementShape(sql: string, dialect: Dialect): string {
  const literal = dialect === 'sqlite' ? /'(?:[^']|'')*'/g : /'(?:[^'\\]|\\.|'')*'/g;
  return sql.replace(literal, '?').replace(/(?<![\w`"])-?\d+(?:\.\d+)?(?![\w`"])/g, '?');
}

/** Parses `sqlite:path`, `sqlite::memory:` and `mysql://user:pass@host:port/db`. */
export function sequelizeOptions(url: string, logger?: Logger): Options {
  // Only when tracing: a logging function, even one that logs nothing, costs Sequelize a formatted
  // message on every statement. Sequelize inlines replacements: the statement is logged with its
  // values left out (an openid, a phone, a citizen's words).
  const trace = (dialect: Dialect) => (logger?.isLevelEnabled('trace') ? (sql: string) => logger.trace({ sql: statementShape(sql, dialect).slice(0, 500) }, 'sql') : false);
  if (url.startsWith('sqlite:')) {
    const logging = trace('sqlite');
    const file = url.slice('sqlite:'.length);
    const storage = file === ':memory:' || file === '' ? ':memory:' : path.resolve(file);
    if (storage !== ':memory:') mkdirSync(path.dirname(storage), { recursive: true });
    return { dialect: 'sqlite', storage, logging, transactionType: Transaction.TYPES.IMMEDIATE };
  }
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const logging = trace('mysql');
  return {
    dialect: 'mysql',
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    logging,
    timezone: '+00:00',
    dialectOptions: { charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true, dateStrings: false },
    define: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
    pool: { max: 30, min: 0, acquire: 10_000, idle: 10_000 },
  };
}

/**
 * A Date as a replacement value for hand-written SQL, stored exactly as the models store it:
 * UTC with milliseconds ('YYYY-MM-DD HH:mm:ss.SSS', the connection runs at +00:00) on MariaDB,
 * and with the offset on SQLite. Passing a Date itself would lose the milliseconds on MariaDB
 * (Sequelize formats a bare DATE without them), and the queue orders by them.
 */
export function sqlDate(dialect: Dialect, d: Date): string {
  const text = d.toISOString().replace('T', ' ').replace('Z', '');
  return dialect === 'mysql' ? text : `${text} +00:00`;
}

/** Replacement values for hand-written SQL: Dates as sqlDate, everything else as it is. */
export function sqlValues<T>(dialect: Dialect, values: readonly T[]): Array<Exclude<T, Date> | string> {
  return values.map((v) => (v instanceof Date ? sqlDate(dialect, v) : v as Exclude<T, Date>));
}

const READ_COMMITTED = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/** The part of a mysql2 (callback API) connection the afterConnect hook uses. */
interface CallbackConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** The database cannot be reached or does not exist: the message says what to do. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** The driver's error on first contact, as an operator's message (never the password). */
function unavailable(err: unknown, options: Options): DatabaseUnavailableError {
  const code = (err as { parent?: { code?: string }; original?: { code?: string } }).original?.code ?? (err as { parent?: { code?: string } }).parent?.code;
  const where = `${options.host ?? ''}:${options.port ?? ''}`;
  if (code === 'ER_BAD_DB_ERROR') {
    return new DatabaseUnavailableError(`database "${options.database ?? ''}" does not exist on ${where}: create it with\n  CREATE DATABASE \`${options.database ?? ''}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\nthen start again (the tables are created at start).`);
  }
  if (code === 'ER_ACCESS_DENIED_ERROR') return new DatabaseUnavailableError(`database ${where} refused the user "${options.username ?? ''}": check DATABASE_URL`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return new DatabaseUnavailableError(`database ${where} is not reachable (${code}): is MariaDB running, and is DATABASE_URL right?`);
  return new DatabaseUnavailableError(`database ${where} could not be opened: ${err instanceof Error ? err.message : String(err)}`);
}

export async function openDatabase(url: string, logger?: Logger): Promise<Database> {
  const options = sequelizeOptions(url, logger);
  const sequelize = new Sequelize(options);
  const dialect: Dialect = options.dialect === 'sqlite' ? 'sqlite' : 'mysql';
  if (dialect === 'mysql') {
    // Sequelize 6 silently drops skipLocked unless the dialect claims support; MariaDB ≥10.6 has it.
    (sequelize as unknown as { dialect: { supports: { skipLocked: boolean } } }).dialect.supports.skipLocked = true;
    // Every transaction runs READ COMMITTED, set once per connection rather than by a SET before
    // each transaction. The claim queue needs it (SKIP LOCKED without next-key gap locks, see
    // src/tips/queue.ts); the other transactions lock the rows they change by key first, so they
    // do not depend on REPEATABLE READ's snapshot.
    sequelize.addHook('afterConnect', async (connection: unknown) => {
      await new Promise<void>((resolve, reject) => {
        (connection as CallbackConnection).query(READ_COMMITTED, (err) => (err ? reject(err) : resolve()));
      });
    });
    // After the hook, so the first pooled connection is set up like every other.
    try {
      await sequelize.authenticate();
    } catch (err) {
      await sequelize.close().catch(() => undefined);
      throw unavailable(err, options);
    }
  } else {
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA foreign_keys = ON');
  }
  let chain: Promise<unknown> = Promise.resolve();
  const queued = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const transaction = <T>(fn: (t: Transaction) => Promise<T>): Promise<T> => {
    if (dialect === 'mysql') return sequelize.transaction((t) => fn(t));
    return queued(() => sequelize.transaction((t) => fn(t)));
  };
  return {
    sequelize,
    dialect,
    transaction,
    autocommit: (fn) => (dialect === 'mysql' ? fn() : queued(fn)),
    async ping() {
      await sequelize.query('SELECT 1');
    },
    async close() {
      await sequelize.close();
    },
  };
}

/** Creates the MySQL database named in the URL if it does not exist (dev and test convenience). */
export async function ensureMysqlDatabase(url: string): Promise<void> {
  const options = sequelizeOptions(url);
  if (options.dialect !== 'mysql' || !options.database) return;
  const admin = new Sequelize({ ...options, database: undefined, logging: false });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${options.database.replace(/`/g, '')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}
