// With a Secure session cookie (production: STAFF_COOKIE_SECURE=true), a login that did not come
// over HTTPS is refused before any session is made: a clear code, never a 500, no orphan row.
import { expect } from 'chai';
import request from 'supertest';
import type { TestContext } from '../support/harness.js';
import { addStaff, context, PASSWORD } from '../tips/helpers.js';
import { errorOf } from '../support/api.js';

async function sessionRows(ctx: TestContext): Promise<number> {
  const [row] = await ctx.services.db.sequelize.query('SELECT COUNT(*) AS n FROM staff_sessions', { type: 'SELECT' }) as Array<{ n: number | string }>;
  return Number(row!.n);
}

describe('staff login with a Secure cookie (staff.cookieSecure)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await context({ staff: { cookieSecure: true } });
    await addStaff(ctx, { username: 'triage1', role: 'triage' });
  });
  afterEach(async () => { await ctx.close(); });

  it('refuses a login over plain HTTP with 403 SECURE_COOKIE_OVER_HTTP and leaves no session row', async () => {
    const before = await sessionRows(ctx);
    const res = await request(ctx.callback).post('/api/staff/login').send({ username: 'triage1', password: PASSWORD });
    expect(await sessionRows(ctx)).to.equal(before);
    expect(res.status).to.equal(403);
    expect(errorOf(res).code).to.equal('SECURE_COOKIE_OVER_HTTP');
    expect(errorOf(res).message).to.contain('STAFF_COOKIE_SECURE').and.contain('HTTPS');
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('refuses a logout over plain HTTP the same way, before revoking anything', async () => {
    const res = await request(ctx.callback).post('/api/staff/logout').send({}).expect(403);
    expect(errorOf(res).code).to.equal('SECURE_COOKIE_OVER_HTTP');
  });

  it('signs in with a Secure cookie over HTTPS behind a trusted proxy (X-Forwarded-Proto)', async () => {
    // Trust the proxy header explicitly: this test is about the cookie, not the proxy setting.
    ctx.services.app.koa.proxy = true;
    const before = await sessionRows(ctx);
    const res = await request(ctx.callback).post('/api/staff/login').set('X-Forwarded-Proto', 'https')
      .send({ username: 'triage1', password: PASSWORD }).expect(200);
    // __Host-: only this host sets it, Secure and for the whole site, so no sibling host can plant one.
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).to.match(/^__Host-pasm_staff=[^;]+;/).and.match(/path=\//i).and.match(/secure/i).and.not.match(/domain=/i);
    expect(await sessionRows(ctx)).to.equal(before + 1);
    const token = /__Host-pasm_staff=([^;]+)/.exec(setCookie)![1]!;
    const me = (cookie: string) => request(ctx.callback).get('/api/staff/me').set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
    await me(`__Host-pasm_staff=${token}`).expect(200);
    // The unprefixed name, as another host of the domain could set it, opens nothing.
    await me(`pasm_staff=${token}`).expect(401);
  });
});
