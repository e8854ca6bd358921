// The service as real processes (src/server.ts), killed and restarted under a citizen's feet.
// On MariaDB (TEST_DATABASE_URL=mysql://…): two instances on one database and one Redis, messages
// alternating between them, retries sent to both, one instance killed with SIGKILL, a staff
// session used across them, both restarted. On SQLite: one instance, killed and restarted. In
// every case each conversation ends with exactly one tip and no lost draft.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '../support/ports.js';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { ChatClient, httpTransport, type Transport } from '../../src/cli/chat-client.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createTestDatabase, usingMysql, type TestDatabase } from '../support/database.js';
import { testRedisUrl } from '../support/redis.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ADMIN_PASSWORD = 'Cluster-test-admin-1';


/** One service process on a fixed port, so a restart comes back at the same address. */
class Instance {
  child: ChildProcess | undefined;
  constructor(readonly port: number, private readonly env: Record<string, string>) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'server.ts')], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...this.env, PORT: String(this.port) },
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${this.base}/healthz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      if (this.child.exitCode !== null) throw new Error(`instance on ${this.port} exited with ${this.child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`instance on ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get stopped(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  transport(): Transport {
    return httpTransport(this.base);
  }
}

const textOf = (r: Awaited<ReturnType<ChatClient['send']>>) => (r.type === 'text' ? r.text : `<${r.type}>`);
const CODE = /SM\d{6}[A-Z0-9]+/;

describe('the service as several processes', function () {
  this.timeout(240_000);
  const mysql = usingMysql();
  let tdb: TestDatabase;
  let db: Database;
  let a: Instance;
  let b: Instance;
  let token: string;

  before(async () => {
    tdb = await createTestDatabase();
    const config = await loadConfig();
    token = config.wechat.token;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: tdb.url,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...(mysql ? { REDIS_URL: testRedisUrl(), REDIS_PREFIX: `pst-cluster-${randomBytes(4).toString('hex')}:` } : {}),
    };
    a = new Instance(await freePort(), env);
    await a.start(); // migrates first, alone
    b = mysql ? new Instance(await freePort(), env) : a;
    if (b !== a) await b.start();
    db = await openDatabase(tdb.url);
  });

  // A test that stopped an instance leaves it to be started again here, passed or failed.
  afterEach(async () => {
    for (const i of new Set([a, b])) if (i.stopped) await i.start();
  });

  after(async () => {
    await a?.stop('SIGTERM');
    await b?.stop('SIGTERM');
    await db?.close();
    await tdb?.drop();
  });

  const citizen = (to: () => Instance) => {
    const openid = `o_cluster_${randomBytes(5).toString('hex')}`;
    // A transport that asks, at each message, which instance the balancer picks.
    const transport: Transport = { post: (p, body) => to().transport().post(p, body) };
    return new ChatClient({ transport, token, openid });
  };

  async function tipsWith(description: string): Promise<string[]> {
    const rows = await db.sequelize.query<{ code: string }>('SELECT code FROM tips WHERE description = ?', { replacements: [description], type: QueryTypes.SELECT });
    return rows.map((r) => r.code);
  }

  const STEPS = (description: string) => ['举报', '1', description, '好了', '跳过', '匿名', '确认'];

  it('messages alternating between the instances make one tip', async () => {
    let turn = 0;
    const c = citizen(() => (turn++ % 2 === 0 ? a : b));
    const description = `小区门口有人聚众赌博 ${randomBytes(3).toString('hex')}`;
    let last = '';
    for (const m of STEPS(description)) last = textOf(await c.text(m));
    expect(last).to.match(CODE);
    expect(await tipsWith(description)).to.deep.equal([CODE.exec(last)![0]]);
  });

  it('one message delivered to both instances at once is handled once, and both get the same reply', async () => {
    const c = citizen(() => a);
    const description = `河道有人非法采砂 ${randomBytes(3).toString('hex')}`;
    const steps = STEPS(description);
    for (const m of steps.slice(0, -1)) {
      const xml = c.messageXml({ MsgType: 'text', Content: m, MsgId: c.nextMsgId() });
      const [ra, rb] = await Promise.all([a.transport(), b.transport()].map((t) => new ChatClient({ transport: t, token, openid: 'x' }).send(xml)));
      expect(textOf(ra!)).to.equal(textOf(rb!));
    }
    const xml = c.messageXml({ MsgType: 'text', Content: '确认', MsgId: c.nextMsgId() });
    const replies = await Promise.all([a, b, a, b].map((i) => new ChatClient({ transport: i.transport(), token, openid: 'x' }).send(xml)));
    const texts = replies.map(textOf);
    expect(new Set(texts).size).to.equal(1);
    expect(texts[0]).to.match(CODE);
    expect(await tipsWith(description)).to.have.length(1);
  });

  it('an instance killed with SIGKILL mid-conversation loses nothing: the citizen finishes on the other', async () => {
    let current = a;
    const c = citizen(() => current);
    const description = `工地夜间施工噪音扰民 ${randomBytes(3).toString('hex')}`;
    const steps = STEPS(description);
    for (const m of steps.slice(0, 3)) await c.text(m);
    await a.stop('SIGKILL');
    if (b === a) await a.start();
    current = b;
    let last = '';
    for (const m of steps.slice(3)) last = textOf(await c.text(m));
    expect(last).to.match(CODE);
    expect(await tipsWith(description)).to.have.length(1);
  });

  it('a kill right after 确认 loses nothing: the retry of that message answers the one tip', async () => {
    const c = citizen(() => a);
    const description = `有人冒充客服骗老人转账 ${randomBytes(3).toString('hex')}`;
    const steps = STEPS(description);
    for (const m of steps.slice(0, -1)) await c.text(m);
    const xml = c.messageXml({ MsgType: 'text', Content: '确认', MsgId: c.nextMsgId() });
    const signed = c.envelope(xml);
    const first = a.transport().post(signed.path, signed.body).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 15));
    await a.stop('SIGKILL');
    await first;
    if (b === a) await a.start();
    // WeChat retries the same MsgId after 5 s: on the other instance (or the restarted one). The
    // dead instance's hold on the message has expired by then.
    await new Promise((r) => setTimeout(r, 5000));
    const retry = textOf(await new ChatClient({ transport: b.transport(), token, openid: 'x' }).send(xml));
    expect(retry).to.match(CODE);
    const again = textOf(await new ChatClient({ transport: b.transport(), token, openid: 'x' }).send(xml));
    expect(again).to.equal(retry);
    expect(await tipsWith(description)).to.deep.equal([CODE.exec(retry)![0]]);
  });

  it('a staff session made on one instance works on the other', async () => {
    const login = await fetch(`${a.base}/api/staff/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).to.equal(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await fetch(`${b.base}/api/staff/me`, { headers: { cookie } });
    expect(me.status).to.equal(200);
    expect(await me.json()).to.have.nested.property('staff.username', 'admin');
  });

  it('both instances restarted mid-conversation: the draft is still there', async () => {
    let turn = 0;
    const c = citizen(() => (turn++ % 2 === 0 ? a : b));
    const description = `村道被倒塌的树挡住了 ${randomBytes(3).toString('hex')}`;
    const steps = STEPS(description);
    for (const m of steps.slice(0, 4)) await c.text(m);
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    await a.start();
    if (b !== a) await b.start();
    let last = '';
    for (const m of steps.slice(4)) last = textOf(await c.text(m));
    expect(last).to.match(CODE);
    expect(await tipsWith(description)).to.have.length(1);
  });
});
