// The legal clock after the first answer, through the staff API and the citizen desk on SQLite:
// a 复查 runs on its own 30 days wherever it is handled, has no extension, and the answered tip
// is closed by the system only after the 30th day of the review window is over.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { bodyOf, errorOf, type TipBody, type TipDetail, type TipPage } from '../support/api.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';
import { sqlDate } from '../../src/db/index.js';
import { endOfShanghaiDay, shanghaiDay, startOfShanghaiDay } from '../../src/platform/beijing-time.js';

const DAY_MS = 86_400_000;

describe('tips: the clock of 复查 and auto-close', () => {
  let ctx: TestContext;
  let triage: Agent;
  let county: Agent;
  let supervisor: Agent;
  beforeEach(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
    county = (await staffAgent(ctx, { username: 'sanyuan', role: 'county', countyCode: '350404' })).agent;
    supervisor = (await staffAgent(ctx, { username: 'dubanl', role: 'supervisor' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  const setDates = async (code: string, dates: Record<string, Date>) => {
    const cols = Object.keys(dates);
    await ctx.services.db.sequelize.query(`UPDATE tips SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE code = ?`, {
      replacements: [...cols.map((c) => sqlDate(ctx.services.db.dialect, dates[c]!)), code],
    });
  };

  async function answeredByCounty() {
    const sub = submission();
    const desk = ctx.services.tips.desk;
    const { code } = await desk.submit(sub);
    await triage.post('/api/staff/tips/claim-next').expect(200);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已协调处理。' }).expect(200);
    return { sub, desk, code };
  }

  it('a 复查 handed back to the unit runs on 30 days from the request, cannot be extended, and its answer counts on time', async () => {
    const { sub, desk, code } = await answeredByCounty();
    // Accepted 58 days ago: the first handling's 60 days end in 2 days, long before the review's.
    await setDates(code, { created_at: new Date(Date.now() - 59 * DAY_MS), accepted_at: new Date(Date.now() - 58 * DAY_MS) });
    await desk.requestReview(sub.citizen, code, '问题仍未解决');
    const reviewBy = endOfShanghaiDay(shanghaiDay(new Date()) + 30).toISOString();

    const reassigned = bodyOf<TipBody>(await supervisor.post(`/api/staff/tips/${code}/assign`)
      .send({ countyCode: '350404', reason: '复查交原单位办理' }).expect(200)).tip;
    expect(reassigned).to.include({ state: 'assigned', dueAt: reviewBy, concludeBy: reviewBy, overdue: false });
    const started = bodyOf<TipBody>(await county.post(`/api/staff/tips/${code}/start`).expect(200)).tip;
    expect(started).to.include({ state: 'in_progress', dueAt: reviewBy });

    const extend = await county.post(`/api/staff/tips/${code}/extend`).send({ days: 10, reason: '需要调查' }).expect(409);
    expect(errorOf(extend).code).to.equal('TIP_ILLEGAL_TRANSITION');
    expect(errorOf(extend).message).to.include('不能延期');

    // Answered 3 days after the first handling's deadline, well inside the review's 30 days.
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '复查：已督促整改。' }).expect(200);
    await setDates(code, { answered_at: new Date(Date.now() + 3 * DAY_MS), answer_public_at: new Date(Date.now() + 3 * DAY_MS) });
    const late = bodyOf<TipPage>(await supervisor.get('/api/staff/tips?finished=late').expect(200));
    expect(late.items.map((t) => t.code)).not.to.include(code);
    const onTime = bodyOf<TipPage>(await supervisor.get('/api/staff/tips?finished=ontime').expect(200));
    expect(onTime.items.map((t) => t.code)).to.include(code);
  });

  it('复查 may be asked until the 30th day after the answer reached the citizen, counted from its release after the hold', async () => {
    const { sub, desk, code } = await answeredByCounty();
    // Written at 23:59 Beijing 31 days ago, released at 00:01 the next day (the correction hold).
    const written = new Date(startOfShanghaiDay(shanghaiDay(new Date()) - 30).getTime() - 60_000);
    await setDates(code, { answered_at: written, answer_public_at: new Date(written.getTime() + 120_000) });
    await desk.rate(sub.citizen, code, 'unsatisfied');
    const detail = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
    expect(detail.tip.state).to.equal('answered');
    await desk.requestReview(sub.citizen, code, '处理结果我不认可');
    expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).tip.state).to.equal('reopened');
  });

  it('auto-close waits until the 30th day after the answer reached the citizen is over', async () => {
    const today = shanghaiDay(new Date());
    // Answered at 00:01 Beijing 30 days ago: 复查 is open to the end of today.
    const early = await answeredByCounty();
    const at = new Date(startOfShanghaiDay(today - 30).getTime() + 60_000);
    await setDates(early.code, { answered_at: at, answer_public_at: at });
    // Answered at 23:59 the day before, reaching the citizen after the hold at 00:01: the same window.
    const held = await answeredByCounty();
    await setDates(held.code, {
      answered_at: new Date(startOfShanghaiDay(today - 30).getTime() - 60_000),
      answer_public_at: new Date(startOfShanghaiDay(today - 30).getTime() + 60_000),
    });

    const lastMinute = new Date(endOfShanghaiDay(today).getTime() - 60_000);
    expect((await ctx.services.tips.sweep(lastMinute)).autoClosed).to.deep.equal([]);
    expect((await early.desk.getMine(early.sub.citizen, early.code))!.state).to.equal('answered');

    const nextDay = new Date(startOfShanghaiDay(today + 1).getTime() + 1000);
    expect((await ctx.services.tips.sweep(nextDay)).autoClosed).to.have.members([early.code, held.code]);
  });

  it('the objection window of an assignment on 2026-12-30 skips 元旦 2027 (past the holiday table)', async () => {
    const { code } = await answeredByCounty();
    await setDates(code, { assigned_at: new Date('2026-12-30T10:00:00+08:00') });
    const detail = bodyOf<TipDetail>(await supervisor.get(`/api/staff/tips/${code}`).expect(200));
    // Thu 12-31 1, [Fri 01-01 元旦, weekend], Mon 01-04 2, Tue 3, Wed 4, Thu 01-07 5.
    expect(detail.objectionUntil).to.equal(new Date('2027-01-07T23:59:59.999+08:00').toISOString());
  });
});
