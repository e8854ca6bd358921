// Every answer of the staff API is for one signed-in member: `Cache-Control: no-store`, set once
// where the app mounts its routers (src/app.ts), so no browser or proxy keeps a revealed identity.
import { expect } from 'chai';
import request from 'supertest';
import { bodyOf, REVEAL_REASON } from '../support/api.js';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission, type Agent } from '../tips/helpers.js';

describe('staff API answers are never stored (Cache-Control: no-store)', () => {
  let ctx: TestContext;
  let admin: Agent;
  before(async () => {
    ctx = await context();
    admin = (await staffAgent(ctx, { username: 'boss', role: 'admin' })).agent;
  });
  after(async () => { await ctx.close(); });

  it('the identity reveal, the other reads and the refusals, under any spelling of the path', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission());
    const reveal = await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200);
    expect(JSON.stringify(bodyOf<unknown>(reveal))).to.contain('13912345678');
    expect(reveal.headers['cache-control']).to.equal('no-store');
    for (const path of ['/api/staff/me', '/api/staff/tips', '/api/staff/articles', '/api/staff/alerts', '/API/Staff/me', '/api/staff/me/']) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
    for (const [path, status] of [['/api/staff/tips', 401], ['/api/staff/no-such-thing', 404]] as const) {
      const res = await request(ctx.callback).get(path).expect(status);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
    // Public answers keep their own caching.
    const open = await request(ctx.callback).get('/api/articles').expect(200);
    expect(open.headers['cache-control']).to.equal('public, max-age=300');
  });
});
