// Issue 17's API behaviours: the units list (so a unit's code can be found), the citizen's status
// words along the 信访 steps with their dates, and the answer's correction hold.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, errorOf, type TipBody, type TipDetail } from '../support/api.js';
import type { UnitListItem } from '../../src/tips/units.js';
import { listUnits } from '../../src/tips/units.js';
import { browserAgent, context, showNotices, staffAgent, submission, type Agent } from './helpers.js';

interface UnitsBody { units: UnitListItem[] }

const beijingMonthDay = (d: Date) => {
  const b = new Date(d.getTime() + 8 * 3_600_000);
  return `${b.getUTCMonth() + 1}月${b.getUTCDate()}日`;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`issue 17: units, citizen steps, answer hold (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  describe('GET /api/staff/units', () => {
    let triage: Agent;
    beforeEach(async () => {
      ctx = await context();
      triage = (await staffAgent(ctx, { username: 'triage-u', role: 'triage' })).agent;
    });

    it('finds 三元区 by name and gives the code the assign endpoint takes', async () => {
      const { units } = bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ q: '三元区' }).expect(200));
      expect(units.find((u) => u.kind === 'county')).to.include({ key: '350404', name: '三元区', countyCode: '350404' });
      const code = (await ctx!.services.tips.desk.submit(submission())).code;
      await triage.post(`/api/staff/tips/${code}/assign`).send({ unitKey: '350404' }).expect(200);
    });

    it('searches by key, filters by kind, names a township\'s county, and takes % and _ literally', async () => {
      const byKey = bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ q: '350404001' }).expect(200)).units;
      expect(byKey).to.have.length(1);
      expect(byKey[0]).to.include({ kind: 'township', countyCode: '350404', parentKey: '350404', parentName: '三元区' });
      const counties = bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ kind: 'county' }).expect(200)).units;
      expect(counties).to.have.length(11);
      const departments = bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ kind: 'department' }).expect(200)).units;
      expect(departments.map((u) => u.key)).to.include.members(['police', 'discipline']);
      expect(bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ q: '%' }).expect(200)).units).to.deep.equal([]);
      expect(bodyOf<UnitsBody>(await triage.get('/api/staff/units').query({ q: '_' }).expect(200)).units.map((u) => u.key))
        .to.satisfy((keys: string[]) => keys.every((k) => k.includes('_')));
      const limited = await listUnits(ctx!.services.db, { kind: 'township', limit: 5 });
      expect(limited).to.have.length(5);
      const bad = await triage.get('/api/staff/units').query({ kind: 'village' }).expect(400);
      expect(errorOf(bad).code).to.equal('VALIDATION_FAILED');
    });

    it('needs a signed-in staff member', async () => {
      await browserAgent(ctx!).get('/api/staff/units').expect(401);
    });
  });

  it('the citizen reads 已收到 → 已登记受理 → 办理中 → 已答复 → 已办结, each with its date, never 已受理 before acceptance', async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const triage = (await staffAgent(ctx, { username: 'triage-s', role: 'triage' })).agent;
    const county = (await staffAgent(ctx, { username: 'county-s', role: 'county', countyCode: '350404' })).agent;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const today = beijingMonthDay(new Date());
    const seen = async () => (await desk.getMine(sub.citizen, code))!;

    expect(await seen()).to.include({ stateLabel: '已收到' });
    await triage.post('/api/staff/tips/claim-next').expect(200);
    // Claiming is internal: the citizen still reads 已收到, not a step back to 受理中.
    expect(await seen()).to.include({ stateLabel: '已收到' });
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const assigned = await seen();
    expect(assigned).to.include({ stateLabel: '已登记受理' });
    expect(assigned.stateAt).to.be.instanceOf(Date);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    expect(await seen()).to.include({ stateLabel: '办理中' });
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已约谈施工方。' }).expect(200);
    const answered = await seen();
    expect(answered).to.include({ stateLabel: '已答复', answer: '已约谈施工方。' });
    expect(answered.steps?.map((s) => s.label)).to.deep.equal(['已收到', '已登记受理', '办理中', '已答复']);
    await ctx.services.tips.close();
    // The notices the citizen got (kept for the next message: no template, no recent message).
    const shown = await showNotices(desk, sub.citizen);
    expect(shown.join('\n')).to.include(`已登记受理（${today}）`).and.include(`已答复（${today}）`);
    expect(shown.join('\n')).to.not.include('已受理，').and.not.include('受理中').and.not.include('已有答复');
    const closed = await desk.rate(sub.citizen, code, 'satisfied');
    expect(closed).to.include({ stateLabel: '已办结' });
    expect(closed.steps?.at(-1)?.label).to.equal('已办结');
  });

  describe('answer correction hold', () => {
    it('corrected within the hold: the citizen sees nothing before it ends, then only the corrected text, once', async () => {
      // 0.05 minutes = 3 s of hold.
      ctx = await context({ tips: { answerHoldMinutes: 0.05 } });
      const desk = ctx.services.tips.desk;
      const { agent: triage } = await staffAgent(ctx, { username: 'triage-h', role: 'triage' });
      const { agent: other } = await staffAgent(ctx, { username: 'triage-h2', role: 'triage' });
      const sub = submission();
      const { code } = await desk.submit(sub);
      await desk.touch(sub.citizen, new Date()); // inside the 48-hour window: a customer-service message
      await triage.post('/api/staff/tips/claim-next').expect(200);
      const answered = bodyOf<TipBody>(await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '已转告社区处理（错字）。' }).expect(200));
      expect(answered.tip.state).to.equal('answered');
      const detail = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
      expect(detail.answerEditableUntil).to.be.a('string');
      expect(new Date(detail.answerEditableUntil!).getTime()).to.be.greaterThan(Date.now());

      // Before the hold ends the citizen sees neither the notice nor the answer.
      expect(await showNotices(desk, sub.citizen)).to.deep.equal([]);
      const during = (await desk.getMine(sub.citizen, code))!;
      expect(during).to.include({ answer: null, canRate: false });
      expect(during.stateLabel).to.not.equal('已答复');
      // Nor can they rate it or ask for a review of what they have not read.
      const rating = await desk.rate(sub.citizen, code, 'satisfied').then(() => 'rated', (err: { code?: string }) => err.code);
      expect(rating).to.equal('TIP_CANNOT_RATE');

      // Someone else may not correct it; the one who answered may.
      expect(errorOf(await other.post(`/api/staff/tips/${code}/answer/correct`).send({ answer: '别人改的。' }).expect(403)).code).to.equal('FORBIDDEN');
      // A correction started from a masked view would send the citizen the stars: refused, said why.
      const masked = errorOf(await triage.post(`/api/staff/tips/${code}/answer/correct`).send({ answer: '已请社区民警联系您（138****5678）。' }).expect(400));
      expect(masked.code).to.equal('TIP_ANSWER_MASKED');
      const corrected = await triage.post(`/api/staff/tips/${code}/answer/correct`).send({ answer: '已转告社区处理。' }).expect(200);
      expect(bodyOf<TipBody>(corrected).tip.answer).to.equal('已转告社区处理。');

      await sleep(new Date(detail.answerEditableUntil!).getTime() - Date.now() + 300);
      const custom = await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);
      expect(JSON.stringify(custom.body)).to.include('已转告社区处理。').and.not.include('错字');
      await ctx.services.tips.idle();
      const sends = ctx.fakeWechat.calls.filter((c) => c.path === '/cgi-bin/message/custom/send' && JSON.stringify(c.body).includes('已答复'));
      expect(sends).to.have.length(1);
      expect(await showNotices(desk, sub.citizen)).to.deep.equal([]);
      expect(await ctx.services.tips.sendDueNotices()).to.equal(0);
      expect((await desk.getMine(sub.citizen, code))!).to.include({ stateLabel: '已答复', answer: '已转告社区处理。' });

      // After the hold it is refused, and the detail says so.
      const late = await triage.post(`/api/staff/tips/${code}/answer/correct`).send({ answer: '再改一次。' }).expect(409);
      expect(errorOf(late).code).to.equal('TIP_ANSWER_NOT_EDITABLE');
      expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).answerEditableUntil).to.equal(null);
      const events = await ctx.services.db.sequelize.query(
        'SELECT e.type, e.note FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id', { replacements: [code], type: 'SELECT' },
      ) as Array<{ type: string; note: string | null }>;
      expect(events.map((e) => e.type).slice(-2)).to.deep.equal(['answer', 'answer_corrected']);
      expect(events.find((e) => e.type === 'answer_corrected')?.note).to.equal('已转告社区处理。');
    });

    it('a held answer whose process is gone is sent by the minute check (sendDueNotices), and shown at the next message if it cannot be pushed', async () => {
      ctx = await context({ tips: { answerHoldMinutes: 0.03 } });
      const desk = ctx.services.tips.desk;
      const { agent: triage } = await staffAgent(ctx, { username: 'triage-g', role: 'triage' });
      const sub = submission();
      const { code } = await desk.submit(sub);
      await triage.post('/api/staff/tips/claim-next').expect(200);
      const answered = bodyOf<TipBody>(await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(200));
      // The timer of the answering process is lost (as in a restart).
      await ctx.services.tips.close();
      expect((await ctx.services.tips.sendDueNotices())).to.equal(0); // not due yet
      await sleep(new Date(answered.tip.answeredAt!).getTime() + 0.03 * 60_000 - Date.now() + 300);
      expect((await ctx.services.tips.sendDueNotices())).to.equal(1);
      await ctx.services.tips.idle();
      expect((await ctx.services.tips.sendDueNotices())).to.equal(0);
      const shown = await showNotices(desk, sub.citizen);
      expect(shown).to.have.length(1);
      expect(shown[0]).to.include('已处理。');
    });

    it('with no hold (0) the answer goes at once and cannot be corrected', async () => {
      ctx = await context();
      const desk = ctx.services.tips.desk;
      const { agent: triage } = await staffAgent(ctx, { username: 'triage-z', role: 'triage' });
      const sub = submission();
      const { code } = await desk.submit(sub);
      await triage.post('/api/staff/tips/claim-next').expect(200);
      await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(200);
      expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).answerEditableUntil).to.equal(null);
      const refused = await triage.post(`/api/staff/tips/${code}/answer/correct`).send({ answer: '改。' }).expect(409);
      expect(errorOf(refused).code).to.equal('TIP_ANSWER_NOT_EDITABLE');
      expect(errorOf(refused).message).to.include('不能再更正');
      await ctx.services.tips.close();
      expect(await showNotices(desk, sub.citizen)).to.have.length(1);
    });
  });
});
