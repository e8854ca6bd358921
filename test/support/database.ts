// Test databases: a fresh SQLite file per context by default, or a fresh MariaDB database when
// TEST_DATABASE_URL=mysql://... is set (the same suite runs on both in CI).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import { openDatabase, sequelizeOptions, type Database } from '../../src/db/index.js';

export interface TestDatabase {
  url: string;
  dialect: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export const usingMysql = (): boolean => /^(mysql|mariadb):/.test(process.env.TEST_DATABASE_URL ?? '');

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (base && usingMysql()) {
    const name = `pst_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const u = new URL(base.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    const adminOpts = sequelizeOptions(base);
    const admin = new Sequelize({ ...adminOpts, database: undefined, logging: false });
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
  const dir = mkdtempSync(path.join(tmpdir(), 'pst-'));
  return {
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    dialect: 'sqlite',
    drop() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
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
