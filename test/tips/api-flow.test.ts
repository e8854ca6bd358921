import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, errorOf, type ClaimBody, type TipBody, type TipDetail, type TipPage } from '../support/api.js';
import { context, showNotices, staffAgent, submission, type Agent } from './helpers.js';

const eventsOf = async (ctx: TestContext, code: string) =>
  await ctx.services.db.sequelize.query(
    'SELECT e.type, e.from_state, e.to_state, e.reason FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id',
    { replacements: [code], type: 'SELECT' },
  ) as Array<{ type: string; from_state: string | null; to_state: string | null; reason: string | null }>;

describe(`staff tip API: the life of a tip (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let triage: Agent;
  let county: Agent;
  beforeEach(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
    county = (await staffAgent(ctx, { username: 'sanyuan', role: 'county', countyCode: '350404' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  it('received → claimed → assigned → in_progress → extended → answered → rated → closed, with notices', async () => {
    const sub = submission();
    const desk = ctx.services.tips.desk;
    const { code } = await desk.submit(sub);
    await desk.touch(sub.citizen, new Date()); // inside the 48-hour window: customer-service messages

    // County staff do not see it before it is assigned to them.
    expect(bodyOf<TipPage>(await county.get('/api/staff/tips').expect(200)).total).to.equal(0);
    await county.get(`/api/staff/tips/${code}`).expect(404);

    await triage.post('/api/staff/tips/claim-next').expect(200);
    const assigned = await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    expect(bodyOf<TipBody>(assigned).tip).to.include({ state: 'assigned', unitKey: '350404', handlerCountyCode: '350404', deliveryState: 'pending' });
    const custom1 = await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);
    expect(custom1.body).to.deep.include({ touser: sub.citizen.id, msgtype: 'text' });
    expect(JSON.stringify(custom1.body)).to.include('三元区');

    const list = await county.get('/api/staff/tips').expect(200);
    expect(bodyOf<TipPage>(list).items.map((t) => t.code)).to.deep.equal([code]);
    const detail = bodyOf<TipDetail>(await county.get(`/api/staff/tips/${code}`).expect(200));
    expect(detail.tip.deliveryState).to.equal('seen');
    // The answer needs the 办理 step first: not offered, and refused with a clear code.
    expect(detail.allowedActions).to.include('start').and.not.include('answer');
    const early = await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已处理。' }).expect(409);
    expect(errorOf(early).code).to.equal('TIP_NOT_STARTED');
    expect(errorOf(early).message).to.include('开始办理');
    // The assigned unit may object within 5 working days: at least 5 calendar days later, and at
    // 23:59:59 Beijing time (15:59:59 UTC) of a working day.
    const objection = new Date(detail.objectionUntil!);
    const assignedAt = new Date(detail.events.find((e) => e.type === 'assign')!.at);
    expect(objection.getTime() - assignedAt.getTime()).to.be.greaterThan(4 * 86_400_000);
    expect(objection.toISOString()).to.match(/T15:59:59\.999Z$/);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    // One extension of at most 30 days, with a reason.
    const tooLong = await county.post(`/api/staff/tips/${code}/extend`).send({ days: 31, reason: '需要调查' }).expect(400);
    expect(errorOf(tooLong).code).to.equal('VALIDATION_FAILED');
    const ext = await county.post(`/api/staff/tips/${code}/extend`).send({ days: 20, reason: '需要现场调查' }).expect(200);
    expect(bodyOf<TipBody>(ext).tip).to.include({ state: 'extended', extensionDays: 20 });
    const again = await county.post(`/api/staff/tips/${code}/extend`).send({ days: 5, reason: '还需要时间' }).expect(409);
    expect(errorOf(again).code).to.equal('TIP_ALREADY_EXTENDED');
    await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);

    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '已约谈施工方，晚间停止施工。' }).expect(200);
    const custom3 = await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);
    expect(JSON.stringify(custom3.body)).to.include('已约谈施工方');

    const mine = await desk.getMine(sub.citizen, code);
    expect(mine).to.include({ state: 'answered', canRate: true, answer: '已约谈施工方，晚间停止施工。' });
    expect(await desk.getMine({ channel: 'official_account', id: 'someone-else' }, code)).to.equal(undefined);
    // As a citizen might type it: lower case, a space and a dash, full-width letters.
    const typed = `${code.slice(0, 2).toLowerCase()} ${code.slice(2, 8)}-${code.slice(8).replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))}`;
    expect(await desk.getMine(sub.citizen, typed)).to.include({ code });
    const rated = await desk.rate(sub.citizen, code, 'satisfied');
    expect(rated).to.include({ state: 'closed', rating: 'satisfied', canRate: false });

    const events = await eventsOf(ctx, code);
    expect(events.map((e) => e.type)).to.deep.equal([
      'received', 'claimed', 'assign', 'delivered', 'start', 'extend', 'answer', 'rated', 'close',
    ]);
    expect(events.at(-1)!.to_state).to.equal('closed');
    await ctx.services.tips.close(); // waits for sends in flight
    const notices = await ctx.services.db.sequelize.query(
      'SELECT n.kind, n.state, n.channel FROM tip_notices n JOIN tips t ON t.id = n.tip_id WHERE t.code = ? ORDER BY n.id',
      { replacements: [code], type: 'SELECT' },
    );
    expect(notices).to.deep.equal([
      { kind: 'received', state: 'sent', channel: 'reply' },
      { kind: 'assigned', state: 'sent', channel: 'custom' },
      { kind: 'extended', state: 'sent', channel: 'custom' },
      { kind: 'answered', state: 'sent', channel: 'custom' },
      { kind: 'closed', state: 'sent', channel: 'reply' },
    ]);
  });

  it('rejects with a reason, marks duplicates, and refuses illegal moves', async () => {
    const desk = ctx.services.tips.desk;
    const a = await desk.submit(submission());
    const b = await desk.submit(submission());
    const c = await desk.submit(submission());
    const noReason = await triage.post(`/api/staff/tips/${a.code}/reject`).send({}).expect(400);
    expect(errorOf(noReason).fields).to.deep.equal([{ path: 'reason', message: '必填' }]);
    await triage.post(`/api/staff/tips/${a.code}/reject`).send({ reason: '不属于政法工作范围' }).expect(200);
    const dup = await triage.post(`/api/staff/tips/${b.code}/duplicate`).send({ of: c.code }).expect(200);
    expect(bodyOf<TipBody>(dup).tip).to.include({ state: 'duplicate', duplicateOf: c.code });
    const self = await triage.post(`/api/staff/tips/${c.code}/duplicate`).send({ of: c.code }).expect(400);
    expect(errorOf(self).code).to.equal('TIP_DUPLICATE_OF_SELF');
    const illegal = await triage.post(`/api/staff/tips/${a.code}/close`).send({}).expect(409);
    expect(errorOf(illegal).code).to.equal('TIP_ILLEGAL_TRANSITION');
    const unknown = await triage.post(`/api/staff/tips/${c.code}/assign`).send({ unitKey: 'police', colour: 'red' }).expect(400);
    expect(errorOf(unknown).code).to.equal('VALIDATION_FAILED');
    const badUnit = await triage.post(`/api/staff/tips/${c.code}/assign`).send({ unitKey: 'nowhere' }).expect(400);
    expect(errorOf(badUnit).fields).to.have.length(1);
    expect(errorOf(badUnit).fields?.[0]?.path).to.equal('unitKey');
    // It says where the valid codes are.
    expect(errorOf(badUnit).fields?.[0]?.message).to.include('单位不存在').and.include('/api/staff/units');
    await triage.get('/api/staff/tips/SM250101ZZZZZZ').expect(404);
    await triage.get('/api/staff/tips/not-a-code').expect(400);
    const events = await eventsOf(ctx, a.code);
    expect(events.at(-1)).to.include({ type: 'reject', to_state: 'rejected', reason: '不属于政法工作范围' });
  });

  it('colour override with a reason is logged and reorders the queue', async () => {
    const desk = ctx.services.tips.desk;
    const first = await desk.submit(submission({ description: '路灯坏了' }));
    const second = await desk.submit(submission({ description: '路面有坑' }));
    const res = await triage.post(`/api/staff/tips/${second.code}/colour`).send({ colour: 'red', reason: '附近小学放学路段' }).expect(200);
    expect(bodyOf<TipBody>(res).tip).to.include({ colour: 'red', computedColour: 'green' });
    expect(bodyOf<ClaimBody>(await triage.post('/api/staff/tips/claim-next').expect(200)).tip?.code).to.equal(second.code);
    const events = await eventsOf(ctx, second.code);
    expect(events.find((e) => e.type === 'colour_changed')).to.include({ reason: '附近小学放学路段' });
    expect(first.code).to.be.a('string');
    const noReason = await triage.post(`/api/staff/tips/${first.code}/colour`).send({ colour: 'yellow' }).expect(400);
    expect(errorOf(noReason).fields?.[0]?.path).to.equal('reason');
  });

  /** A citizen's tip, claimed and answered by triage. */
  async function answeredTip(answer: string) {
    const sub = submission();
    const desk = ctx.services.tips.desk;
    const { code } = await desk.submit(sub);
    await triage.post('/api/staff/tips/claim-next').expect(200);
    await triage.post(`/api/staff/tips/${code}/answer`).send({ answer }).expect(200);
    return { sub, desk, code };
  }

  it('citizen review (复查) within 30 days when unsatisfied, and staff reopen', async () => {
    const { sub, desk, code } = await answeredTip('已转告社区处理。');
    const rated = await desk.rate(sub.citizen, code, 'unsatisfied');
    expect(rated).to.include({ state: 'answered', rating: 'unsatisfied', canRequestReview: true });
    const reopened = await desk.requestReview(sub.citizen, code, '问题仍未解决');
    expect(reopened.state).to.equal('reopened');
    const detail = await triage.get(`/api/staff/tips/${code}`).expect(200);
    expect(bodyOf<TipDetail>(detail).events.map((e) => e.type)).to.include('review_requested');
    await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '复查：已督促社区整改。' }).expect(200);
    expect((await desk.getMine(sub.citizen, code))!.canRate).to.equal(true);
  });

  it('closes an answered tip by itself once the review window has passed, and tells the citizen', async () => {
    const { sub, desk, code } = await answeredTip('已协调处理完毕。');
    const answeredAt = Date.now();
    const day = 86_400_000;

    // Still inside the 30-day window: nothing happens.
    expect((await ctx.services.tips.sweep(new Date(answeredAt + 29 * day))).autoClosed).to.deep.equal([]);
    expect((await desk.getMine(sub.citizen, code))!.state).to.equal('answered');

    const { autoClosed } = await ctx.services.tips.sweep(new Date(answeredAt + 31 * day));
    expect(autoClosed).to.deep.equal([code]);
    expect((await desk.getMine(sub.citizen, code))!.state).to.equal('closed');
    const last = (await eventsOf(ctx, code)).at(-1)!;
    expect(last).to.include({ type: 'close', from_state: 'answered', to_state: 'closed' });
    expect(last.reason).to.contain('自动办结');
    // The citizen hears of it (here at the next message: no 48-hour window, no template), once
    // the push attempt has found no way to reach them.
    await ctx.services.tips.idle();
    const notices = await showNotices(desk, sub.citizen);
    expect(notices.join('\n')).to.contain(code);
    // Idempotent: a second sweep finds nothing.
    expect((await ctx.services.tips.sweep(new Date(answeredAt + 32 * day))).autoClosed).to.deep.equal([]);
  });

  it('cleans staff input at the edge: NUL and bidi overrides never reach an event reason; a lone surrogate is refused with TEXT_INVALID', async () => {
    const desk = ctx.services.tips.desk;
    const a = await desk.submit(submission({ submissionKey: 'edge-a' }));
    await triage.post('/api/staff/tips/claim-next').expect(200);
    // Raw JSON: the \u escapes reach JSON.parse as written, as a hostile client would send them.
    const bad = await triage.post(`/api/staff/tips/${a.code}/reject`).set('content-type', 'application/json')
      .send('{"reason":"不属于\\ud800范围"}').expect(400);
    expect(errorOf(bad).code).to.equal('TEXT_INVALID');
    expect(errorOf(bad).fields).to.deep.equal([{ path: 'reason', message: '含有无法识别的字符' }]);
    expect((await eventsOf(ctx, a.code)).map((e) => e.type)).not.to.include('rejected');

    await triage.post(`/api/staff/tips/${a.code}/reject`).set('content-type', 'application/json')
      .send('{"reason":"不属于\\u0000政法\\u202e工作范围\\u200b，见ＦＡＱ"}').expect(200);
    const reasons = (await eventsOf(ctx, a.code)).map((e) => e.reason).filter((r) => r !== null);
    expect(reasons).to.include('不属于政法工作范围，见FAQ');
    expect(JSON.stringify(reasons)).not.to.match(/\\u0000|\\u202e|\\u200b/i);
  });
});
