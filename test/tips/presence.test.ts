// The per-message hot path: touch writes citizen_contacts at most once per 10 minutes, and pending
// notices are looked up only for citizens that may have some — without losing a notice.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { recordStatements, usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { createContactClock, createNoticeHints, TOUCH_EVERY_MS } from '../../src/tips/presence.js';
import { createLogger } from '../../src/platform/logger.js';
import type { TipModels } from '../../src/tips/models.js';
import { context, showNotices, staffAgent, submission } from './helpers.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe('presence hints (unit)', () => {
  it('ContactClock: due once per interval, forgets the least recently written', () => {
    const clock = createContactClock(1000, 2);
    const t0 = new Date(10_000);
    expect(clock.due('a', t0)).to.equal(true);
    clock.written('a', t0);
    expect(clock.due('a', new Date(10_999))).to.equal(false);
    expect(clock.due('a', new Date(11_000))).to.equal(true);
    clock.written('b', t0);
    clock.written('c', t0); // capacity 2: 'a' goes
    expect(clock.due('a', t0)).to.equal(true);
    expect(clock.due('c', t0)).to.equal(false);
  });

  it('NoticeHints: loads waiting citizens, and a take that began before an add does not clear it', async () => {
    let rows = [{ reporterHash: 'h1' }];
    let queries = 0;
    let clock = 0;
    const models = { TipNotice: { findAll: async () => { queries += 1; return rows; } } } as unknown as TipModels;
    const hints = await createNoticeHints({ models, logger: createLogger('silent'), refreshMs: 1000, now: () => clock });
    expect(queries).to.equal(1);
    expect(await hints.mayHave('h1')).to.equal(true);
    expect(await hints.mayHave('h2')).to.equal(false);
    expect(queries, 'no query within refreshMs').to.equal(1);

    const mark = hints.mark('h2');
    hints.add('h2'); // committed while a take's query was running
    hints.cleared('h2', mark);
    expect(await hints.mayHave('h2')).to.equal(true);
    hints.cleared('h2', hints.mark('h2'));
    expect(await hints.mayHave('h2')).to.equal(false);

    // Another process wrote a notice: seen after refreshMs, with one query for all callers.
    rows = [{ reporterHash: 'h3' }];
    clock = 1000;
    const answers = await Promise.all([hints.mayHave('h3'), hints.mayHave('h3'), hints.mayHave('x')]);
    expect(answers).to.deep.equal([true, true, false]);
    expect(queries).to.equal(2);
  });

  it('NoticeHints: when the first load fails, every citizen may have notices', async () => {
    const models = { TipNotice: { findAll: async () => { throw new Error('no table'); } } } as unknown as TipModels;
    const hints = await createNoticeHints({ models, logger: createLogger('silent'), now: () => 0 });
    expect(await hints.mayHave('anyone')).to.equal(true);
  });
});

describe(`presence through the webhook (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  /** The SQL statements run while fn runs. */
  const statements = (c: TestContext, fn: () => Promise<unknown>) => recordStatements(c.services.db.sequelize, fn);

  const contactOf = async (c: TestContext): Promise<Array<{ last_message_at: Date | string }>> =>
    await c.services.db.sequelize.query('SELECT last_message_at FROM citizen_contacts', { type: 'SELECT' }) as Array<{ last_message_at: Date | string }>;

  it('a keyword reply costs no statement once the citizen is known, and touch still records the time', async () => {
    ctx = await context();
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: 'o_hot' });
    const before = Date.now();
    const first = await statements(ctx, () => c.text('帮助'));
    expect(first.filter((s) => /citizen_contacts/i.test(s)), 'first message writes the contact').to.have.length(1);
    const rows = await contactOf(ctx);
    expect(rows).to.have.length(1);
    const stored = new Date(rows[0]!.last_message_at).getTime();
    expect(stored).to.be.within(before - 1000, Date.now() + 1000);

    const second = await statements(ctx, () => c.text('帮助'));
    expect(second, `no statements for a repeated keyword: ${second.join(' | ')}`).to.deep.equal([]);

    // Ten minutes later the time is written again.
    const desk = ctx.services.tips.desk;
    const later = new Date(stored + TOUCH_EVERY_MS + 1000);
    await desk.touch({ channel: 'official_account', id: 'o_hot' }, later);
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

  it('a notice written by another process (the Wechaty bot) is found after the catch-up interval', async () => {
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
    await new Promise((r) => setTimeout(r, 1100));
    expect(await showNotices(ctx.services.tips.desk, citizen)).to.deep.equal([`您反映的事项 ${code} 来自另一个进程`]);
  });
});
