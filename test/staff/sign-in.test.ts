// Sign-in hardening (issue 15, item 4), through real HTTP on the composed app: one account and one
// throttle counter whatever the spelling of the username, the client address from X-Forwarded-For
// only through a trusted proxy, the counters behind KeyValueStore, canonical names at creation.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { AppError } from '../../src/platform/errors.js';
import { clientAddressOf, trustedProxies } from '../../src/http/client-address.js';
import { LoginThrottle } from '../../src/staff/throttle.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, context, PASSWORD } from '../tips/helpers.js';
import { errorOf } from '../support/api.js';

const run = promisify(execFile);
const login = (app: Parameters<typeof request>[0], username: string, password: string, forwardedFor?: string) => {
  const r = request(app).post('/api/staff/login');
  if (forwardedFor !== undefined) r.set('X-Forwarded-For', forwardedFor);
  return r.send({ username, password });
};

/** The staff module's routers as compose.ts builds them (the login API among them). */
const staffRouters = (c: TestContext) => c.services.staff.routers({ web: c.services.web, tips: c.services.tips.console, media: c.services.wechat });

describe('sign-in: canonical usernames and the throttle', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('logs in under any spelling of a name and counts every spelling against one account', async () => {
    ctx = await context();
    await addStaff(ctx, { username: 'victim', role: 'triage' });
    await login(ctx.callback, 'ＶＩＣＴＩＭ', PASSWORD).expect(200);
    const spellings = ['victim', 'ｖｉｃｔｉｍ', 'Victim', 'ＶＩＣＴＩＭ'];
    const max = ctx.config.staff.loginMaxFailures;
    for (let i = 0; i < max; i += 1) {
      const r = await login(ctx.callback, spellings[i % spellings.length]!, 'wrong-password').expect(401);
      expect(errorOf(r).code).to.equal('LOGIN_FAILED');
    }
    const locked = await login(ctx.callback, 'victim', PASSWORD).expect(429);
    expect(errorOf(locked).code).to.equal('LOGIN_THROTTLED');
  });

  it('an accented spelling is another name: it never signs in, and its failures lock nothing else (MariaDB collation too)', async () => {
    ctx = await context();
    await addStaff(ctx, { username: 'victim', role: 'triage' });
    const accented = ['víctim', 'vìctim', 'VÍCTIM', 'victím'];
    // utf8mb4_unicode_ci equates them with `victim`; only the exact stored name is the account.
    for (const name of accented) {
      const r = await login(ctx.callback, name, PASSWORD);
      expect(r.status, name).to.equal(401);
      expect(errorOf(r).code).to.equal('LOGIN_FAILED');
    }
    const max = ctx.config.staff.loginMaxFailures;
    for (let i = 0; i < max; i += 1) await login(ctx.callback, 'vĩctim', 'wrong-password').expect(401);
    await login(ctx.callback, 'victim', PASSWORD).expect(200);
    // Locked under its own name, the account stays out of reach under every accented one.
    for (let i = 0; i < max; i += 1) await login(ctx.callback, 'victim', 'wrong-password').expect(401);
    await login(ctx.callback, 'victim', PASSWORD).expect(429);
    for (const name of accented) {
      const r = await login(ctx.callback, name, PASSWORD);
      expect([401, 429], name).to.include(r.status);
    }
  });

  it('counts a guess before checking it: of simultaneous guesses only the limit are checked, and the lock holds', async () => {
    ctx = await context({ staff: { loginMaxFailures: 3 } });
    await addStaff(ctx, { username: 'victim', role: 'triage' });
    const guesses = await Promise.all(Array.from({ length: 30 }, () => login(ctx!.callback, 'victim', 'wrong-password')));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401), statuses.join()).to.have.length(3);
    expect(statuses.filter((s) => s === 429)).to.have.length(27);
    const right = await login(ctx.callback, 'victim', PASSWORD).expect(429);
    expect(errorOf(right).code).to.equal('LOGIN_THROTTLED');
  });

  it('does not count a sign-in that failed on our side (the database down) against the account', async () => {
    ctx = await context({ staff: { loginMaxFailures: 3 } });
    await addStaff(ctx, { username: 'clerk', role: 'triage' });
    const Staff = ctx.services.staff.models.Staff;
    const findOne = Staff.findOne.bind(Staff);
    Staff.findOne = () => Promise.reject(new Error('connection lost'));
    try {
      for (let i = 0; i < 5; i += 1) await login(ctx.callback, 'clerk', PASSWORD).expect(500);
    } finally {
      Staff.findOne = findOne;
    }
    await login(ctx.callback, 'clerk', PASSWORD).expect(200);
  });

  it('counts a spray of simultaneous guesses against the address before checking them; sign-ins that succeed are not counted', async () => {
    ctx = await context({ staff: { loginMaxFailures: 3 } });
    await addStaff(ctx, { username: 'officer', role: 'triage' });
    // One office address: more successful sign-ins than the address's limit (12) are all let in.
    for (let i = 0; i < 15; i += 1) await login(ctx.callback, 'officer', PASSWORD).expect(200);
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(ctx!.callback, `user${i}`, 'wrong-password')));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401), statuses.join()).to.have.length(12);
    expect(statuses.filter((s) => s === 429)).to.have.length(18);
    await login(ctx.callback, 'officer', PASSWORD).expect(429);
  });

  it('stores usernames canonical at creation (NFKC, lower case) and refuses another spelling of one taken', async () => {
    ctx = await context();
    const staff = await addStaff(ctx, { username: 'Ｌｉ.Wei', role: 'editor' });
    expect(staff.username).to.equal('li.wei');
    const rows = await ctx.services.db.sequelize.query('SELECT username, display_name FROM staff', { type: 'SELECT' });
    expect(rows).to.deep.equal([{ username: 'li.wei', display_name: 'li.wei' }]);
    try {
      await addStaff(ctx, { username: 'LI.WEI', role: 'editor' });
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(AppError);
      expect((err as AppError).code).to.equal('STAFF_EXISTS');
    }
    try {
      await addStaff(ctx, { username: '李伟', role: 'editor' });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as AppError).code).to.equal('STAFF_INVALID');
    }
  });

  it('ignores a forged X-Forwarded-For without TRUST_PROXY: the socket address is throttled', async () => {
    ctx = await context();
    expect(ctx.config.trustProxy).to.deep.equal([]);
    const max = ctx.config.staff.loginMaxFailures * 4;
    for (let i = 0; i < max; i += 1) {
      await login(ctx.callback, `user${i}`, 'wrong-password', `203.0.113.${i + 1}`).expect(401);
    }
    const r = await login(ctx.callback, 'other', 'wrong-password', '198.51.100.77').expect(429);
    expect(errorOf(r).code).to.equal('LOGIN_THROTTLED');
  });

  it('with TRUST_PROXY naming the peer, throttles the forwarded client address, whatever the client prepends', async () => {
    ctx = await context({ trustProxy: ['127.0.0.1'] });
    // The composed app as server.ts would build it with this config's trusted proxies.
    const app = createApp({
      logger: ctx.services.logger, metrics: ctx.services.metrics, trustProxy: ctx.config.trustProxy, routers: staffRouters(ctx),
    }).callback();
    const max = ctx.config.staff.loginMaxFailures * 4;
    for (let i = 0; i < max; i += 1) {
      // What a client sends through the proxy, with a forged first hop on every other request.
      const chain = i % 2 ? `198.51.100.${i}, 203.0.113.9` : '203.0.113.9';
      await login(app, `user${i}`, 'wrong-password', chain).expect(401);
    }
    await login(app, 'other', 'wrong-password', '203.0.113.9').expect(429);
    await login(app, 'other', 'wrong-password', '10.0.0.1, 203.0.113.9').expect(429);
    // Another client behind the same proxy is not affected.
    await login(app, 'other', 'wrong-password', '203.0.113.10').expect(401);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy (a Secure cookie needs HTTPS)', async () => {
    for (const [trustProxy, status] of [[['127.0.0.1'], 200], [['10.9.9.9'], 403]] as const) {
      ctx = await context({ trustProxy: [...trustProxy], staff: { cookieSecure: true } });
      await addStaff(ctx, { username: 'triage1', role: 'triage' });
      const app = createApp({ logger: ctx.services.logger, metrics: ctx.services.metrics, trustProxy, routers: staffRouters(ctx) }).callback();
      const res = await request(app).post('/api/staff/login').set('X-Forwarded-Proto', 'https').send({ username: 'triage1', password: PASSWORD });
      expect(res.status, trustProxy.join()).to.equal(status);
      await ctx.close();
      ctx = undefined;
    }
  });

  it('reads TRUST_PROXY from the environment as addresses and CIDR ranges, and names it when bad', async () => {
    const script = "import('./src/config/index.ts').then(async (m) => process.stdout.write(JSON.stringify((await m.loadConfig()).trustProxy)))";
    const env = { ...process.env, NODE_ENV: 'test', TRUST_PROXY: ' 10.0.0.1, 10.1.0.0/16,::1 ' };
    const out = await run(process.execPath, ['--import', 'tsx', '-e', script], { env });
    expect(JSON.parse(out.stdout)).to.deep.equal(['10.0.0.1', '10.1.0.0/16', '::1']);
    try {
      await loadConfig({ trustProxy: ['10.0.0.1', 'proxy.local'] });
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.contain('trustProxy');
    }
  });
});

