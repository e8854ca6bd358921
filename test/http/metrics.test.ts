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

  it('refuses a short or spaced METRICS_TOKEN at boot, naming the key', async () => {
    for (const bad of ['short', 'has a space in it, long enough']) {
      let message = '';
      try { await loadConfig({ metricsToken: bad }); } catch (err) { message = (err as Error).message; }
      expect(message).to.contain('metricsToken').and.contain('METRICS_TOKEN');
    }
  });
});
