// The line at the top of every console page: red tips waiting for city staff, new assignments
// not yet opened for the unit they were handed to, and what citizens added (补充) to the tips one
// handles since they were last opened; each links to the queue.
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

  it('tells whoever handles a tip that the citizen added to it, until they open it: the claimer, then the unit', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission({ description: '小区门口的井盖丢了好几天了' });
    const { code } = await desk.submit(sub);
    const { agent: triage } = await staffAgent(ctx, { username: 'clerk-a', role: 'triage' });
    const { agent: other } = await staffAgent(ctx, { username: 'clerk-b', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'sanyuan-a', role: 'county', countyCode: '350404' });
    const ADDED = '群众又补充了内容';
    const add = (key: string) => desk.addToTip(sub.citizen, code, { messageKey: key, text: '井盖边上已经有人崴了脚', danger: false });

    await triage.post(`/api/staff/tips/${code}/claim`).expect(200);
    await add('a-1');
    const claimer = (await triage.get('/staff/queue').expect(200)).text;
    expect(claimer).to.contain(`有 1 件您办理的事项，${ADDED}`).and.contain('href="/staff/queue?added=1"');
    expect((await other.get('/staff/queue').expect(200)).text, 'not the claimer\'s colleague').to.not.contain(ADDED);
    // The queue link lists it, marked; another member opening it does not count as seen.
    const listed = (await triage.get('/staff/queue?added=1').expect(200)).text;
    expect(listed).to.contain(code).and.contain('新补充').and.contain('群众新补充了内容');
    await other.get(`/staff/tips/${code}`).expect(200);
    expect((await triage.get('/staff/queue').expect(200)).text).to.contain(ADDED);
    await triage.get(`/staff/tips/${code}`).expect(200);
    expect((await triage.get('/staff/queue').expect(200)).text).to.not.contain(ADDED);
    expect((await triage.get('/staff/queue?added=1').expect(200)).text).to.not.contain(`/staff/tips/${code}"`);

    // Assigned: the unit handles it now.
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await county.get(`/staff/tips/${code}`).expect(200);
    await add('a-2');
    expect((await triage.get('/staff/queue').expect(200)).text).to.not.contain(ADDED);
    expect((await county.get('/staff/queue').expect(200)).text).to.contain(`有 1 件您办理的事项，${ADDED}`);
    const api = await county.get('/api/staff/tips?added=1').expect(200);
    expect((api.body as { items: Array<{ code: string; additionsUnseenAt: string | null }> }).items.map((t) => t.code)).to.deep.equal([code]);
    await county.get(`/staff/tips/${code}`).expect(200);
    expect((await county.get('/staff/queue').expect(200)).text).to.not.contain(ADDED);
  });
});
