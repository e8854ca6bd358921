// A tip staff closed before the citizen rated it: what the citizen's view offers (canRate, which
// the bot asks) and what rating accepts are the same window, counted from when the answer reached
// the citizen (answer_public_at), and the rating stays open after 复核 as the answer asked for it.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { sqlDate } from '../../src/db/index.js';
import { context, staffAgent, submission } from './helpers.js';

const DAY = 86_400_000;

describe(`rating a closed tip: view and desk agree (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  async function closedTip(name: string) {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const { agent } = await staffAgent(ctx, { username: name, role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(200);
    await agent.post(`/api/staff/tips/${code}/close`).send({}).expect(200);
    return { desk, sub, code };
  }

  it('after 复核 the closed tip is still offered for rating and rated, without a review', async () => {
    const { desk, sub, code } = await closedTip('rw-last');
    await ctx!.services.db.sequelize.query('UPDATE tips SET review_count = 2 WHERE code = ?', { replacements: [code] });
    expect(await desk.getMine(sub.citizen, code)).to.include({ canRate: true, canRequestReview: false });
    expect(await desk.rate(sub.citizen, code, 'satisfied')).to.include({ rating: 'satisfied', state: 'closed' });
  });

  it('the window counts from when the answer reached the citizen, for the offer and the rating alike', async () => {
    const { desk, sub, code } = await closedTip('rw-public');
    // Answered at 23:50 Beijing 31 days ago, made public at 00:10 the next day (30 days ago).
    const todayBeijing = Math.floor((Date.now() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
    const answeredAt = new Date(todayBeijing - 30 * DAY - 10 * 60_000);
    const publicAt = new Date(todayBeijing - 30 * DAY + 10 * 60_000);
    const d = ctx!.services.db.dialect;
    await ctx!.services.db.sequelize.query('UPDATE tips SET answered_at = ?, answer_public_at = ? WHERE code = ?', {
      replacements: [sqlDate(d, answeredAt), sqlDate(d, publicAt), code],
    });
    expect(await desk.getMine(sub.citizen, code)).to.include({ canRate: true });
    expect(await desk.rate(sub.citizen, code, 'basically_satisfied')).to.include({ rating: 'basically_satisfied' });
  });
});
