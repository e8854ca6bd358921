// The notices of one tip reach the citizen in the order they were written: a later change is not
// pushed ahead of an earlier one that still waits (an answer inside its correction hold, a push
// WeChat refused), through the staff API and the fake WeChat API.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const CUSTOM_SEND = '/cgi-bin/message/custom/send';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The texts of the customer-service messages WeChat accepted for this citizen, in order. */
function customTexts(ctx: TestContext, openid: string, since = 0): string[] {
  return ctx.fakeWechat.calls
    .slice(since)
    .filter((c) => c.path === CUSTOM_SEND && (c.body as { touser?: string }).touser === openid)
    .map((c) => (c.body as { text?: { content: string } }).text?.content ?? '');
}

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe(`citizen notices keep their order (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('a close given while the answer is in its correction hold reaches the citizen after the answer', async () => {
    ctx = await context({ tips: { answerHoldMinutes: 0.02 } });
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.touch(sub.citizen, new Date());
    const { agent } = await staffAgent(ctx, { username: 'order-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer: '已协调施工方晚上十点后停工。' }).expect(200);
    await agent.post(`/api/staff/tips/${code}/close`).send({}).expect(200);
    await ctx.services.tips.idle();
    expect(customTexts(ctx, sub.citizen.id), 'nothing before the answer is public').to.deep.equal([]);
    await until(() => customTexts(ctx!, sub.citizen.id).length >= 2, 'both notices');
    const [first, second] = customTexts(ctx, sub.citizen.id);
    expect(first).to.include('已答复').and.include('已协调施工方晚上十点后停工。');
    expect(second).to.include('已办结');
  });

  it('a push WeChat refused goes before the next change of the same tip, and is not shown again', async () => {
    ctx = await context();
    const sub = submission();
    const desk = ctx.services.tips.desk;
    const { code } = await desk.submit(sub);
    await desk.touch(sub.citizen, new Date());
    const { agent: triage } = await staffAgent(ctx, { username: 'order-t2', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'order-c2', role: 'county', countyCode: '350404' });
    ctx.fakeWechat.failNext(CUSTOM_SEND, -1);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await ctx.services.tips.idle();
    const refused = ctx.fakeWechat.calls.length;
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已责令整改。' }).expect(200);
    await ctx.services.tips.idle();
    const sent = customTexts(ctx, sub.citizen.id, refused);
    expect(sent).to.have.length(2);
    expect(sent[0]).to.include('已登记受理').and.include('三元区');
    expect(sent[1]).to.include('已答复');
    expect(await showNotices(desk, sub.citizen)).to.deep.equal([]);
  });
});
