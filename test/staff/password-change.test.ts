// Forced and voluntary password changes (issue 17) over real HTTP on the composed app: the
// migration's default for existing rows, the change form's refusals, and what a change does to
// sessions; plus the admin-only account pages refusing everyone else.
import { expect } from 'chai';
import request from 'supertest';
import { createMigrator, migrateUp } from '../../src/db/migrate.js';
import { defineStaffModels } from '../../src/staff/accounts.js';
import { bodyOf, type StaffBody } from '../support/api.js';
import { freshDatabasePerTest } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, browserAgent, context, PASSWORD, type Agent } from '../tips/helpers.js';

describe('staff: migration 010 (must_change_password)', () => {
  const fresh = freshDatabasePerTest();

  it('adds the column false for accounts that existed before, and drops it again going down', async () => {
    const db = fresh.db;
    await createMigrator(db).up({ to: '009-shared-state' });
    const now = new Date();
    await db.sequelize.getQueryInterface().bulkInsert('staff', [{
      username: 'old', password_hash: 'x', display_name: '老账号', role: 'triage', unit_key: 'zfw', active: true, created_at: now, updated_at: now,
    }]);
    await migrateUp(db);
    const [row] = await db.sequelize.query('SELECT must_change_password FROM staff WHERE username = ?', { replacements: ['old'], type: 'SELECT' }) as Array<{ must_change_password: unknown }>;
    expect(Number(row!.must_change_password)).to.equal(0);
    const model = await defineStaffModels(db).Staff.findOne({ where: { username: 'old' } });
    expect(model?.mustChangePassword).to.equal(false);

    await createMigrator(db).down({ to: '010-staff-password-change' });
    const columns = await db.sequelize.getQueryInterface().describeTable('staff');
    expect(columns).to.not.have.property('must_change_password');
    expect(Number((await db.sequelize.query('SELECT COUNT(*) AS n FROM staff', { type: 'SELECT' }) as Array<{ n: unknown }>)[0]!.n)).to.equal(1);
  });
});

/** A cookie jar that signs in through the console's form, as a browser does. */
async function formAgent(ctx: TestContext, username: string, password = PASSWORD): Promise<Agent> {
  const agent = request.agent(ctx.callback);
  const token = await csrfOf(agent, '/staff/login');
  const res = await agent.post('/staff/login').set('Origin', ctx.config.publicOrigin).type('form')
    .send({ username, password, _csrf: token }).expect(303);
  expect(res.headers.location).to.not.contain('/staff/login');
  return agent;
}

