// What the citizen reads in notices, through the staff API: every notice says what to type next
// on any channel (a Wechaty contact has no menu), a staff reopen does not claim the citizen asked
// for 复查, a duplicate does not claim the original is being handled, and the answer says how a
// review is asked for; a reassignment is told as a change of unit, a duplicate of the citizen's own
// tip names it, and what the citizen reads word for word never carries staff's masks.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { citizenNoticeFor } from '../../src/tips/rules/state-machine.js';
import { MAX_REVIEWS } from '../../src/tips/rules/limits.js';
import { TIP_STATES } from '../../src/tips/types.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const trackingCode = 'SM250610ABCDEF';

describe(`notice wording (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('through the API: what to type next, a staff reopen, a duplicate, the answer', async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const dup = submission();
    const { code: dupCode } = await desk.submit(dup);
    const { agent: triage } = await staffAgent(ctx, { username: 'words-triage', role: 'triage' });
    const { agent: supervisor } = await staffAgent(ctx, { username: 'words-sup', role: 'supervisor' });

    await triage.post(`/api/staff/tips/${dupCode}/duplicate`).send({ of: code }).expect(200);
    await ctx.services.tips.idle();
    const [duplicate] = await showNotices(desk, dup.citizen);
    expect(duplicate).to.include('重复反映').and.not.include('正在办理').and.not.include(code);

    await triage.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '已协调物业处理。' }).expect(200);
    await supervisor.post(`/api/staff/tips/${code}/close`).send({}).expect(200);
    await supervisor.post(`/api/staff/tips/${code}/reopen`).send({ reason: '督办抽查发现未落实' }).expect(200);
    await ctx.services.tips.idle();
    const [answered, closed, reopened] = await showNotices(desk, sub.citizen);
    expect(answered).to.include(`回复「评价 ${code}」`).and.include('「不满意」').and.include('复查');
    expect(closed).to.include('已办结');
    // Staff reopened it: the citizen asked for nothing, and the supervisor's reason stays inside.
    expect(reopened).to.include('重新办理').and.not.include('申请').and.not.include('督办抽查');
    for (const text of [duplicate!, reopened!]) expect(text).to.not.include('菜单');
    expect(reopened).to.include(`回复「查询 ${code}」`);
  });

  it('through the API: a reassignment, a duplicate of the citizen\'s own tip, and no masked text sent to the citizen', async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const again = submission({ citizen: sub.citizen, submissionKey: `again-${Date.now()}` });
    const { code: againCode } = await desk.submit(again);
    const { agent: triage } = await staffAgent(ctx, { username: 'words-triage2', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'words-county2', role: 'county', countyCode: '350404' });

    await triage.post(`/api/staff/tips/${againCode}/duplicate`).send({ of: code }).expect(200);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350405', reason: '属地调整' }).expect(200);
    await ctx.services.tips.idle();
    const told = await showNotices(desk, sub.citizen);
    const duplicate = told.find((t) => t.includes(againCode));
    expect(duplicate).to.include(`编号 ${code}`).and.include('同一件事');
    const moved = told.at(-1);
    expect(moved).to.include('改由').and.not.include('已登记受理').and.not.include('属地调整');

    // Staff without the reveal see the citizen's number as 139****5678: a copy of it is refused.
    const masked = '已联系您（139****5678），请保持电话畅通。';
    for (const [path, body, code_] of [
      ['answer', { answer: masked }, 'TIP_ANSWER_MASKED'],
      ['extend', { days: 10, reason: `需要核实${masked}` }, 'TIP_REASON_MASKED'],
      ['reject', { reason: masked }, 'TIP_REASON_MASKED'],
    ] as const) {
      const r = await triage.post(`/api/staff/tips/${code}/${path}`).send(body).expect(400);
      expect((r.body as { error: { code: string } }).error.code, path).to.equal(code_);
    }
  });

  it('every notice that points to progress names what to type, never a menu', () => {
    for (const state of TIP_STATES) {
      const text = citizenNoticeFor(state, { trackingCode, reason: '原因', answer: '答复', unitName: '某单位' });
      if (text !== undefined) expect(text, state).to.not.include('菜单');
    }
    expect(citizenNoticeFor('assigned', { trackingCode, unitName: '三元区' })).to.include(`回复「查询 ${trackingCode}」`);
  });

  it('a reassignment is a change of unit, not a second acceptance', () => {
    const moved = citizenNoticeFor('assigned', { trackingCode, unitName: '列东街道', from: 'extended' });
    expect(moved).to.include('改由列东街道办理').and.not.include('已登记受理');
    expect(citizenNoticeFor('assigned', { trackingCode, unitName: '三元区', from: 'claimed' })).to.include('已登记受理');
  });

  it('after the last review the answer offers none', () => {
    const last = citizenNoticeFor('answered', { trackingCode, answer: '复核意见。', reviewCount: MAX_REVIEWS });
    expect(last).to.include('不再受理复查').and.not.include('选「不满意」');
    expect(citizenNoticeFor('answered', { trackingCode, answer: '意见。', reviewCount: MAX_REVIEWS - 1 })).to.include('选「不满意」');
  });

  it('a duplicate of the citizen\'s own tip names it', () => {
    const own = citizenNoticeFor('duplicate', { trackingCode, duplicateOfOwn: 'SM250601GHJKMN' });
    expect(own).to.include('SM250601GHJKMN').and.include('回复「查询 SM250601GHJKMN」');
  });
});
