import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { openDatabase, sqlDate, type Database } from '../../src/db/index.js';
import { createTestDatabase, usingMysql, type TestDatabase } from '../support/database.js';

describe(`database connections (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let tdb: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    tdb = await createTestDatabase();
    db = await openDatabase(tdb.url);
  });
  afterEach(async () => {
    await db.close();
    await tdb.drop();
  });

  it('runs every MariaDB transaction READ COMMITTED without a SET per transaction', async function () {
    if (db.dialect !== 'mysql') this.skip();
    const seen: string[] = [];
    db.sequelize.addHook('afterQuery', 'iso', ((_o: unknown, q: { sql?: string }) => { seen.push(String(q?.sql ?? '')); }) as never);
    const level = await db.transaction(async (t) => {
      const [row] = await db.sequelize.query('SELECT @@tx_isolation AS level', { type: QueryTypes.SELECT, transaction: t }) as Array<{ level: string }>;
      return row!.level;
    });
    db.sequelize.removeHook('afterQuery', 'iso');
    expect(level).to.equal('READ-COMMITTED');
    expect(seen.filter((s) => /ISOLATION LEVEL/i.test(s))).to.deep.equal([]);
  });

  it('sqlDate keeps milliseconds through a raw INSERT and reads back as the same instant', async () => {
    const qi = db.sequelize.getQueryInterface();
    await db.sequelize.query(`CREATE TABLE ${qi.quoteIdentifier('t_dates')} (${qi.quoteIdentifier('at')} ${db.dialect === 'mysql' ? 'DATETIME(3)' : 'DATETIME'} NOT NULL)`);
    const at = new Date('2026-02-03T04:05:06.789Z');
    await db.sequelize.query('INSERT INTO t_dates (at) VALUES (?)', { replacements: [sqlDate(db.dialect, at)] });
    const [row] = await db.sequelize.query('SELECT at FROM t_dates', { type: QueryTypes.SELECT }) as Array<{ at: Date | string }>;
    expect(new Date(row!.at).toISOString()).to.equal(at.toISOString());
  });
});
