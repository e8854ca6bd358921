import { expect } from 'chai';
import { sqlDate } from '../../src/db/index.js';
import { createTipRepository } from '../../src/tips/repository.js';
import { annualStats, countyNames, dashboardStats, shanghaiYear, weekStart, yearRange } from '../../src/tips/stats.js';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { addStaff, context, submission } from './helpers.js';

describe(`dashboard and annual statistics (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  const set = async (code: string, column: string, at: Date | null) => {
    // Column names are constants of this test; values go as replacements.
    await ctx.services.db.sequelize.query(`UPDATE tips SET ${column} = ? WHERE code = ?`, {
      replacements: [at ? sqlDate(ctx.services.db.dialect, at) : null, code],
    });
  };

  it('weeks start on Monday, Beijing time', () => {
    // 2026-03-09 is a Monday; 00:30 Beijing is still Sunday 16:30 UTC.
    expect(weekStart(new Date('2026-03-08T16:30:00Z')).toISOString()).to.equal('2026-03-08T16:00:00.000Z');
    expect(weekStart(new Date('2026-03-08T15:59:59Z')).toISOString()).to.equal('2026-03-01T16:00:00.000Z');
    expect(weekStart(new Date('2026-03-08T16:30:00Z'), 1).toISOString()).to.equal('2026-03-01T16:00:00.000Z');
    expect(yearRange(2026).start.toISOString()).to.equal('2025-12-31T16:00:00.000Z');
    expect(shanghaiYear(new Date('2025-12-31T16:00:00Z'))).to.equal(2026);
  });

  it('counts new and finished per week, ratings, and the annual on-time figures', async () => {
    const desk = ctx.services.tips.desk;
    const now = new Date();
    const a = await desk.submit(submission({ category: 'suggestion', description: '建议路口加装红绿灯' }));
    const b = await desk.submit(submission({ category: 'dispute' }));
    const c = await desk.submit(submission({ category: 'fraud', place: { countyCode: '350481', townshipCode: '350481001', text: '燕东街道' } }));
    // b: received last week, answered this week after its deadline, rated basically satisfied.
    const lastWeek = new Date(weekStart(now).getTime() - 3_600_000);
    await set(b.code, 'created_at', lastWeek);
    await ctx.services.db.sequelize.query("UPDATE tips SET state = 'answered', rating = 'basically_satisfied' WHERE code = ?", { replacements: [b.code] });
    await set(b.code, 'answered_at', now);
    await set(b.code, 'rated_at', now);
    await set(b.code, 'conclude_by', new Date(now.getTime() - 60_000));
    // c: handled in 永安市 although it happened there too; a: unsatisfied rating on an answered tip.
    await ctx.services.db.sequelize.query("UPDATE tips SET state = 'closed', rating = 'unsatisfied', handler_county_code = '350481' WHERE code = ?", { replacements: [c.code] });
    await set(c.code, 'concluded_at', now);
    await set(c.code, 'answered_at', now);
    await set(c.code, 'rated_at', now);

    const repo = createTipRepository(ctx.services.db);
    const supervisor = await addStaff(ctx, { username: 'duban', role: 'supervisor' });
    const s = await dashboardStats(ctx.services.db, repo, supervisor, now);
    expect(s.weeks).to.have.length(12);
    const thisWeek = s.weeks[11]!;
    const previous = s.weeks[10]!;
    expect(thisWeek).to.include({ received: 2, finished: 2 });
    expect(previous).to.include({ received: 1, finished: 0 });
    expect(s.ratings).to.deep.equal({ rated: 2, satisfied: 0, basicallySatisfied: 1, unsatisfied: 1, rate: 0.5 });
    // Counted once in 永安市 (place and handler agree) and not in 三元区.
    expect(s.byCountyQueue).to.include({ '350481': 1, '350404': 2 });
    expect(s.total).to.equal(3);

    const year = shanghaiYear(now);
    const annual = await annualStats(ctx.services.db, repo, supervisor, year, now);
    expect(annual.finished).to.equal(2);
    expect(annual.late).to.equal(1);
    expect(annual.onTime).to.equal(1);
    expect(annual.byLegalType.suggestion).to.equal(1);
    expect(annual.ratings.rated).to.equal(2);
    expect(a.code).to.be.a('string');
    expect((await annualStats(ctx.services.db, repo, supervisor, 2001, now)).received).to.equal(0);

    const names = await countyNames(repo);
    expect(names).to.have.length(11);
    expect(names.find((n) => n.code === '350481')?.name).to.equal('永安市');

    const county = await addStaff(ctx, { username: 'yongan', role: 'county', countyCode: '350481' });
    let refused: unknown;
    try { await annualStats(ctx.services.db, repo, county, year, now); } catch (err) { refused = err; }
    expect((refused as { code?: string }).code).to.equal('FORBIDDEN');
  });
});
