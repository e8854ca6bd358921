// A held answer with a number in it, seen on the tip page without the identity reveal: the
// correction form shows it masked and says to write the masked parts out (saving the stars is
// refused: test/tips/issue17-api.test.ts).
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission } from '../tips/helpers.js';

describe('console: correcting a held answer that carries a number', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context({ tips: { answerHoldMinutes: 30 } }); });
  after(async () => { await ctx.close(); });

  it('shows the answer masked with a hint to write it out', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission());
    const { agent } = await staffAgent(ctx, { username: 'clerk-h', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer: '已请社区民警联系您，电话13812345678。' }).expect(200);
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain('id="answer-correct-masked"').and.contain('138****5678').and.not.contain('13812345678');
  });
});
