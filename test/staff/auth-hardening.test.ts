// Staff sign-in hardening found by the auth audit, through real HTTP on the composed app: the
// address throttle counts an IPv6 client by its /64; a sign-in racing a password change cannot
// keep a session; a one-time password opens no JSON API but /me; password lengths are counted as
// hashed; and the first sign-in of a process costs a known name what it costs an unknown one.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { throttleAddressKey } from '../../src/http/client-address.js';
import { changeOwnPassword, createStaff } from '../../src/staff/accounts.js';
import { hashPassword } from '../../src/staff/passwords.js';
import { AppError } from '../../src/platform/errors.js';
import { errorOf } from '../support/api.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, browserAgent, context, PASSWORD, type Agent } from '../tips/helpers.js';

const run = promisify(execFile);

const staffRouters = (c: TestContext) => c.services.staff.routers({ web: c.services.web, tips: c.services.tips.console, media: c.services.wechat });

async function csrfOf(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path}`);
  return token;
}

/** Signs in through the console's form; the answer (303 on success) is returned. */
async function formSignIn(ctx: TestContext, agent: Agent, username: string, password: string): Promise<request.Response> {
  const token = await csrfOf(agent, '/staff/login');
  return agent.post('/staff/login').set('Origin', ctx.config.publicOrigin).type('form').send({ username, password, _csrf: token });
}

describe('staff auth hardening: the address throttle and IPv6', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('counts every address of one IPv6 /64 as one client', async () => {
    ctx = await context({ trustProxy: ['127.0.0.1'] });
    const app = createApp({ logger: ctx.services.logger, metrics: ctx.services.metrics, trustProxy: ctx.config.trustProxy, routers: staffRouters(ctx) }).callback();
    const guess = (forwardedFor: string, username: string) =>
      request(app).post('/api/staff/login').set('X-Forwarded-For', forwardedFor).send({ username, password: 'wrong-password' });
    const max = ctx.config.staff.loginMaxFailures * 4;
    // A new address of the subscriber's /64 for every guess, spelt in every way.
    for (let i = 0; i < max; i += 1) {
      const address = i % 2 ? `2001:db8:1:2::${(i + 1).toString(16)}` : `2001:0DB8:0001:0002:0:0:0:${(i + 1).toString(16)}`;
      await guess(address, `user${i}`).expect(401);
    }
    const refused = await guess('2001:db8:1:2:ffff:ffff:ffff:fffe', 'other').expect(429);
    expect(errorOf(refused).code).to.equal('LOGIN_THROTTLED');
    // The next /64 is another client.
    await guess('2001:db8:1:3::1', 'other').expect(401);
  });

  it('keys IPv4 by address, IPv6 by /64, one spelling each', () => {
    expect(throttleAddressKey('203.0.113.9')).to.equal('203.0.113.9');
    expect(throttleAddressKey('::ffff:203.0.113.9')).to.equal('203.0.113.9');
    expect(throttleAddressKey('::ffff:cb00:7109')).to.equal('203.0.113.9');
    expect(throttleAddressKey('2001:DB8:1:2::1')).to.equal('2001:db8:1:2::/64');
    expect(throttleAddressKey('2001:0db8:0001:0002:aaaa:bbbb:1.2.3.4')).to.equal('2001:db8:1:2::/64');
    expect(throttleAddressKey('fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
    expect(throttleAddressKey('2001:db8:1:3::1')).to.not.equal(throttleAddressKey('2001:db8:1:2::1'));
  });
});

describe('staff auth hardening: sessions and credentials', () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  it('a sign-in with the old password racing a password change keeps no session', async () => {
    const victim = await addStaff(ctx, { username: 'victim', role: 'triage' });
    const { models, sessions } = ctx.services.staff;
    let raced = false;
    // The member changes the password (then every session ends, as the password page does) while
    // the attacker's sign-in is between its password check and its session row.
    models.Session.addHook('beforeCreate', 'race', async () => {
      if (raced) return;
      raced = true;
      await changeOwnPassword(models, victim.id, PASSWORD, 'brand-new-secret-2026');
      await sessions.revokeAll(victim.id);
    });
    try {
      const attacker = browserAgent(ctx);
      const res = await attacker.post('/api/staff/login').send({ username: 'victim', password: PASSWORD }).expect(401);
      expect(errorOf(res).code).to.equal('LOGIN_FAILED');
      await attacker.get('/api/staff/me').expect(401);
      expect(await models.Session.count({ where: { staffId: victim.id } })).to.equal(0);
    } finally {
      models.Session.removeHook('beforeCreate', 'race');
    }
    expect(raced).to.equal(true);
    await request(ctx.callback).post('/api/staff/login').send({ username: 'victim', password: 'brand-new-secret-2026' }).expect(200);
  });

  it('a one-time password opens no staff API but /me until the member sets their own', async () => {
    await addStaff(ctx, { username: 'newbie', role: 'triage', mustChangePassword: true });
    const api = browserAgent(ctx);
    await api.post('/api/staff/login').send({ username: 'newbie', password: PASSWORD }).expect(200);
    expect((await api.get('/api/staff/me').expect(200)).body).to.have.nested.property('staff.mustChangePassword', true);
    for (const res of [await api.get('/api/staff/tips'), await api.post('/api/staff/tips/claim-next').send({}), await api.get('/api/staff/articles')]) {
      expect(res.status).to.equal(403);
      expect(errorOf(res).code).to.equal('PASSWORD_CHANGE_REQUIRED');
    }
    // Set on the console's password page: the API answers.
    const agent = request.agent(ctx.callback);
    await formSignIn(ctx, agent, 'newbie', PASSWORD).then((r) => expect(r.status).to.equal(303));
    const token = await csrfOf(agent, '/staff/password');
    await agent.post('/staff/password').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ current: PASSWORD, password: 'my-own-secret-2026', again: 'my-own-secret-2026', _csrf: token }).expect(303);
    const again = browserAgent(ctx);
    await again.post('/api/staff/login').send({ username: 'newbie', password: 'my-own-secret-2026' }).expect(200);
    await again.get('/api/staff/tips').expect(200);
  });

  it('counts a new password as it is hashed: invisible characters and composed forms are not length', async () => {
    await addStaff(ctx, { username: 'zw', role: 'triage' });
    const agent = request.agent(ctx.callback);
    expect((await formSignIn(ctx, agent, 'zw', PASSWORD)).status).to.equal(303);
    const token = await csrfOf(agent, '/staff/password');
    const invisible = '\u200B'.repeat(12);
    const res = await agent.post('/staff/password').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ current: PASSWORD, password: invisible, again: invisible, _csrf: token }).expect(400);
    expect(res.text).to.contain('新密码至少要10位');
    // Ten UTF-16 units, five characters once composed (NFKC): too short at creation too.
    try {
      await addStaff(ctx, { username: 'short', role: 'triage', password: 'e\u0301'.repeat(5) });
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(AppError);
      expect((err as AppError).code).to.equal('STAFF_INVALID');
    }
    await createStaff(ctx.services.db, ctx.services.staff.models, { username: 'emoji', role: 'triage', password: '🔑'.repeat(10) });
  });

  it('never signs in with nothing but invisible characters, even against a hash of the empty password', async () => {
    const staff = await addStaff(ctx, { username: 'empty', role: 'triage' });
    await ctx.services.staff.models.Staff.update({ passwordHash: await hashPassword('') }, { where: { id: staff.id } });
    for (const password of ['\u0001', '\u200B\u200B', '\u00AD']) {
      const res = await formSignIn(ctx, request.agent(ctx.callback), 'empty', password);
      expect(res.status, JSON.stringify(password)).to.equal(401);
      expect(res.text).to.contain('用户名或密码错误');
    }
  });
});

describe('staff auth hardening: the first sign-in of a process', function () {
  this.timeout(60_000);

  /** scrypt runs of a fresh process's first (wrong-password) sign-in, for a known or an unknown name. */
  const scryptRunsOfFirstSignIn = async (username: string): Promise<number> => {
    const script = `
      import crypto from 'node:crypto';
      import { syncBuiltinESMExports } from 'node:module';
      const { hashPassword } = await import('./src/staff/passwords.ts');
      const stored = await hashPassword('the-right-password');
      let runs = 0;
      const real = crypto.scrypt;
      crypto.scrypt = (...args) => { runs += 1; return real(...args); };
      syncBuiltinESMExports();
      const { login } = await import('./src/staff/auth.ts');
      const { LoginThrottle } = await import('./src/staff/throttle.ts');
      const { MemoryStore } = await import('./src/platform/shared-store.ts');
      const row = { id: 1, username: 'known', passwordHash: stored, active: true };
      const models = { Staff: { findOne: async ({ where }) => (where.username === 'known' ? row : null) } };
      const throttle = new LoginThrottle({ maxFailures: 5, lockMinutes: 15, store: new MemoryStore() });
      try { await login({ models, sessions: {}, throttle }, ${JSON.stringify(username)}, 'a-wrong-password', '203.0.113.1'); } catch {}
      process.stdout.write(String(runs));
    `;
    const out = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, NODE_ENV: 'test' } });
    return Number(out.stdout);
  };

  it('costs a known name as many scrypt runs as an unknown one, though the dummy hash is made then', async () => {
    const [known, unknown] = await Promise.all([scryptRunsOfFirstSignIn('known'), scryptRunsOfFirstSignIn('nobody')]);
    expect(unknown).to.equal(2);
    expect(known).to.equal(unknown);
  });
});
