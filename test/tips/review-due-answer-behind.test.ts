// A held answer that comes due behind an earlier notice of its tip that cannot go (no 48-hour
// window, no template) waits for the citizen's next message, in order; the minute sweep
// (sendDueNotices) does not pick it up again every minute.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`a due answer behind a notice that cannot go (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('is left to the next message, where both show in order, and no longer swept', async () => {
    ctx = await context({ tips: { answerHoldMinutes: 0.02 } });
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const { agent: triage } = await staffAgent(ctx, { username: 'due-triage', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'due-county', role: 'county', countyCode: '350404' });
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已责令整改。' }).expect(200);
    await sleep(2000);
    await ctx.services.tips.idle();
    await ctx.services.tips.sendDueNotices();
    await ctx.services.tips.idle();
    expect(await ctx.services.tips.sendDueNotices()).to.equal(0);
    expect(await ctx.services.tips.sendDueNotices()).to.equal(0);
    const shown = await showNotices(desk, sub.citizen);
    expect(shown).to.have.length(2);
    expect(shown[0]).to.include('已登记受理');
    expect(shown[1]).to.include('已责令整改。');
  });
});
