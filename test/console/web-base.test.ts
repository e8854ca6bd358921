// The web base over real HTTP: CSRF tokens on forms, the console's safe redirects, hashed assets,
// and the one error format for routes that do not exist.
import { expect } from 'chai';
import request from 'supertest';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security.js';
import { safeReturnPath } from '../../src/staff/pages/guard.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, context, PASSWORD } from '../tips/helpers.js';
import { errorOf } from '../support/api.js';

/** The login page's CSRF token and the cookie it is bound to. */
async function loginForm(ctx: TestContext): Promise<{ token: string; cookie: string }> {
  const res = await request(ctx.callback).get('/staff/login').expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  const cookie = (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('pasm_csrf='))?.split(';')[0];
  if (!token || !cookie) throw new Error('no CSRF token on the login page');
  return { token, cookie };
}

describe('web base', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await context();
    await addStaff(ctx, { username: 'clerk', role: 'triage' });
  });
  after(async () => { await ctx.close(); });

  const post = (path: string) => request(ctx.callback).post(path).set('Origin', ctx.config.publicOrigin).type('form');

  it('serves pages with the CSP and no-store, and assets under hashed names for a year', async () => {
    const page = await request(ctx.callback).get('/staff/login').expect(200);
    expect(page.headers['content-security-policy']).to.equal(CONTENT_SECURITY_POLICY);
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(page.text).to.not.match(/<script>[^<]/);
    const css = /href="(\/assets\/app\.[0-9a-f]{10}\.css)"/.exec(page.text)?.[1];
    expect(css).to.be.a('string');
    const asset = await request(ctx.callback).get(css!).expect(200);
    expect(asset.headers['cache-control']).to.contain('immutable');
    await request(ctx.callback).get(css!).set('If-None-Match', asset.headers.etag as string).expect(304);
    await request(ctx.callback).get('/assets/app.0000000000.css').expect(404);
  });

  it('signs in through the form with its token, and refuses the form without it or with another browser\'s', async () => {
    const { token, cookie } = await loginForm(ctx);
    const other = await loginForm(ctx);
    const noToken = await post('/staff/login').set('Cookie', cookie).send({ username: 'clerk', password: PASSWORD }).expect(403);
    expect(noToken.text).to.contain('页面已过期');
    await post('/staff/login').set('Cookie', cookie).send({ username: 'clerk', password: PASSWORD, _csrf: other.token }).expect(403);
    const ok = await post('/staff/login').set('Cookie', cookie).send({ username: 'clerk', password: PASSWORD, _csrf: token, next: '/staff/queue?colour=red' }).expect(303);
    expect(ok.headers.location).to.equal('/staff/queue?colour=red');
  });

  it('never redirects outside the console after sign-in', async () => {
    for (const bad of ['//evil.example/staff', 'https://evil.example/', '/staff//evil.example', '/\\evil.example', '/api/staff/me', '/staff/login?next=/staff']) {
      expect(safeReturnPath(bad), bad).to.equal(undefined);
    }
    expect(safeReturnPath('/staff/tips/SM1?x=1')).to.equal('/staff/tips/SM1?x=1');
    const { token, cookie } = await loginForm(ctx);
    const res = await post('/staff/login').set('Cookie', cookie).send({ username: 'clerk', password: PASSWORD, _csrf: token, next: '//evil.example/' }).expect(303);
    expect(res.headers.location).to.equal('/staff');
  });

  it('a form post from another origin is refused before its token is read', async () => {
    const { token, cookie } = await loginForm(ctx);
    const res = await request(ctx.callback).post('/staff/login').set('Origin', 'https://evil.example').type('form').set('Cookie', cookie)
      .send({ username: 'clerk', password: PASSWORD, _csrf: token }).expect(403);
    expect(res.text).to.contain('请求来源与本站不符');
  });

  it('answers unknown API routes with the JSON error format, and unknown pages with an HTML page', async () => {
    const api = await request(ctx.callback).get('/api/staff/no-such-thing').expect(404);
    expect(api.type).to.equal('application/json');
    expect(errorOf(api).code).to.equal('NOT_FOUND');
    const page = await request(ctx.callback).get('/no-such-page').set('Accept', 'text/html').expect(404);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.contain('没有这个页面');
    // Under /staff/ a stranger cannot tell a page that exists from one that does not: both ask to sign in.
    expect((await request(ctx.callback).get('/staff/no-such-page').set('Accept', 'text/html').expect(303)).headers.location).to.match(/^\/staff\/login/);
  });

  it('a page without a session redirects to sign-in with the way back', async () => {
    const res = await request(ctx.callback).get('/staff?x=1').expect(303);
    expect(res.headers.location).to.equal('/staff/login?next=%2Fstaff%3Fx%3D1');
  });
});