describe('sign-in: client address and throttle store (units)', () => {
  it('takes the rightmost address that is not a trusted proxy, only from a trusted peer', () => {
    const trusted = trustedProxies(['10.0.0.1', '172.16.0.0/12']);
    expect(clientAddressOf('::ffff:10.0.0.1', '1.2.3.4, 5.6.7.8', trusted)).to.equal('5.6.7.8');
    expect(clientAddressOf('10.0.0.1', '5.6.7.8, 172.16.4.4', trusted)).to.equal('5.6.7.8');
    expect(clientAddressOf('10.0.0.1', 'not-an-ip, 172.16.4.4', trusted)).to.equal('172.16.4.4');
    expect(clientAddressOf('10.0.0.2', '5.6.7.8', trusted)).to.equal('10.0.0.2');
    expect(clientAddressOf('::ffff:10.0.0.2', undefined, trustedProxies([]))).to.equal('10.0.0.2');
  });

  it('counts attempts in the shared store before they are checked, parallel ones too, and refuses for the window', async () => {
    const store = new MemoryStore();
    const throttle = new LoginThrottle({ maxFailures: 3, lockMinutes: 0.01, store });
    // Of simultaneous attempts exactly the limit may go on to be checked.
    const taken = await Promise.all([1, 2, 3, 4, 5].map(() => throttle.take('user:a')));
    expect(taken.filter(Boolean)).to.have.length(3);
    expect(await throttle.take('user:a')).to.equal(false);
    // Another account is not touched; an address takes four times as many.
    expect(await throttle.take('user:b')).to.equal(true);
    const fromAddress = await Promise.all(Array.from({ length: 13 }, () => throttle.take('ip:10.0.0.9')));
    expect(fromAddress.filter(Boolean)).to.have.length(12);
    // What is given back (a success, or an attempt another key refused) may be taken again.
    await throttle.giveBack('user:b');
    expect(await store.get('login-failures:user:b')).to.equal('0');
    // The window (0.6 s) ends: the refusal with it; giving back after it starts no counter.
    await new Promise((r) => setTimeout(r, 700));
    await throttle.giveBack('user:a');
    expect(await store.get('login-failures:user:a')).to.equal(undefined);
    expect(await throttle.take('user:a')).to.equal(true);
    await throttle.succeed('user:a');
    expect(await store.get('login-failures:user:a')).to.equal(undefined);
    await store.close();
  });
});
