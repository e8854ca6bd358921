// Accounts made before usernames were canonical: migration 007 rewrites them, login finds them
// under any spelling; and `npm run staff:add` stores the canonical name.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { compose } from '../../src/compose.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { hashPassword } from '../../src/staff/passwords.js';
import { createTestDatabase, usingMysql, type TestDatabase } from '../support/database.js';
import { bodyOf, type StaffBody } from '../support/api.js';

const run = promisify(execFile);
const PASSWORD = 'a-long-enough-password';

describe(`canonical usernames for existing and new accounts (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let database: TestDatabase;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => database.drop());

  it('migration 007 rewrites old mixed-case usernames, and login finds them under any spelling', async () => {
    const db = await openDatabase(database.url);
    try {
      await createMigrator(db).up({ to: '006-tips-hot-path-indexes' });
      const hash = await hashPassword(PASSWORD);
      const now = new Date();
      for (const username of ['Wang.Wei', 'chen']) {
        await db.sequelize.query(
          'INSERT INTO staff (username, password_hash, display_name, role, unit_key, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          { replacements: [username, hash, username, 'triage', 'zfw', true, now, now] },
        );
      }
    } finally {
      await db.close();
    }
    const services = await compose(await loadConfig({ databaseUrl: database.url }), createLogger('silent'));
    try {
      const rows = await services.db.sequelize.query('SELECT username FROM staff ORDER BY id', { type: 'SELECT' });
      expect(rows).to.deep.equal([{ username: 'wang.wei' }, { username: 'chen' }]);
      for (const spelling of ['wang.wei', 'Wang.Wei', 'ＷＡＮＧ.ｗｅｉ']) {
        const res = await request(services.app.callback()).post('/api/staff/login').send({ username: spelling, password: PASSWORD });
        expect(res.status, spelling).to.equal(200);
        expect(bodyOf<StaffBody>(res).staff.username).to.equal('wang.wei');
      }
    } finally {
      await services.close();
    }
  });

  it('npm run staff:add stores the canonical name', async () => {
    const out = await run(process.execPath, ['--import', 'tsx', 'src/cli/staff-add.ts', '--username', 'ＹｏｎｇＡｎ2', '--role', 'county', '--county', '350481'], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: database.url, STAFF_PASSWORD: PASSWORD },
    });
    expect(out.stdout).to.contain('created yongan2 ');
  });
});
