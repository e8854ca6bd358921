// Backup and restore on MariaDB, the way docs/operations.md tells an operator to do it: a citizen
// sends tips through the real webhook, `mysqldump --single-transaction --routines --triggers`
// dumps the database, `mysql` restores the dump into a fresh database, and the real server
// (src/server.ts, its own process) started on the restored database still serves them: the
// citizen's 查询 lists the same codes, the admin account signs in and the staff API shows the tips
// and reveals the reporter (the same identity keys open the restored seals), nothing is migrated
// again, and the triggers that keep tip_events append-only (migration 004) came back with it.
// Registered only when TEST_DATABASE_URL is a MariaDB URL: on SQLite there is nothing to report.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { freePort } from '../support/ports.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { ChatClient, httpTransport, type DecodedReply } from '../../src/cli/chat-client.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { changeOwnPassword } from '../../src/staff/accounts.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createTestDatabase, usingMysql, type TestDatabase } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { REVEAL_REASON, type StaffBody, type TipDetail, type TipPage } from '../support/api.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ADMIN_PASSWORD = 'Restore-test-admin-1';
const ADMIN_OWN_PASSWORD = 'Restore-test-admin-own-2';
const PHONE = '13812345678';
const OPENID = 'o_restore_citizen';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
const codeIn = (reply: string): string => {
  const m = /受理编号：(SM\d{6}[A-Z0-9]{4,})/.exec(reply);
  if (!m?.[1]) throw new Error(`no tracking code in: ${reply}`);
  return m[1];
};
const databaseName = (url: string): string => new URL(url).pathname.replace(/^\//, '');

/** The `mysql`/`mysqldump` connection arguments for TEST_DATABASE_URL; the password in MYSQL_PWD, never an argument. */
function clientConnection(): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL((process.env.TEST_DATABASE_URL ?? '').replace(/^mariadb:/, 'mysql:'));
  const password = decodeURIComponent(u.password);
  return {
    args: ['--protocol=tcp', '-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username), '--default-character-set=utf8mb4'],
    env: { ...process.env, ...(password ? { MYSQL_PWD: password } : {}) },
  };
}

/** Runs a client with stdin from and stdout to files; rejects with its stderr on a non-zero exit. */
async function run(command: string, args: string[], io: { stdinFile?: string; stdoutFile?: string }): Promise<void> {
  const { args: connection, env } = clientConnection();
  const stdin = io.stdinFile ? openSync(io.stdinFile, 'r') : 'ignore';
  const stdout = io.stdoutFile ? openSync(io.stdoutFile, 'w') : 'ignore';
  try {
    const child = spawn(command, [...connection, ...args], { stdio: [stdin, stdout, 'pipe'], env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${String(code)}: ${stderr}`))));
    });
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof stdout === 'number') closeSync(stdout);
  }
}


/** The real server as its own process, as systemd runs it; resolves once /healthz answers 200. */
async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'server.ts')], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env, PORT: String(port) },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null) throw new Error(`the server on the restored database exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the server on the restored database did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface TipSnapshot { code: string; description: string; reporter_sealed: string; identity_key_id: string }

async function snapshot(db: Database): Promise<{ tips: TipSnapshot[]; events: number; staff: number; migrations: number }> {
  const count = async (table: string): Promise<number> => {
    const [row] = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT });
    return Number(row?.n);
  };
  const tips = await db.sequelize.query<TipSnapshot>(
    'SELECT code, description, reporter_sealed, identity_key_id FROM tips ORDER BY id', { type: QueryTypes.SELECT },
  );
  return { tips, events: await count('tip_events'), staff: await count('staff'), migrations: await count('schema_migrations') };
}

if (usingMysql()) {
  describe('backup and restore with mysqldump (MariaDB)', function () {
    this.timeout(90_000);
    let source: TestContext | undefined;
    let restored: TestDatabase | undefined;
    let restoredDb: Database | undefined;
    let server: ChildProcess | undefined;
    let dir: string | undefined;

    after(async () => {
      await stopServer(server);
      await restoredDb?.close();
      await restored?.drop();
      await source?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a dump restored into a fresh database serves the same tips, accounts and event guards', async () => {
      // 1. The service on a fresh database, populated through the webhook by one citizen.
      source = await createTestContext({ staff: { adminPassword: ADMIN_PASSWORD } });
      const { token } = source.config.wechat;
      const before = new ChatClient({ transport: supertestTransport(source.callback), token, openid: OPENID });
      const tip = async (description: string, contact: string): Promise<string> => {
        let last = '';
        for (const m of ['举报', '1', description, '好了', '跳过', contact, '确认']) last = textOf(await before.text(m));
        return codeIn(last);
      };
      // The admin made from ADMIN_PASSWORD sets its own at first sign-in, as an operator does.
      const admin = await source.services.staff.models.Staff.findOne({ where: { username: 'admin' } });
      await changeOwnPassword(source.services.staff.models, admin!.id, ADMIN_PASSWORD, ADMIN_OWN_PASSWORD);
      const named = await tip('小区门口每天晚上有人聚众赌博', PHONE);
      // An emoji is outside the BMP: it survives only if dump and restore both speak utf8mb4.
      const anonymous = await tip('河里有人电鱼🐟，还往河里排污水', '匿名');
      expect(textOf(await before.text('查询'))).to.contain(named).and.contain(anonymous);
      const original = await snapshot(source.services.db);
      expect(original.tips.map((t) => t.code)).to.deep.equal([named, anonymous]);

      // 2. The dump, exactly as the handbook gives it.
      dir = mkdtempSync(path.join(tmpdir(), 'pst-restore-'));
      const dump = path.join(dir, 'dump.sql');
      await run('mysqldump', ['--single-transaction', '--routines', '--triggers', databaseName(source.database.url)], { stdoutFile: dump });
      expect(statSync(dump).size).to.be.greaterThan(0);

      // 3. Restored into a second, fresh database.
      restored = await createTestDatabase();
      await run('mysql', [databaseName(restored.url)], { stdinFile: dump });
      restoredDb = await openDatabase(restored.url);
      expect(await snapshot(restoredDb), 'rows as they were').to.deep.equal(original);
      expect(await migrateUp(restoredDb, createLogger('silent')), 'migrations to apply again').to.deep.equal([]);

      // The append-only guards (migration 004) came with the dump and still refuse.
      const triggers = await restoredDb.sequelize.query<{ name: string }>(
        'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME',
        { replacements: [databaseName(restored.url)], type: QueryTypes.SELECT },
      );
      expect(triggers.map((t) => t.name)).to.deep.equal(['tip_events_no_delete', 'tip_events_no_update']);
      const refusal = async (sql: string): Promise<string> => restoredDb!.sequelize.query(sql).then(() => 'accepted', (err: Error) => err.message);
      expect(await refusal("UPDATE tip_events SET reason = 'rewritten'")).to.contain('append-only');
      expect(await refusal('DELETE FROM tip_events')).to.contain('append-only');

      // 4. The real server on the restored database, with the same keys (config/test.json) and no
      //    ADMIN_PASSWORD: the admin account is the restored one.
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = await startServer({ NODE_ENV: 'test', DATABASE_URL: restored.url, ADMIN_PASSWORD: '', LOG_LEVEL: 'warn' }, port);
      expect(await (await fetch(`${base}/healthz`)).json()).to.deep.equal({ status: 'ok', database: 'ok' });

      // The citizen's 查询 on the restored service lists the same codes (the keyed reporter hash).
      const after = new ChatClient({ transport: httpTransport(base), token, openid: OPENID });
      const mine = textOf(await after.text('查询'));
      expect(mine).to.contain(named).and.contain(anonymous);

      // The restored admin signs in; the staff API lists both tips with their texts.
      const login = await fetch(`${base}/api/staff/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_OWN_PASSWORD }),
      });
      expect(login.status).to.equal(200);
      expect(((await login.json()) as StaffBody).staff.username).to.equal('admin');
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const list = await fetch(`${base}/api/staff/tips`, { headers: { cookie } });
      expect(list.status).to.equal(200);
      const page = (await list.json()) as TipPage;
      expect(page.items.map((t) => t.code).sort()).to.deep.equal([named, anonymous].sort());
      expect(page.items.find((t) => t.code === anonymous)?.description).to.contain('🐟');

      // The reveal opens the restored seal: the identity keys are the same, so the reporter reads.
      const reveal = await fetch(`${base}/api/staff/tips/${named}?identity=1&reason=${REVEAL_REASON}`, { headers: { cookie } });
      expect(reveal.status).to.equal(200);
      const detail = (await reveal.json()) as TipDetail;
      expect(detail.tip.reporter).to.include({ revealed: true, citizenId: OPENID, phone: PHONE });
    });
  });
}
