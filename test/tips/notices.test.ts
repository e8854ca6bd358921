import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { sqlDate } from '../../src/db/index.js';
import { NOTICE_HOLD_MS } from '../../src/tips/notices.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const noticeRows = async (ctx: TestContext) =>
  await ctx.services.db.sequelize.query('SELECT kind, state, channel, attempts FROM tip_notices ORDER BY id', { type: 'SELECT' }) as Array<Record<string, unknown>>;

describe(`citizen notices (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('outside the 48-hour window and without a template: kept, shown at the next message, once', async () => {
    ctx = await context();
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    const { agent } = await staffAgent(ctx, { username: 'triage-n', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/reject`).send({ reason: '不属于受理范围' }).expect(200);
    await ctx.services.tips.close();
    expect(ctx.fakeWechat.calls.filter((c) => c.path.startsWith('/cgi-bin/message'))).to.have.length(0);
    expect((await noticeRows(ctx)).at(-1)).to.include({ kind: 'rejected', state: 'pending' });
    const shown = await showNotices(ctx.services.tips.desk, sub.citizen);
    expect(shown).to.have.length(1);
    expect(shown[0]).to.include(code).and.include('不予受理').and.include('不属于受理范围');
    expect(await showNotices(ctx.services.tips.desk, sub.citizen)).to.deep.equal([]);
    expect((await noticeRows(ctx)).at(-1)).to.include({ state: 'shown', channel: 'shown' });
  });

  /** A citizen with one notice waiting (outside the 48-hour window, no template): its tip's code. */
  async function waitingNotice(c: TestContext, sub: ReturnType<typeof submission>): Promise<string> {
    const { code } = await c.services.tips.desk.submit(sub);
    const { agent } = await staffAgent(c, { username: `triage-${code}`, role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/reject`).send({ reason: '不属于受理范围' }).expect(200);
    await c.services.tips.close();
    return code;
  }
  const stateOf = async (c: TestContext, id: number) =>
    (await c.services.db.sequelize.query('SELECT state, channel, delivered_at FROM tip_notices WHERE id = ?', { replacements: [id], type: 'SELECT' }) as Array<Record<string, unknown>>)[0];

  it('a notice held for a reply is delivered only when the reply is reported delivered', async () => {
    ctx = await context();
    const sub = submission();
    const code = await waitingNotice(ctx, sub);
    const desk = ctx.services.tips.desk;
    const [held] = await desk.holdNotices(sub.citizen);
    expect(held?.text).to.include(code);
    expect(await stateOf(ctx, held!.id)).to.include({ state: 'held', delivered_at: null });
    // Someone else's report changes nothing.
    await desk.noticesDelivered(submission().citizen, [held!.id]);
    expect(await stateOf(ctx, held!.id)).to.include({ state: 'held' });
    await desk.noticesDelivered(sub.citizen, [held!.id]);
    const row = await stateOf(ctx, held!.id);
    expect(row).to.include({ state: 'shown', channel: 'shown' });
    expect(row?.delivered_at).to.not.equal(null);
    expect(await desk.holdNotices(sub.citizen)).to.deep.equal([]);
  });

  it('a held notice is not given to a message arriving meanwhile; released, or held too long, it waits again', async () => {
    ctx = await context();
    const sub = submission();
    await waitingNotice(ctx, sub);
    const desk = ctx.services.tips.desk;
    const [held] = await desk.holdNotices(sub.citizen);
    expect(held).to.not.equal(undefined);
    // Two messages close together (or on two instances): the second does not show it too.
    expect(await desk.holdNotices(sub.citizen)).to.deep.equal([]);
    await desk.releaseNotices(sub.citizen, [held!.id]);
    expect(await stateOf(ctx, held!.id)).to.include({ state: 'pending', delivered_at: null });
    const [again] = await desk.holdNotices(sub.citizen);
    expect(again?.id).to.equal(held!.id);
    // Its holder never reported (a crash between send and record): after the hold it waits again.
    const past = new Date(Date.now() - NOTICE_HOLD_MS - 1000);
    await ctx.services.db.sequelize.query('UPDATE tip_notices SET updated_at = ? WHERE id = ?', { replacements: [sqlDate(ctx.services.db.dialect, past), held!.id] });
    const [late] = await desk.holdNotices(sub.citizen);
    expect(late?.id).to.equal(held!.id);
  });

  it('outside the window with a template configured: a template message', async () => {
    ctx = await context({ wechat: { templates: { tipStatus: 'TPL-TIP-STATUS' } } });
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    const { agent } = await staffAgent(ctx, { username: 'triage-n', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/assign`).send({ unitKey: 'police' }).expect(200);
    const call = await ctx.fakeWechat.waitForCall('/cgi-bin/message/template/send', 5000);
    expect(call.body).to.deep.include({ touser: sub.citizen.id, template_id: 'TPL-TIP-STATUS' });
    await ctx.services.tips.close();
    expect((await noticeRows(ctx)).at(-1)).to.include({ kind: 'assigned', state: 'sent', channel: 'template' });
  });

  it('a failed send stays pending and never fails the staff action', async () => {
    ctx = await context();
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.touch(sub.citizen, new Date());
    ctx.fakeWechat.failNext('/cgi-bin/message/custom/send', 45015);
    const { agent } = await staffAgent(ctx, { username: 'triage-n', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/assign`).send({ unitKey: 'police' }).expect(200);
    await ctx.services.tips.close();
    expect((await noticeRows(ctx)).at(-1)).to.include({ kind: 'assigned', state: 'pending', attempts: 1 });
    const shown = await showNotices(ctx.services.tips.desk, sub.citizen);
    expect(shown[0]).to.include('公安机关');
  });

  it('wechaty citizens wait for a registered sender', async () => {
    ctx = await context();
    const citizen = { channel: 'wechaty' as const, id: 'wxid_abc' };
    const first = await ctx.services.tips.desk.submit(submission({ citizen }));
    const second = await ctx.services.tips.desk.submit(submission({ citizen, description: '村里有人电鱼' }));
    const { agent } = await staffAgent(ctx, { username: 'triage-n', role: 'triage' });
    await agent.post(`/api/staff/tips/${first.code}/reject`).send({ reason: '重复' }).expect(200);
    await ctx.services.tips.close();
    expect((await noticeRows(ctx)).at(-1)).to.include({ state: 'pending' });
    const sent: Array<[string, string]> = [];
    ctx.services.tips.registerNoticeSender('wechaty', { sendText(id, text) { sent.push([id, text]); return Promise.resolve(); } });
    await agent.post(`/api/staff/tips/${second.code}/reject`).send({ reason: '不属于受理范围' }).expect(200);
    await ctx.services.tips.close();
    expect(sent).to.have.length(1);
    expect(sent[0]![0]).to.equal('wxid_abc');
    expect(sent[0]![1]).to.include(second.code);
    expect((await noticeRows(ctx)).at(-1)).to.include({ state: 'sent', channel: 'wechaty' });
    // The first, kept while no sender existed, is shown at the next message.
    expect(await showNotices(ctx.services.tips.desk, citizen)).to.have.length(1);
  });

  it('lists the citizen\'s own tips only', async () => {
    ctx = await context();
    const sub = submission();
    await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.submit(submission());
    const mine = await ctx.services.tips.desk.listMine(sub.citizen);
    expect(mine).to.have.length(1);
    expect(mine[0]).to.include({ state: 'received', stateLabel: '已收到', canRate: false, canRequestReview: false });
  });
});
