// The citizen's writes (src/tips/intake.ts, desk.ts): each tip is committed with exactly its
// received event and replied notice in one transaction before its code is given; a failing tip
// leaves nothing behind; times keep their milliseconds; and the daily limit and the duplicate scan
// read the database each time, so a tip stored by another instance counts at once.
import { expect } from 'chai';
import { UniqueConstraintError } from 'sequelize';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { writeNewTip, type NewTip } from '../../src/tips/intake.js';
import { createTipRepository } from '../../src/tips/repository.js';
import { whereForListFilter, sqlForListFilter } from '../../src/tips/scope.js';
import type { TipListFilter } from '../../src/tips/policy.js';
import { context, submission } from './helpers.js';

type Row = Record<string, unknown>;

/** A complete new tip as intake writes it, for the writes tested without the desk. */
function newTip(code: string, key: string, at: Date, reporterHash = `hash-${key}`, description = `描述 ${key}`): NewTip {
  return {
    tip: {
      code, submissionKey: key, category: 'dispute', legalType: 'appeal', description, transcript: '[]', attachments: '[]',
      placeCountyCode: null, placeTownshipCode: null, placeText: null, latitude: null, longitude: null,
      channel: 'official_account', reporterHash, reporterSealed: 'sealed', identityKeyId: 't1', anonymous: true, danger: false,
      colour: 'green', colourRank: 2, computedColour: 'green', colourReason: null, state: 'received',
      unitKey: null, accusedUnitKey: null, handlerCountyCode: null, handlerTownshipCode: null, claimedBy: null, leaseUntil: null,
      acknowledgeBy: at, assignBy: at, concludeBy: new Date('2026-05-04T15:59:59.999Z'), dueAt: at, extensionDays: 0,
      acceptedAt: null, assignedAt: null, answeredAt: null, concludedAt: null, reopenedAt: null, reviewCount: 0, answer: null,
      deliveryState: 'not_assigned', duplicateOf: null, rating: null, ratedAt: null, textsVersion: 1, createdAt: at, updatedAt: at,
    },
    event: { type: 'received', actorType: 'citizen', actorId: null, actorName: null, fromState: null, toState: 'received', reason: null, note: null, data: null, createdAt: at },
    notice: { reporterHash, citizenChannel: 'official_account', kind: 'received', text: `受理编号：${code}`, state: 'sent', channel: 'reply', attempts: 1, lastError: null, deliveredAt: at, createdAt: at, updatedAt: at },
    media: [],
  };
}

