// The line at the top of every console page: red tips waiting for city staff, and new assignments
// not yet opened for the unit they were handed to; each links to the queue.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission } from '../tips/helpers.js';

describe('console: what needs attention', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  it('tells triage of red tips waiting and the county of a new assignment until it is opened', async () => {
    const desk = ctx.services.tips.desk;
    const { code } = await desk.submit(submission({ danger: true, description: '有人拿刀在街上追人' }));
    const { agent: triage } = await staffAgent(ctx, { username: 'clerk-t', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'sanyuan-t', role: 'county', countyCode: '350404' });

    const first = await triage.get('/staff/queue').expect(200);
    expect(first.text).to.contain('有 1 件红色事项等待领取').and.contain('href="/staff/queue?colour=red&amp;state=received"');
    expect((await county.get('/staff/queue').expect(200)).text).to.not.contain('新交办');

    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    expect((await triage.get('/staff/queue').expect(200)).text).to.not.contain('红色事项等待领取');
    expect((await county.get('/staff/queue').expect(200)).text).to.contain('有 1 件新交办给您单位的事项还没有查看');
    // Opening it is the 查收: the reminder goes.
    await county.get(`/staff/tips/${code}`).expect(200);
    expect((await county.get('/staff/queue').expect(200)).text).to.not.contain('新交办');
  });
});
