// Test databases: a fresh SQLite file per context by default, or a fresh MariaDB database when
// TEST_DATABASE_URL=mysql://... is set (the same suite runs on both in CI).
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { QueryTypes, Sequelize } from 'sequelize';
import { openDatabase, sequelizeOptions, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';

export interface TestDatabase {
  url: string;
  dialect: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export const usingMysql = (): boolean => /^(mysql|mariadb):/.test(process.env.TEST_DATABASE_URL ?? '');

/**
 * The run the templates belong to: set once by mocha's global setup (test/setup.ts) before any
 * worker starts, so the global teardown finds every worker's template by it.
 */
const RUN_ENV = 'PINGAN_TEST_RUN';
const run = (): string => process.env[RUN_ENV] ?? String(process.pid);
const TEMPLATE_DB = (r: string) => `pst_tpl_${r}_`;
const TEMPLATE_DIR = (r: string) => `pst-tpl-${r}-`;

/** Names this run (test/setup.ts's global setup). */
export function startTestRun(): void {
  process.env[RUN_ENV] ??= `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

/** An empty database: nothing migrated (the tests of migrations and of a first start). */
export async function createTestDatabase(opts: { template?: boolean } = {}): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (base && usingMysql()) {
    const name = `${opts.template ? TEMPLATE_DB(run()) : 'pst_'}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const u = new URL(base.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    const admin = adminConnection(base);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return {
      url: u.toString(),
      dialect: 'mysql',
      async drop() {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.close();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), opts.template ? TEMPLATE_DIR(run()) : 'pst-'));
  return {
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    dialect: 'sqlite',
    drop() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function adminConnection(base: string): Sequelize {
  return new Sequelize({ ...sequelizeOptions(base), database: undefined, logging: false });
}

/**
 * A database with every migration applied, as compose() would leave it before seeding. Migrating
 * is most of a test context's start (hundreds of contexts a run), so the migrations run once per
 * process into a template, and each context gets a copy: on SQLite the template's file, on
 * MariaDB its tables' and triggers' own `SHOW CREATE` statements and its rows. The tests of
 * migrations and of a first start use createTestDatabase; test/db/test-template.test.ts checks
 * that a copy has the migrated schema.
 */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (base && usingMysql()) {
    const template = await (mysqlTemplate ??= makeMysqlTemplate(base));
    const tdb = await createTestDatabase();
    const copy = new Sequelize({ ...sequelizeOptions(tdb.url), logging: false, pool: { max: 1, min: 0 } });
    try {
      // One pooled connection: the session's FOREIGN_KEY_CHECKS holds for every statement.
      await copy.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const statement of template.statements) await copy.query(statement);
      for (const table of template.tablesWithRows) {
        await copy.query(`INSERT INTO \`${table}\` SELECT * FROM \`${template.name}\`.\`${table}\``);
      }
      await copy.query('SET FOREIGN_KEY_CHECKS = 1');
    } catch (err) {
      await tdb.drop();
      throw err;
    } finally {
      await copy.close();
    }
    return tdb;
  }
  const file = await (sqliteTemplate ??= makeSqliteTemplate());
  const tdb = await createTestDatabase();
  copyFileSync(file, tdb.url.slice('sqlite:'.length));
  return tdb;
}

interface MysqlTemplate {
  name: string;
  /** CREATE TABLE (in any order: copied with foreign-key checks off), then CREATE TRIGGER. */
  statements: string[];
  tablesWithRows: string[];
}

let sqliteTemplate: Promise<string> | undefined;
let mysqlTemplate: Promise<MysqlTemplate> | undefined;

/**
 * Drops the templates every process of this run made (mocha's global teardown, test/setup.ts,
 * after the last test of every worker): a worker ends without a hook of its own.
 */
export async function dropTestTemplates(): Promise<void> {
  const r = run();
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith(TEMPLATE_DIR(r))) rmSync(path.join(tmpdir(), entry), { recursive: true, force: true });
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base || !usingMysql()) return;
  const admin = adminConnection(base);
  try {
    const names = await admin.query<{ name: string }>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      { replacements: [`${TEMPLATE_DB(r).replace(/_/g, '\\_')}%`], type: QueryTypes.SELECT },
    );
    for (const { name } of names) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.close();
  }
}

async function migrated(tdb: TestDatabase): Promise<void> {
  const db = await openDatabase(tdb.url);
  try {
    await migrateUp(db);
  } finally {
    await db.close();
  }
}

async function makeSqliteTemplate(): Promise<string> {
  const tdb = await createTestDatabase({ template: true });
  // Closed, so the write-ahead log is folded into the file that is copied.
  await migrated(tdb);
  return tdb.url.slice('sqlite:'.length);
}

async function makeMysqlTemplate(base: string): Promise<MysqlTemplate> {
  const tdb = await createTestDatabase({ template: true });
  await migrated(tdb);
  const name = new URL(tdb.url).pathname.slice(1);
  const admin = adminConnection(base);
  try {
    const objects = await admin.query<{ TABLE_NAME: string; TABLE_TYPE: string }>(
      'SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      { replacements: [name], type: QueryTypes.SELECT },
    );
    const other = objects.filter((o) => o.TABLE_TYPE !== 'BASE TABLE');
    if (other.length > 0) throw new Error(`the test template cannot copy ${other.map((o) => o.TABLE_NAME).join(', ')}`);
    const statements: string[] = [];
    const tablesWithRows: string[] = [];
    for (const { TABLE_NAME: table } of objects) {
      const [created] = await admin.query<Record<string, string>>(`SHOW CREATE TABLE \`${name}\`.\`${table}\``, { type: QueryTypes.SELECT });
      // The template's counters are where its seed rows left them: the copy starts there too.
      statements.push(String(created?.['Create Table']));
      const [row] = await admin.query(`SELECT 1 FROM \`${name}\`.\`${table}\` LIMIT 1`, { type: QueryTypes.SELECT });
      if (row) tablesWithRows.push(table);
    }
    const triggers = await admin.query<{ Trigger: string }>(`SHOW TRIGGERS FROM \`${name}\``, { type: QueryTypes.SELECT });
    for (const { Trigger: trigger } of triggers) {
      const [created] = await admin.query<Record<string, string>>(`SHOW CREATE TRIGGER \`${name}\`.\`${trigger}\``, { type: QueryTypes.SELECT });
      statements.push(String(created?.['SQL Original Statement']));
    }
    return { name, statements, tablesWithRows };
  } finally {
    await admin.close();
  }
}

/** The SQL statements a Sequelize instance runs while `fn` runs (an afterQuery hook). */
export async function recordStatements(sequelize: Sequelize, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const name = `record-${randomBytes(4).toString('hex')}`;
  sequelize.addHook('afterQuery', name, ((_opts: unknown, query: { sql?: string }) => { seen.push(String(query?.sql ?? '')); }) as never);
  try {
    await fn();
  } finally {
    sequelize.removeHook('afterQuery', name);
  }
  return seen;
}

/**
 * Registers mocha hooks that give each test a fresh database, opened (not migrated); read `db`
 * inside the tests.
 */
export function freshDatabasePerTest(): { readonly db: Database } {
  let tdb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeEach(async () => {
    tdb = await createTestDatabase();
    db = await openDatabase(tdb.url);
  });
  afterEach(async () => {
    await db?.close();
    await tdb?.drop();
  });
  return {
    get db(): Database {
      if (!db) throw new Error('no database outside a test');
      return db;
    },
  };
}
