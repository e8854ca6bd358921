import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { Writable } from 'node:stream';
import { sequelizeOptions, sqlDate, statementShape } from '../../src/db/index.js';
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

  it('sqlDate keeps milliseconds through a raw INSERT and reads back as the same instant', async () => {
    const qi = fresh.db.sequelize.getQueryInterface();
    await fresh.db.sequelize.query(`CREATE TABLE ${qi.quoteIdentifier('t_dates')} (${qi.quoteIdentifier('at')} ${fresh.db.dialect === 'mysql' ? 'DATETIME(3)' : 'DATETIME'} NOT NULL)`);
    const at = new Date('2026-02-03T04:05:06.789Z');
    await fresh.db.sequelize.query('INSERT INTO t_dates (at) VALUES (?)', { replacements: [sqlDate(fresh.db.dialect, at)] });
    const [row] = await fresh.db.sequelize.query<{ at: Date | string }>('SELECT at FROM t_dates', { type: QueryTypes.SELECT });
    expect(new Date(row!.at).toISOString()).to.equal(at.toISOString());
  });
});
