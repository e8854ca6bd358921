// The operator's commands as they are run: `npm run db:migrate` and `npm run staff:add`, then a
// login through the real app with the account that was created.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { compose } from '../../src/compose.js';

const run = promisify(execFile);
const cli = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `src/cli/${script}`, ...args], { env: { ...process.env, NODE_ENV: 'test', ...env } });

describe('operator commands (db:migrate, staff:add)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  before(async () => { database = await createTestDatabase(); });
  after(async () => database.drop());

  it('migrates an empty database, then says it is up to date', async () => {
    const first = await cli('migrate.ts', [], { DATABASE_URL: database.url });
    expect(first.stdout).to.match(/applied: .*001-units/);
    const again = await cli('migrate.ts', [], { DATABASE_URL: database.url });
    expect(again.stdout).to.contain('up to date');
  });

  it('creates a county account from STAFF_PASSWORD that can then log in', async () => {
    const out = await cli('staff-add.ts', ['--username', 'yongan1', '--role', 'county', '--county', '350481'], {
      DATABASE_URL: database.url, STAFF_PASSWORD: 'a-long-enough-password',
    });
    expect(out.stdout).to.contain('created yongan1').and.contain('350481');
    const config = await loadConfig({ databaseUrl: database.url });
    const services = await compose(config, createLogger('silent'));
    try {
      const res = await request(services.app.callback()).post('/api/staff/login').send({ username: 'yongan1', password: 'a-long-enough-password' });
      expect(res.status).to.equal(200);
      expect(String(res.headers['set-cookie']?.[0]).toLowerCase()).to.contain('httponly');
    } finally {
      await services.close();
    }
  });

  it('refuses a password on the command line and a county role without a county', async () => {
    try {
      await cli('staff-add.ts', ['--username', 'x', '--role', 'triage', '--password', 'secret'], { DATABASE_URL: database.url });
      expect.fail('should refuse --password');
    } catch (err) {
      expect((err as { code: number }).code).to.equal(64);
      expect((err as { stderr: string }).stderr).to.contain('refusing --password');
    }
    try {
      await cli('staff-add.ts', ['--username', 'nocounty', '--role', 'county'], { DATABASE_URL: database.url, STAFF_PASSWORD: 'a-long-enough-password' });
      expect.fail('should refuse a county role without --county');
    } catch (err) {
      expect((err as { code: number }).code).to.equal(65);
    }
  });
});
