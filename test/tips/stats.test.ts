import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, type TipStats } from '../support/api.js';
import { context, staffAgent, submission } from './helpers.js';

describe(`GET /api/staff/stats (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  it('counts by state, colour, category and county, with overdue, due soon and averages', async () => {
    const desk = ctx.services.tips.desk;
    const red = await desk.submit(submission({ danger: true, description: '有人持刀威胁' }));
    await desk.submit(submission({ category: 'fraud', description: '接到冒充公检法电话' }));
    await desk.submit(submission({ place: { countyCode: '350481' }, description: '路灯坏了' }));
    const triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
    await triage.post('/api/staff/tips/claim-next').expect(200);
    await triage.post(`/api/staff/tips/${red.code}/assign`).send({ unitKey: 'police' }).expect(200);
    // One tip whose clock has run out.
    await ctx.services.db.sequelize.query("UPDATE tips SET due_at = ? WHERE state = 'received' AND category = 'fraud'", { replacements: [new Date(Date.now() - 3_600_000)] });

    const supervisor = (await staffAgent(ctx, { username: 'duban', role: 'supervisor' })).agent;
    const stats = bodyOf<TipStats>(await supervisor.get('/api/staff/stats').expect(200));
    expect(stats.total).to.equal(3);
    expect(stats.byState).to.deep.equal({ received: 2, assigned: 1 });
    expect(stats.byColour).to.include({ red: 1 });
    expect(stats.byCategory).to.deep.equal({ dispute: 2, fraud: 1 });
    expect(stats.byCounty).to.deep.equal({ '350404': 2, '350481': 1 });
    expect(stats.overdue).to.equal(1);
    expect(stats.dueSoon).to.be.a('number');
    expect(stats.avgHoursToAssign).to.be.a('number').and.to.be.at.least(0);
    expect(stats.avgHoursToConclude).to.equal(null);

    await triage.get('/api/staff/stats').expect(403);
  });
});
