// The answer's notice asks the citizen to rate it (Art 21). Staff closing the tip before the
// citizen did does not take the rating away within the review window; once is still once.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { sqlDate } from '../../src/db/index.js';
import { context, staffAgent, submission } from './helpers.js';

const SINCE = 'SELECT type FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id';

describe(`rating a tip staff closed before the citizen rated it (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('is taken once within the review window, and the tip stays closed', async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const { agent } = await staffAgent(ctx, { username: 'close-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(200);
    // Answered: 复查 may be asked at once, without a rating first (the bot asks canRequestReview).
    expect(await desk.getMine(sub.citizen, code)).to.include({ canRate: true, canRequestReview: true });
    await agent.post(`/api/staff/tips/${code}/close`).send({}).expect(200);
    // Closed before the citizen rated it: the bot still offers the rating.
    expect(await desk.getMine(sub.citizen, code)).to.include({ state: 'closed', canRate: true, canRequestReview: true });

    const view = await desk.rate(sub.citizen, code, 'basically_satisfied');
    expect(view).to.include({ canRate: false, canRequestReview: false });
    expect(view).to.include({ state: 'closed', rating: 'basically_satisfied' });
    const events = (await ctx.services.db.sequelize.query(SINCE, { replacements: [code], type: 'SELECT' }) as Array<{ type: string }>).map((e) => e.type);
    expect(events.slice(-2)).to.deep.equal(['close', 'rated']);
    let again: unknown;
    try { await desk.rate(sub.citizen, code, 'satisfied'); } catch (err) { again = err; }
    expect(again).to.have.property('code', 'TIP_CANNOT_RATE');
  });

  it('is refused once the review window has passed', async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const { agent } = await staffAgent(ctx, { username: 'late-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(200);
    await ctx.services.tips.sweep(new Date(Date.now() + 40 * 86_400_000));
    // The sweep closed it 40 days on; move the answer back as far, as the clock would have.
    // (answer_public_at too: the window counts from when the answer reached the citizen.)
    const answeredAt = sqlDate(ctx.services.db.dialect, new Date(Date.now() - 40 * 86_400_000));
    await ctx.services.db.sequelize.query('UPDATE tips SET answered_at = ?, answer_public_at = ? WHERE code = ?', {
      replacements: [answeredAt, answeredAt, code],
    });
    expect(await desk.getMine(sub.citizen, code)).to.include({ canRate: false });
    let refused: unknown;
    try { await desk.rate(sub.citizen, code, 'satisfied'); } catch (err) { refused = err; }
    expect(refused).to.have.property('code', 'TIP_CANNOT_RATE');
  });
});
