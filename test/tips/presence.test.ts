// What every citizen message does besides its answer: touch records the message time in
// citizen_contacts, and the citizen's waiting notices are held for the reply — looked up in the
// database each time, so a notice written by any process is shown at the next message, once.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe(`presence through the webhook (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  const contactOf = async (c: TestContext): Promise<Array<{ last_message_at: Date | string }>> =>
    await c.services.db.sequelize.query('SELECT last_message_at FROM citizen_contacts', { type: 'SELECT' }) as Array<{ last_message_at: Date | string }>;

  it('a message records its time once per interval, and a repeated keyword is answered the same', async () => {
    ctx = await context();
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: 'o_hot' });
    const before = Date.now();
    const first = textOf(await c.text('帮助'));
    const rows = await contactOf(ctx);
    expect(rows).to.have.length(1);
    const stored = new Date(rows[0]!.last_message_at).getTime();
    expect(stored).to.be.within(before - 1000, Date.now() + 1000);

    expect(textOf(await c.text('帮助'))).to.equal(first);
    const again = await contactOf(ctx);
    expect(again).to.have.length(1);
    expect(new Date(again[0]!.last_message_at).getTime()).to.equal(stored);

    // A message after the interval (its mark expired) moves the time.
    await ctx.services.state.delete(`contact-touched:${ctx.services.vault.citizenHash('official_account', 'o_hot')}`);
    const later = new Date(stored + 10 * 60_000 + 1000);
    await ctx.services.tips.desk.touch({ channel: 'official_account', id: 'o_hot' }, later);
    expect(new Date((await contactOf(ctx))[0]!.last_message_at).getTime()).to.equal(later.getTime());
  });

  it('a notice from a staff action after the citizen\'s last message is shown at the next message, once', async () => {
    ctx = await context();
    const openid = 'o_waits';
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid });
    expect(textOf(await c.text('帮助'))).to.not.contain('公安机关'); // known now: no notices waiting
    const { code } = await ctx.services.tips.desk.submit(submission({ citizen: { channel: 'official_account', id: openid } }));
    ctx.fakeWechat.failNext('/cgi-bin/message/custom/send', 45015);
    const { agent } = await staffAgent(ctx, { username: 'triage-p', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/assign`).send({ unitKey: 'police' }).expect(200);
    await ctx.services.tips.close(); // the failed push has finished
    const next = textOf(await c.text('帮助'));
    expect(next).to.contain(code).and.contain('公安机关');
    expect(textOf(await c.text('帮助'))).to.not.contain('公安机关');
  });

  it('a notice committed pending with no push attempted is shown too (template-less, outside the window)', async () => {
    ctx = await context();
    const citizen = { channel: 'official_account' as const, id: 'o_silent' };
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: citizen.id });
    const { code } = await ctx.services.tips.desk.submit(submission({ citizen }));
    // Outside the 48-hour window: the contact row says the last message was 3 days ago.
    await ctx.services.tips.desk.touch(citizen, new Date(Date.now() - 72 * 3600_000));
    expect(await showNotices(ctx.services.tips.desk, citizen)).to.deep.equal([]);
    const { agent } = await staffAgent(ctx, { username: 'triage-q', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    await agent.post(`/api/staff/tips/${code}/reject`).send({ reason: '不属于受理范围' }).expect(200);
    await ctx.services.tips.close();
    expect(textOf(await c.text('你好'))).to.contain(code).and.contain('不予受理');
  });

  it('a notice written by another process (the Wechaty bot, another instance) is shown at the next message', async () => {
    ctx = await context();
    const citizen = { channel: 'official_account' as const, id: 'o_other_process' };
    const { code } = await ctx.services.tips.desk.submit(submission({ citizen }));
    expect(await showNotices(ctx.services.tips.desk, citizen)).to.deep.equal([]);
    const [tip] = await ctx.services.db.sequelize.query('SELECT id, reporter_hash FROM tips WHERE code = ?', { replacements: [code], type: 'SELECT' }) as Array<{ id: number; reporter_hash: string }>;
    const at = new Date();
    await ctx.services.db.sequelize.query(
      `INSERT INTO tip_notices (tip_id, reporter_hash, citizen_channel, kind, text, state, attempts, created_at, updated_at)
       VALUES (?, ?, 'official_account', 'rejected', ?, 'pending', 0, ?, ?)`,
      { replacements: [tip!.id, tip!.reporter_hash, `您反映的事项 ${code} 来自另一个进程`, at, at] },
    );
    // What every writer of a waiting notice does after its commit (src/tips/notices.ts).
    await ctx.services.state.delete(`notices-none:${tip!.reporter_hash}`);
    expect(await showNotices(ctx.services.tips.desk, citizen)).to.deep.equal([`您反映的事项 ${code} 来自另一个进程`]);
  });
});