async function csrfOf(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path}`);
  return token;
}

const sessionCookie = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('pasm_staff='))?.split(';')[0];

describe('staff: the generated first-start admin', () => {
  it('must replace the printed password before using the console', async () => {
    const ctx = await context({ env: 'development' });
    try {
      // Starting already seeded it (its password went nowhere): seed an empty table again.
      await ctx.services.db.sequelize.query('DELETE FROM staff');
      const { generatedAdminPassword } = await ctx.services.staff.seed();
      expect(generatedAdminPassword).to.be.a('string');
      const agent = await formAgent(ctx, 'admin', generatedAdminPassword);
      await agent.get('/staff/accounts').expect(303).expect('Location', '/staff/password');
    } finally {
      await ctx.close();
    }
  });
});

describe('staff: password change page', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  /** Posts the form from a freshly loaded page, and expects `status`. */
  const change = async (agent: Agent, fields: { current: string; password: string; again?: string }, status: number) => {
    const token = await csrfOf(agent, '/staff/password');
    return agent.post('/staff/password').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ current: fields.current, password: fields.password, again: fields.again ?? fields.password, _csrf: token }).expect(status);
  };

  it('refuses a wrong current password, a short one, a mismatch and the same password, and keeps the old one working', async () => {
    await addStaff(ctx, { username: 'rules', role: 'triage' });
    const agent = await formAgent(ctx, 'rules');
    const wrong = await change(agent, { current: 'not-my-password', password: 'a-brand-new-password' }, 400);
    expect(wrong.text).to.contain('当前密码不对');
    const short = await change(agent, { current: PASSWORD, password: 'short' }, 400);
    expect(short.text).to.contain('新密码至少要10位');
    const mismatch = await change(agent, { current: PASSWORD, password: 'a-brand-new-password', again: 'a-brand-new-passw0rd' }, 400);
    expect(mismatch.text).to.contain('两次输入的新密码不一样');
    const same = await change(agent, { current: PASSWORD, password: PASSWORD }, 400);
    expect(same.text).to.contain('不能和当前密码一样');
    // The typed passwords are never sent back in the form.
    expect(same.text).to.not.contain(PASSWORD);
    await request(ctx.callback).post('/api/staff/login').send({ username: 'rules', password: PASSWORD }).expect(200);
  });

  it('on success ends every session of the member, issues a new one and clears the forced change', async () => {
    await addStaff(ctx, { username: 'changer', role: 'triage', mustChangePassword: true });
    const other = await formAgent(ctx, 'changer');
    const agent = await formAgent(ctx, 'changer');
    // Forced to the password page, for every console page; the JSON API still answers and says so.
    const forced = await agent.get('/staff/queue').expect(303);
    expect(forced.headers.location).to.equal('/staff/password');
    await agent.get('/staff').expect(303).expect('Location', '/staff/password');
    const api = browserAgent(ctx);
    await api.post('/api/staff/login').send({ username: 'changer', password: PASSWORD }).expect(200);
    expect(bodyOf<StaffBody>(await api.get('/api/staff/me').expect(200)).staff.mustChangePassword).to.equal(true);
    expect((await agent.get('/staff/password').expect(200)).text).to.contain('临时密码');

    const res = await change(agent, { current: PASSWORD, password: 'my-own-secret-2026' }, 303);
    expect(res.headers.location).to.equal('/staff');
    expect(sessionCookie(res)).to.match(/^pasm_staff=[A-Za-z0-9_-]{43}$/);
    // The other browser and the API session knew the old password: both are signed out.
    await other.get('/staff/password').expect(303).expect('Location', /\/staff\/login/);
    await api.get('/api/staff/me').expect(401);
    // This browser carries on with its new session, no longer held at the password page.
    const home = await agent.get('/staff/password').expect(200);
    expect(home.text).to.not.contain('临时密码');
    const row = await defineStaffModels(ctx.services.db).Staff.findOne({ where: { username: 'changer' } });
    expect(row?.mustChangePassword).to.equal(false);
    await request(ctx.callback).post('/api/staff/login').send({ username: 'changer', password: PASSWORD }).expect(401);
    await request(ctx.callback).post('/api/staff/login').send({ username: 'changer', password: 'my-own-secret-2026' }).expect(200);
  });

  it('counts a guess of the current password before checking it: of simultaneous guesses only the limit are checked', async () => {
    await addStaff(ctx, { username: 'borrowed', role: 'triage' });
    const agent = await formAgent(ctx, 'borrowed');
    const token = await csrfOf(agent, '/staff/password');
    const guess = (current: string) => agent.post('/staff/password').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ current, password: 'a-brand-new-password', again: 'a-brand-new-password', _csrf: token });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(`not-my-password-${i}`)));
    const statuses = answers.map((r) => r.status);
    const max = ctx.config.staff.loginMaxFailures;
    expect(statuses.filter((s) => s === 400), statuses.join()).to.have.length(max);
    expect(statuses.filter((s) => s === 429)).to.have.length(20 - max);
    // The right password after the lock is refused too, here and at sign-in (one counter).
    expect((await guess(PASSWORD).expect(429)).text).to.contain('输错次数过多');
    await request(ctx.callback).post('/api/staff/login').send({ username: 'borrowed', password: PASSWORD }).expect(429);
  });

  it('shows the success message once, on the next page', async () => {
    await addStaff(ctx, { username: 'flash', role: 'editor' });
    const agent = await formAgent(ctx, 'flash');
    await change(agent, { current: PASSWORD, password: 'another-secret-77' }, 303);
    // The start page sends an editor on to the articles, which show the message (kept through the redirect).
    expect((await agent.get('/staff').redirects(1).expect(200)).text).to.contain('密码已修改');
    expect((await agent.get('/staff').redirects(1).expect(200)).text).to.not.contain('密码已修改');
  });
});

describe('staff: account pages are for admins only', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  it('refuses other roles the list, the form and the actions', async () => {
    const target = await addStaff(ctx, { username: 'target', role: 'triage' });
    await addStaff(ctx, { username: 'boss', role: 'supervisor' });
    const agent = await formAgent(ctx, 'boss');
    const page = await agent.get('/staff/accounts').expect(403);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.contain('只有系统管理员可以管理账号');
    await agent.get('/staff/accounts/new').expect(403);
    const token = await csrfOf(agent, '/staff/password');
    await agent.post(`/staff/accounts/${target.id}/disable`).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: token }).expect(403);
    const row = await defineStaffModels(ctx.services.db).Staff.findByPk(target.id);
    expect(row?.active).to.equal(true);
  });

  it('lets an admin neither disable nor reset themself, and keeps the form input on a refusal', async () => {
    const me = await addStaff(ctx, { username: 'root', role: 'admin' });
    const agent = await formAgent(ctx, 'root');
    const token = await csrfOf(agent, '/staff/accounts');
    const post = (path: string, fields: Record<string, string> = {}) =>
      agent.post(path).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: token, ...fields });
    expect((await post(`/staff/accounts/${me.id}/disable`).expect(400)).text).to.contain('不能停用自己的账号');
    await post(`/staff/accounts/${me.id}/reset-password`).expect(400);
    const bad = await post('/staff/accounts', { username: 'wangwu', displayName: '王五', role: 'county', countyCode: '' }).expect(400);
    expect(bad.text).to.contain('县级人员须指定县');
    expect(bad.text).to.contain('value="wangwu"').and.contain('value="王五"');
    await post('/staff/accounts/999999/enable').expect(404);
  });
});
