// /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; with no token configured it is not served.
// /healthz stays public.
import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { loadConfig } from '../../src/config/index.js';
import { errorOf } from '../support/api.js';

describe('/metrics: bearer token (METRICS_TOKEN)', () => {
  describe('with a token configured', () => {
    let ctx: TestContext;
    const token = 'scrape-token-0123456789abcdef';
    before(async () => { ctx = await createTestContext({ metricsToken: token }); });
    after(async () => { await ctx.close(); });

    it('serves the metrics to the right bearer token', async () => {
      const res = await request(ctx.callback).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      expect(res.text).to.contain('http_requests_total');
    });

    it('accepts the scheme in any case', async () => {
      await request(ctx.callback).get('/metrics').set('Authorization', `bearer ${token}`).expect(200);
    });

    const refused: Array<[string, string | undefined]> = [
      ['no Authorization header', undefined],
      ['an empty bearer', 'Bearer '],
      ['a wrong token', 'Bearer scrape-token-0123456789abcdeX'],
      ['a prefix of the token', `Bearer ${token.slice(0, -1)}`],
      ['the token with more after it', `Bearer ${token}x`],
      ['another scheme', `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`],
      ['the token without a scheme', token],
    ];
    for (const [what, header] of refused) {
      it(`refuses ${what} with 401 METRICS_UNAUTHENTICATED`, async () => {
        const req = request(ctx.callback).get('/metrics');
        if (header !== undefined) req.set('Authorization', header);
        const res = await req.expect(401);
        expect(errorOf(res).code).to.equal('METRICS_UNAUTHENTICATED');
        expect(res.headers['www-authenticate']).to.match(/^Bearer/);
        expect(res.text).not.to.contain('http_requests_total');
      });
    }

    it('keeps /healthz public', async () => {
      const res = await request(ctx.callback).get('/healthz').expect(200);
      expect(res.body).to.deep.equal({ status: 'ok', database: 'ok' });
    });
  });

  describe('with no token configured (METRICS_TOKEN unset)', () => {
    let ctx: TestContext;
    before(async () => { ctx = await createTestContext({ metricsToken: '' }); });
    after(async () => { await ctx.close(); });

    it('does not serve /metrics at all: 404, whatever the header', async () => {
      await request(ctx.callback).get('/metrics').expect(404);
      const res = await request(ctx.callback).get('/metrics').set('Authorization', 'Bearer ').expect(404);
      expect(res.text).not.to.contain('http_requests_total');
    });

    it('keeps /healthz public', async () => {
      await request(ctx.callback).get('/healthz').expect(200);
    });
  });

  describe('labels: a fixed name for every answer, never the path', () => {
    let ctx: TestContext;
    const token = 'scrape-token-0123456789abcdef';
    const lines: string[] = [];
    before(async () => {
      ctx = await createTestContext({ metricsToken: token }, { logLevel: 'info', logSink: { write: (line) => { lines.push(line); } } });
    });
    after(async () => { await ctx.close(); });

    it('answers no route made (OPTIONS, 405, 501, 404) are "unmatched" in the metrics and the access line; assets are "assets"', async () => {
      const marks: string[] = [];
      const mark = () => {
        const m = `zz${Math.random().toString(36).slice(2, 10)}`;
        marks.push(m);
        return m;
      };
      const json = (r: request.Test) => r.set('Content-Type', 'application/json');
      for (let i = 0; i < 20; i += 1) {
        await request(ctx.callback).options(`/articles/${mark()}`).expect(200);
        await json(request(ctx.callback).put(`/articles/${mark()}`)).expect(405);
        await json(request(ctx.callback).delete(`/api/staff/tips/${mark()}`)).expect(405);
        await json(request(ctx.callback).propfind(`/articles/${mark()}`)).expect(501);
        await request(ctx.callback).get(`/${mark()}`).expect(404);
      }
      const page = await request(ctx.callback).get('/staff/login').expect(200);
      const css = /href="(\/assets\/[^"]+\.css)"/.exec(page.text)?.[1];
      expect(css).to.be.a('string');
      await request(ctx.callback).get(css!).expect(200);

      const metrics = (await request(ctx.callback).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200)).text;
      const access = lines.filter((l) => l.includes('"msg":"request"'));
      expect(access.length).to.be.at.least(marks.length);
      for (const m of marks) {
        expect(metrics, m).not.to.contain(m);
        expect(access.join('\n'), m).not.to.contain(m);
      }
      expect(metrics).not.to.contain(css!);
      expect(metrics).to.match(/http_requests_total\{method="OPTIONS",route="unmatched",status="200"\} 20/);
      expect(metrics).to.match(/http_requests_total\{method="PUT",route="unmatched",status="405"\} 20/);
      expect(metrics).to.match(/http_requests_total\{method="GET",route="assets",status="200"\} 1/);
    });
  });

  it('refuses a short or spaced METRICS_TOKEN at boot, naming the key', async () => {
    for (const bad of ['short', 'has a space in it, long enough']) {
      let message = '';
      try { await loadConfig({ metricsToken: bad }); } catch (err) { message = (err as Error).message; }
      expect(message).to.contain('metricsToken').and.contain('METRICS_TOKEN');
    }
  });
});
