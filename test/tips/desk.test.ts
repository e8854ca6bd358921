import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import type { TestContext } from '../support/harness.js';
import { context, submission } from './helpers.js';

describe('TipDesk.submit', () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  it('stores the tip with an encrypted identity, a received event and a replied notice', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const receipt = await desk.submit(sub);
    expect(receipt.code).to.match(/^SM\d{6}[2-9A-Z]{6}$/);
    expect(receipt.colour).to.equal('green');
    expect(receipt.concludeBy.getTime()).to.be.greaterThan(receipt.acknowledgeBy.getTime() - 1);

    const q = (sql: string, replacements: unknown[] = []) => ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Promise<Array<Record<string, unknown>>>;
    const [row] = await q('SELECT * FROM tips WHERE code = ?', [receipt.code]);
    expect(row).to.exist;
    const raw = JSON.stringify(row);
    expect(raw).not.to.include(sub.citizen.id);
    expect(raw).not.to.include('13912345678');
    expect(raw).not.to.include('张三');
    expect(row!.legal_type).to.equal('appeal');
    expect(row!.state).to.equal('received');
    expect(row!.identity_key_id).to.equal('t1');
    const hash = createHmac('sha256', ctx.config.tips.identityHashKey).update(`official_account:${sub.citizen.id}`).digest('hex');
    expect(row!.reporter_hash).to.equal(hash);
    expect(JSON.parse(String(row!.transcript))).to.deep.equal(sub.transcript);

    const events = await q('SELECT * FROM tip_events WHERE tip_id = ?', [row!.id]);
    expect(events.map((e) => e.type)).to.deep.equal(['received']);
    const notices = await q('SELECT * FROM tip_notices WHERE tip_id = ?', [row!.id]);
    expect(notices).to.have.length(1);
    expect(notices[0]).to.include({ state: 'sent', channel: 'reply', kind: 'received' });
    // The bot confirms itself: no customer-service message for the same news.
    expect(ctx.fakeWechat.calls.filter((c) => c.path === '/cgi-bin/message/custom/send')).to.have.length(0);
  });

  it('is idempotent on the submission key, also under concurrent retries', async () => {
    const sub = submission();
    const receipts = await Promise.all([1, 2, 3, 4, 5].map(() => ctx.services.tips.desk.submit(sub)));
    expect(new Set(receipts.map((r) => r.code)).size).to.equal(1);
    const [{ n }] = await ctx.services.db.sequelize.query('SELECT COUNT(*) AS n FROM tips', { type: 'SELECT' }) as unknown as [{ n: number }];
    expect(Number(n)).to.equal(1);
  });

  it('findReceipt: the receipt of the citizen\'s own submission key; nothing for another citizen or an unknown key', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const receipt = await desk.submit(sub);
    expect(await desk.findReceipt(sub.citizen, sub.submissionKey)).to.deep.equal(receipt);
    // Another citizen holding the key learns nothing, not even that it exists.
    expect(await desk.findReceipt({ channel: 'official_account', id: 'openid-someone-else' }, sub.submissionKey)).to.equal(undefined);
    expect(await desk.findReceipt({ channel: 'wechaty', id: sub.citizen.id }, sub.submissionKey)).to.equal(undefined);
    expect(await desk.findReceipt(sub.citizen, 'key-never-submitted')).to.equal(undefined);
  });

  it('grades danger red and a report as 检举控告', async () => {
    const red = await ctx.services.tips.desk.submit(submission({ danger: true, description: '有人要跳楼' }));
    expect(red.colour).to.equal('red');
    const report = await ctx.services.tips.desk.submit(submission({ category: 'report', description: '某所干警吃拿卡要' }));
    const [row] = await ctx.services.db.sequelize.query('SELECT legal_type FROM tips WHERE code = ?', { replacements: [report.code], type: 'SELECT' }) as Array<{ legal_type: string }>;
    expect(row!.legal_type).to.equal('accusation');
  });

  it('counts tips in metrics and per citizen', async () => {
    const sub = submission();
    await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.submit({ ...submission({ description: '村口路灯坏了很久没人修' }), citizen: sub.citizen });
    expect(await ctx.services.tips.desk.countSince(sub.citizen, new Date(Date.now() - 60_000))).to.equal(2);
    const metrics = await ctx.services.metrics.registry.getSingleMetricAsString('tips_submitted_total');
    expect(metrics).to.include('colour="green"} 2');
  });

  it('refuses with TIP_STORE_UNAVAILABLE when the database is down, and stores nothing', async () => {
    await ctx.services.db.sequelize.close();
    let caught: unknown;
    try {
      await ctx.services.tips.desk.submit(submission());
    } catch (err) {
      caught = err;
    }
    expect(caught).to.include({ code: 'TIP_STORE_UNAVAILABLE', status: 503 });
    // Reopen so close() in afterEach works.
    const { openDatabase } = await import('../../src/db/index.js');
    const db = await openDatabase(ctx.database.url);
    const [{ n }] = await db.sequelize.query('SELECT COUNT(*) AS n FROM tips', { type: 'SELECT' }) as unknown as [{ n: number }];
    expect(Number(n)).to.equal(0);
    await db.close();
    ctx.services.db.close = () => Promise.resolve();
  });
});
