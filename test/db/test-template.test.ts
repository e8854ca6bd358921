// The test contexts start from a copy of a once-migrated template (test/support/database.ts): the
// copy must be the database the migrations make, or every other test would test something else.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createMigratedTestDatabase, createTestDatabase, type TestDatabase } from '../support/database.js';

interface Shape {
  objects: string[];
  rows: Record<string, unknown[]>;
}

async function shapeOf(db: Database): Promise<Shape> {
  const q = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const objects: string[] = [];
  let tables: string[];
  if (db.dialect === 'sqlite') {
    const all = await q<{ type: string; name: string; sql: string | null }>("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
    for (const o of all) objects.push(`${o.type} ${o.name}: ${o.sql ?? ''}`);
    tables = all.filter((o) => o.type === 'table').map((o) => o.name);
  } else {
    tables = (await q<{ TABLE_NAME: string }>('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME')).map((t) => t.TABLE_NAME);
    for (const t of tables) {
      const [c] = await q<Record<string, string>>(`SHOW CREATE TABLE \`${t}\``);
      objects.push(String(c?.['Create Table']));
    }
    for (const { Trigger: t } of await q<{ Trigger: string }>('SHOW TRIGGERS')) {
      const [c] = await q<Record<string, string>>(`SHOW CREATE TRIGGER \`${t}\``);
      objects.push(`${t}: ${String(c?.['SQL Original Statement']).replace(/DEFINER=\S+ /, '')} (${String(c?.sql_mode)})`);
    }
  }
  const rows: Record<string, unknown[]> = {};
  // schema_migrations' rows are the names applied; the rest are the migrations' seed rows, whose
  // times (`…_at`) are when each database was migrated.
  for (const t of tables) {
    rows[t] = (await q<Record<string, unknown>>(`SELECT * FROM \`${t}\` ORDER BY 1`))
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith('_at') && v !== null ? 'a time' : v])));
  }
  return { objects, rows };
}

describe('test databases: the migrated template', () => {
  const opened: Database[] = [];
  const made: TestDatabase[] = [];
  async function open(tdb: TestDatabase): Promise<Database> {
    made.push(tdb);
    const db = await openDatabase(tdb.url);
    opened.push(db);
    return db;
  }
  after(async () => {
    for (const db of opened) await db.close();
    for (const tdb of made) await tdb.drop();
  });

  it('a copy has the tables, indexes, triggers and seed rows that migrating an empty database gives', async function () {
    this.timeout(30_000);
    const fresh = await open(await createTestDatabase());
    await migrateUp(fresh);
    const copy = await open(await createMigratedTestDatabase());
    const [want, got] = [await shapeOf(fresh), await shapeOf(copy)];
    expect(want.objects.length).to.be.greaterThan(20);
    expect(want.rows.schema_migrations?.length).to.be.greaterThan(20);
    expect(got.objects).to.deep.equal(want.objects);
    expect(got.rows).to.deep.equal(want.rows);
    // Nothing is left to apply, so compose() migrates nothing on a copy.
    expect(await migrateUp(copy)).to.deep.equal([]);
  });

  it('each copy is its own: a row written to one is not in the next', async () => {
    const a = await open(await createMigratedTestDatabase());
    const before = await a.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM units', { type: QueryTypes.SELECT });
    await a.sequelize.query('DELETE FROM units');
    const b = await open(await createMigratedTestDatabase());
    const after = await b.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM units', { type: QueryTypes.SELECT });
    expect(Number(after[0]?.n)).to.equal(Number(before[0]?.n)).and.to.be.greaterThan(0);
  });
});
