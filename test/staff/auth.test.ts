import { expect } from 'chai';
import { createHash } from 'node:crypto';
import request from 'supertest';
import type { TestContext } from '../support/harness.js';
import { addStaff, browserAgent, context, PASSWORD } from '../tips/helpers.js';
import { bodyOf, errorOf, type StaffBody } from '../support/api.js';

describe('staff login and sessions', () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  it('logs in with an HttpOnly SameSite=Strict cookie whose token is stored only hashed', async () => {
    await addStaff(ctx, { username: 'triage1', role: 'triage' });
    const agent = browserAgent(ctx);
    const res = await agent.post('/api/staff/login').send({ username: 'triage1', password: PASSWORD }).expect(200);
    expect(bodyOf<StaffBody>(res).staff).to.include({ username: 'triage1', role: 'triage' });
    expect(bodyOf<StaffBody>(res).staff).not.to.have.property('passwordHash');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).to.match(/httponly/i);
    expect(setCookie).to.match(/samesite=strict/i);
    const token = /pasm_staff=([^;]+)/.exec(setCookie)?.[1] ?? '';
    expect(Buffer.from(token, 'base64url')).to.have.length(32);
    const rows = await ctx.services.db.sequelize.query('SELECT token_hash FROM staff_sessions', { type: 'SELECT' }) as Array<{ token_hash: string }>;
    expect(rows.map((r) => r.token_hash)).to.deep.equal([createHash('sha256').update(token).digest('hex')]);

    const me = await agent.get('/api/staff/me').expect(200);
    expect(bodyOf<StaffBody>(me).staff.username).to.equal('triage1');
    await agent.post('/api/staff/logout').expect(204);
    await agent.get('/api/staff/me').expect(401);
  });

  it('stores scrypt hashes, never the password', async () => {
    await addStaff(ctx, { username: 'someone', role: 'editor' });
    const [row] = await ctx.services.db.sequelize.query('SELECT password_hash FROM staff', { type: 'SELECT' }) as Array<{ password_hash: string }>;
    expect(row!.password_hash).to.match(/^scrypt\$/);
    expect(row!.password_hash).not.to.include(PASSWORD);
  });

  it('refuses a wrong password and throttles after repeated failures per username', async () => {
    await addStaff(ctx, { username: 'victim', role: 'triage' });
    const max = ctx.config.staff.loginMaxFailures;
    for (let i = 0; i < max; i += 1) {
      const r = await request(ctx.callback).post('/api/staff/login').send({ username: 'victim', password: 'wrong-password' }).expect(401);
      expect(errorOf(r).code).to.equal('LOGIN_FAILED');
    }
    const locked = await request(ctx.callback).post('/api/staff/login').send({ username: 'victim', password: PASSWORD }).expect(429);
    expect(errorOf(locked).code).to.equal('LOGIN_THROTTLED');
  });

  it('throttles one IP spraying many usernames', async () => {
    // The client address itself (trusted proxies and X-Forwarded-For): test/staff/sign-in.test.ts.
    const max = ctx.config.staff.loginMaxFailures * 4;
    for (let i = 0; i < max; i += 1) {
      await request(ctx.callback).post('/api/staff/login').send({ username: `user${i}`, password: 'wrong-password' }).expect(401);
    }
    const r = await request(ctx.callback).post('/api/staff/login').send({ username: 'other', password: 'x' }).expect(429);
    expect(errorOf(r).code).to.equal('LOGIN_THROTTLED');
  });

  it('validates the login body strictly, field by field', async () => {
    const r = await request(ctx.callback).post('/api/staff/login').send({ username: 'a', password: 'b', remember: true }).expect(400);
    expect(errorOf(r).code).to.equal('VALIDATION_FAILED');
    expect(errorOf(r).fields).to.deep.include({ path: '(body)', message: '不允许的字段：remember' });
    const r2 = await request(ctx.callback).post('/api/staff/login').send({ password: 'b' }).expect(400);
    expect(errorOf(r2).fields).to.deep.equal([{ path: 'username', message: '必填' }]);
  });

  it('requires a session for the staff API', async () => {
    const r = await request(ctx.callback).get('/api/staff/tips').expect(401);
    expect(errorOf(r).code).to.equal('UNAUTHENTICATED');
    await request(ctx.callback).get('/api/staff/tips').set('Cookie', 'pasm_staff=forged-token-forged-token-forged-token-abcd').expect(401);
  });
});

describe('admin seed', () => {
  it('creates admin from staff.adminPassword on first start, once, to set its own password at first sign-in', async () => {
    const ctx = await context({ staff: { adminPassword: 'first-start-password' } });
    try {
      await ctx.services.staff.seed();
      const rows = await ctx.services.db.sequelize.query("SELECT role FROM staff WHERE username = 'admin'", { type: 'SELECT' }) as Array<{ role: string }>;
      expect(rows).to.deep.equal([{ role: 'admin' }]);
      // It signs in, and must set a password of its own before anything else: the one it has sat in
      // an environment file.
      const agent = request.agent(ctx.callback);
      const login = await agent.post('/api/staff/login').send({ username: 'admin', password: 'first-start-password' }).expect(200);
      expect(bodyOf<StaffBody>(login).staff.mustChangePassword).to.equal(true);
      expect(errorOf(await agent.get('/api/staff/tips').expect(403)).code).to.equal('PASSWORD_CHANGE_REQUIRED');
    } finally {
      await ctx.close();
    }
  });
});