describe(`tip intake writes (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  const q = (sql: string, replacements: unknown[] = []) =>
    ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Promise<Row[]>;

  it('concurrent submissions: every tip has exactly its received event and replied notice', async () => {
    const desk = ctx.services.tips.desk;
    const N = 40;
    const receipts = await Promise.all(Array.from({ length: N }, (_, i) => desk.submit(submission({ description: `第${i}件：邻居装修噪音扰民`, danger: i % 10 === 0 }))));
    expect(new Set(receipts.map((r) => r.code)).size).to.equal(N);

    const rows = await q(`SELECT t.code, t.state, t.colour,
        (SELECT COUNT(*) FROM tip_events e WHERE e.tip_id = t.id) AS events,
        (SELECT MAX(e.to_state) FROM tip_events e WHERE e.tip_id = t.id) AS last_state,
        (SELECT COUNT(*) FROM tip_notices n WHERE n.tip_id = t.id AND n.state = 'sent' AND n.channel = 'reply' AND n.kind = 'received') AS notices,
        (SELECT MAX(n.text) FROM tip_notices n WHERE n.tip_id = t.id) AS notice_text
      FROM tips t`);
    expect(rows).to.have.length(N);
    for (const r of rows) {
      expect(Number(r.events), String(r.code)).to.equal(1);
      expect(Number(r.notices), String(r.code)).to.equal(1);
      expect(r.last_state).to.equal(r.state);
      // The notice names its own tip, not one submitted at the same time.
      expect(String(r.notice_text)).to.contain(String(r.code));
    }
    const events = await q("SELECT e.data, t.colour FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE e.type = 'received'");
    for (const e of events) expect((JSON.parse(String(e.data)) as { colour: string }).colour).to.equal(e.colour);
  });

  it('a second tip of the same citizen in the month is graded as a repeat', async () => {
    const desk = ctx.services.tips.desk;
    const first = submission({ description: '村口的路灯坏了半个月没人修' });
    const one = await desk.submit(first);
    const [row1] = await q('SELECT colour_reason FROM tips WHERE code = ?', [one.code]) as Array<{ colour_reason: string | null }>;
    expect(row1!.colour_reason ?? '').to.not.contain('重复反映');
    const again = await desk.submit({ ...submission({ description: '村口的路灯坏了半个月没人修，还是没修' }), citizen: first.citizen });
    const [row] = await q('SELECT colour_reason FROM tips WHERE code = ?', [again.code]);
    expect(String(row!.colour_reason)).to.contain('重复反映');
  });

  it('a tip stored by another instance counts at once for the daily limit and the duplicate scan', async () => {
    const desk = ctx.services.tips.desk;
    const citizen = { channel: 'official_account' as const, id: 'o_two_instances' };
    const first = await desk.submit(submission({ citizen, description: '小区门口的路灯坏了' }));
    expect(await desk.countSince(citizen, new Date(Date.now() - 60_000))).to.equal(1);
    // Another instance: its own models over the same database, not through this desk.
    const other = createTipRepository(ctx.services.db);
    const [{ reporter_hash: hash }] = await q('SELECT reporter_hash FROM tips WHERE code = ?', [first.code]) as [{ reporter_hash: string }];
    const elsewhere = newTip('SM000101XXXXXX', 'elsewhere-1', new Date(), hash, '河边有人倒建筑垃圾');
    // Named like the citizen's own: a named tip counts only named ones as repeats.
    await writeNewTip(ctx.services.db, other.models, { ...elsewhere, tip: { ...elsewhere.tip, anonymous: false } });
    expect(await desk.countSince(citizen, new Date(Date.now() - 60_000))).to.equal(2);
    const third = await desk.submit(submission({ citizen, description: '河边又有人倒建筑垃圾' }));
    const [row] = await q('SELECT colour_reason FROM tips WHERE code = ?', [third.code]);
    expect(String(row!.colour_reason)).to.contain('重复反映');
  });

  it('a retried submission returns the first receipt, also concurrently, and fails none of the others', async () => {
    const desk = ctx.services.tips.desk;
    const first = submission();
    const original = await desk.submit(first);
    const others = [submission(), submission(), submission()];
    const receipts = await Promise.all([others[0]!, first, others[1]!, first, others[2]!].map((s) => desk.submit(s)));
    expect(receipts[1]!.code).to.equal(original.code);
    expect(receipts[3]!.code).to.equal(original.code);
    expect(new Set(receipts.map((r) => r.code)).size).to.equal(4);
    const [{ n }] = await q('SELECT COUNT(*) AS n FROM tips') as [{ n: number }];
    expect(Number(n)).to.equal(4);
    const [{ e }] = await q('SELECT COUNT(*) AS e FROM tip_events') as [{ e: number }];
    expect(Number(e)).to.equal(4);
    // The same new submission twice at once (two instances, neither committed yet): one tip.
    const twice = submission();
    const [x, y] = await Promise.all([desk.submit(twice), desk.submit(twice)]);
    expect(x.code).to.equal(y.code);
    const [{ k }] = await q('SELECT COUNT(*) AS k FROM tips WHERE submission_key = ?', [twice.submissionKey]) as [{ k: number }];
    expect(Number(k)).to.equal(1);
  });

  it('writeNewTip: a duplicate code rejects and leaves nothing of that tip; times keep their milliseconds', async () => {
    const repo = createTipRepository(ctx.services.db);
    const at = new Date('2026-03-04T05:06:07.891Z');
    await writeNewTip(ctx.services.db, repo.models, newTip('SM260304AAAAAA', 'k1', at));
    const stored = await writeNewTip(ctx.services.db, repo.models, newTip('SM260304BBBBBB', 'k2', at));
    const err = await writeNewTip(ctx.services.db, repo.models, newTip('SM260304AAAAAA', 'k3', at)).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(UniqueConstraintError);

    const tip = await repo.models.Tip.findOne({ where: { submissionKey: 'k2' } });
    expect(tip!.id).to.equal(stored);
    expect(tip!.createdAt.toISOString()).to.equal(at.toISOString());
    expect(tip!.updatedAt.toISOString()).to.equal(at.toISOString());
    expect(tip!.concludeBy.toISOString()).to.equal('2026-05-04T15:59:59.999Z');
    expect(tip!.anonymous).to.equal(true);
    const [event] = await repo.models.TipEvent.findAll({ where: { tipId: tip!.id } });
    expect(event!.createdAt.toISOString()).to.equal(at.toISOString());
    const [notice] = await repo.models.TipNotice.findAll({ where: { tipId: tip!.id } });
    expect(notice!.deliveredAt!.toISOString()).to.equal(at.toISOString());
    expect(await repo.models.Tip.count({ where: { submissionKey: 'k3' } })).to.equal(0);
    const [{ n }] = await q('SELECT COUNT(*) AS n FROM tip_events') as [{ n: number }];
    expect(Number(n), 'no event for the tip that failed').to.equal(2);
    const [{ m }] = await q('SELECT COUNT(*) AS m FROM tip_notices') as [{ m: number }];
    expect(Number(m), 'no notice for the tip that failed').to.equal(2);
  });

  it('touch stores each citizen\'s message time, at most once per TOUCH_EVERY_SECONDS across instances', async () => {
    const desk = ctx.services.tips.desk;
    const base = Date.now() - 60_000;
    await Promise.all(Array.from({ length: 30 }, (_, i) => desk.touch({ channel: 'official_account', id: `o_touch_${i}` }, new Date(base + i))));
    const repo = createTipRepository(ctx.services.db);
    const before = await repo.models.CitizenContact.findAll();
    expect(before.map((c) => c.lastMessageAt.getTime()).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 30 }, (_, i) => base + i));
    const citizen = { channel: 'official_account' as const, id: 'o_touch_0' };
    const later = new Date(base + 20 * 60_000 + 123);
    // Within the interval (the mark lives in the shared store, seen by every instance): not written.
    await desk.touch(citizen, later);
    expect((await repo.models.CitizenContact.findAll()).map((c) => c.lastMessageAt.getTime())).to.include(base);
    // Once the mark has expired, the next message writes its time.
    await ctx.services.state.delete(`contact-touched:${ctx.services.vault.citizenHash(citizen.channel, citizen.id)}`);
    await desk.touch(citizen, later);
    const after = await repo.models.CitizenContact.findAll();
    expect(after).to.have.length(30);
    const times = after.map((c) => c.lastMessageAt.getTime());
    expect(times).to.include(later.getTime()).and.not.include(base);
    expect(times).to.include(base + 29);
  });

  it('the daily limit refuses over the limit through the webhook', async () => {
    await ctx.close();
    ctx = await context({ bot: { tipsPerDay: 2 } });
    const openid = 'o_limit';
    const citizen = { channel: 'official_account' as const, id: openid };
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid });
    const first = await c.text('举报');
    expect(first.type === 'text' ? first.text : '').to.not.contain('每天最多');
    await c.text('取消');
    await Promise.all([ctx.services.tips.desk.submit(submission({ citizen })), ctx.services.tips.desk.submit(submission({ citizen, description: '另一件事：河里有人电鱼' }))]);
    expect(await ctx.services.tips.desk.countSince(citizen, new Date(Date.now() - 86_400_000))).to.equal(2);
    const refused = await c.text('举报');
    expect(refused.type === 'text' ? refused.text : '').to.contain('每人每天最多提交2件');
  });

  it('recentNamedByReporter reads the citizen\'s named tips of the window, newest first, at most the limit', async () => {
    const desk = ctx.services.tips.desk;
    const a = { channel: 'official_account' as const, id: 'o_recent_a' };
    const b = { channel: 'official_account' as const, id: 'o_recent_b' };
    for (let i = 0; i < 4; i += 1) await desk.submit(submission({ citizen: a, description: `甲的第${i}件事` }));
    // The newest of all, but anonymous: left out, and takes no place in the limit.
    await desk.submit(submission({ citizen: a, description: '甲的匿名的事', contact: { anonymous: true } }));
    await desk.submit(submission({ citizen: b, description: '乙的一件事' }));
    const repo = createTipRepository(ctx.services.db);
    const hashOf = async (like: string) => String((await q('SELECT reporter_hash FROM tips WHERE description LIKE ?', [like]))[0]!.reporter_hash);
    const ha = await hashOf('甲%');
    const hb = await hashOf('乙%');
    const hour = new Date(Date.now() - 3600_000);
    expect((await repo.recentNamedByReporter(ha, hour, 3)).map((t) => t.description)).to.deep.equal(['甲的第3件事', '甲的第2件事', '甲的第1件事']);
    expect((await repo.recentNamedByReporter(hb, hour, 3)).map((t) => t.description)).to.deep.equal(['乙的一件事']);
    expect(await repo.recentNamedByReporter(ha, new Date(Date.now() + 60_000), 3)).to.deep.equal([]);
    expect(await repo.recentNamedByReporter('nobody', hour, 3)).to.deep.equal([]);
    // The daily limit counts every tip of the citizen, anonymous ones too.
    expect(await desk.countSince(a, new Date(Date.now() - 60_000))).to.equal(5);
  });

  it('the queue scope as raw SQL selects exactly what the Sequelize filter selects', async () => {
    const desk = ctx.services.tips.desk;
    await desk.submit(submission({ category: 'report', description: '某所干警吃拿卡要' }));
    await desk.submit(submission({ description: '路灯坏了' }));
    await desk.submit(submission({ description: '邻居纠纷' }));
    await ctx.services.db.sequelize.query("UPDATE tips SET handler_county_code = '350404', accused_unit_key = 'police' WHERE description = '路灯坏了'");
    await ctx.services.db.sequelize.query("UPDATE tips SET handler_county_code = '350402', handler_township_code = '350402001' WHERE description = '邻居纠纷'");
    const filters: TipListFilter[] = [
      { all: true, excludeSensitive: false, excludeAccusedUnitKey: null },
      { all: true, excludeSensitive: true, excludeAccusedUnitKey: 'police' },
      { countyCode: '350404', excludeSensitive: true, excludeAccusedUnitKey: null },
      { countyCode: '350404', excludeSensitive: false, excludeAccusedUnitKey: 'police' },
      { townshipCode: '350402001', excludeSensitive: true, excludeAccusedUnitKey: 'zfw' },
    ];
    const repo = createTipRepository(ctx.services.db);
    const qi = ctx.services.db.sequelize.getQueryInterface();
    for (const f of filters) {
      const viaModel = (await repo.models.Tip.findAll({ where: whereForListFilter(f)!, attributes: ['code'] })).map((t) => t.code).sort();
      const cond = sqlForListFilter(f, 't', (n) => qi.quoteIdentifier(n))!;
      const viaSql = (await q(`SELECT t.code FROM tips t WHERE ${cond.sql}`, cond.replacements)).map((r) => String(r.code)).sort();
      expect(viaSql, JSON.stringify(f)).to.deep.equal(viaModel);
    }
  });
});
