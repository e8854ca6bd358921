import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, sequelizeOptions, sqlDate, statementShape } from '../../src/db/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { freshDatabasePerTest, recordStatements, usingMysql } from '../support/database.js';

describe(`database connections (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  const fresh = freshDatabasePerTest();

  it('logs statements at trace without their values (an openid, a phone, a citizen\'s words)', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const { logging } = sequelizeOptions('sqlite::memory:', createLogger('trace', sink));
    if (typeof logging !== 'function') throw new Error('no statement logging at trace');
    logging("Executing (default): INSERT INTO `tips` (`code`,`description`) VALUES ('SM251126ABCD','我的电话13812345678'),(12, 3.5)");
    expect(lines.join('')).to.contain('INSERT INTO `tips` (`code`,`description`) VALUES (?,?),(?, ?)')
      .and.not.contain('13812345678').and.not.contain('SM251126ABCD');
  });

  it('leaves out every value at trace however it is escaped, a value ending in a backslash too', () => {
    // The literals as this database's own escaping writes them.
    const escape = (v: string) => fresh.db.sequelize.escape(v);
    const sql = `INSERT INTO \`tip_events\` (\`reason\`,\`note\`) VALUES (${escape('颜色调整\\')},${escape("联系张三13812345678，It's urgent")})`;
    const shaped = statementShape(sql, fresh.db.dialect);
    expect(shaped).to.equal('INSERT INTO `tip_events` (`reason`,`note`) VALUES (?,?)');
  });

  // MariaDB only (SQLite has no isolation levels): registered on the MariaDB run, which CI does.
  if (usingMysql()) it('runs every MariaDB transaction READ COMMITTED without a SET per transaction', async () => {
    let level = '';
    const seen = await recordStatements(fresh.db.sequelize, async () => {
      level = await fresh.db.transaction(async (t) => {
        const [row] = await fresh.db.sequelize.query<{ level: string }>('SELECT @@tx_isolation AS level', { type: QueryTypes.SELECT, transaction: t });
        return row!.level;
      });
    });
    expect(level).to.equal('READ-COMMITTED');
    expect(seen.filter((s) => /ISOLATION LEVEL/i.test(s))).to.deep.equal([]);
  });

  // Two handles on one file write as the web service and the bot do from two processes: the
  // second waits out the first's lock, held past node-sqlite3's own 1 s wait.
  if (!usingMysql()) it('waits for another connection\'s write lock on the same SQLite file rather than failing SQLITE_BUSY', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'pingan-busy-'));
    const url = `sqlite:${path.join(dir, 'shared.sqlite')}`;
    const web = await openDatabase(url);
    const bot = await openDatabase(url);
    try {
      await web.sequelize.query('CREATE TABLE t_busy (who TEXT NOT NULL)');
      let held!: () => void;
      const holding = new Promise<void>((resolve) => { held = resolve; });
      const long = web.transaction(async (t) => {
        await web.sequelize.query("INSERT INTO t_busy (who) VALUES ('web')", { transaction: t });
        held();
        await new Promise((r) => setTimeout(r, 1_500));
      });
      await holding;
      await bot.transaction(async (t) => {
        await bot.sequelize.query("INSERT INTO t_busy (who) VALUES ('bot')", { transaction: t });
      });
      await long;
      const rows = await bot.sequelize.query<{ who: string }>('SELECT who FROM t_busy ORDER BY rowid', { type: QueryTypes.SELECT });
      expect(rows.map((r) => r.who)).to.deep.equal(['web', 'bot']);
    } finally {
      await web.close();
      await bot.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sqlDate keeps milliseconds through a raw INSERT and reads back as the same instant', async () => {
    const qi = fresh.db.sequelize.getQueryInterface();
    await fresh.db.sequelize.query(`CREATE TABLE ${qi.quoteIdentifier('t_dates')} (${qi.quoteIdentifier('at')} ${fresh.db.dialect === 'mysql' ? 'DATETIME(3)' : 'DATETIME'} NOT NULL)`);
    const at = new Date('2026-02-03T04:05:06.789Z');
    await fresh.db.sequelize.query('INSERT INTO t_dates (at) VALUES (?)', { replacements: [sqlDate(fresh.db.dialect, at)] });
    const [row] = await fresh.db.sequelize.query<{ at: Date | string }>('SELECT at FROM t_dates', { type: QueryTypes.SELECT });
    expect(new Date(row!.at).toISOString()).to.equal(at.toISOString());
  });
});
