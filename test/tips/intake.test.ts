// The citizen's hot path after the group-commit rewrite (src/tips/intake.ts, recent.ts,
// src/db/group-commit.ts): tips submitted together share a transaction but stay each other's
// strangers — one bad tip fails only itself, every tip has its event and notice, times keep their
// milliseconds — and the daily limit and duplicate scan answered from memory still hold.
import { expect } from 'chai';
import { UniqueConstraintError } from 'sequelize';
import type { TestContext } from '../support/harness.js';
import { recordStatements, usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { createGroupCommit } from '../../src/db/group-commit.js';
import { createIntakeWriter, type NewTip } from '../../src/tips/intake.js';
import { ACTIVE_ID_OVERLAP, createActiveReporters, createRecentTips, type RecentTip } from '../../src/tips/recent.js';
import { createTipRepository } from '../../src/tips/repository.js';
import { whereForListFilter, sqlForListFilter } from '../../src/tips/scope.js';
import type { TipListFilter } from '../../src/tips/policy.js';
import { context, submission } from './helpers.js';

type Row = Record<string, unknown>;

describe('group commit (unit)', () => {
  it('writes the first item at once, batches the ones that arrive meanwhile, and settles each by its own outcome', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const gc = createGroupCommit<number, number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate;
      return items.map((n) => (n === 4 ? { ok: false as const, error: new Error('four') } : { ok: true as const, value: n * 10 }));
    }, { maxBatch: 3 });
    const first = gc.write(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4, 5, 6].map((n) => gc.write(n).then((v) => v, (e: Error) => e.message));
    release();
    expect(await first).to.equal(10);
    expect(await Promise.all(rest)).to.deep.equal([20, 30, 'four', 50, 60]);
    expect(batches).to.deep.equal([[1], [2, 3, 4], [5, 6]]);
    await gc.idle();
  });

  it('a writer that throws fails its batch only', async () => {
    let calls = 0;
    const gc = createGroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('down');
      return items.map((n) => ({ ok: true as const, value: n }));
    }, { maxBatch: 10 });
    const a = gc.write(1).catch((e: Error) => e.message);
    expect(await a).to.equal('down');
    expect(await gc.write(2)).to.equal(2);
  });
});

describe('recent tips in memory (unit)', () => {
  const tip = (code: string, at: number, description = `d-${code}`): RecentTip => ({ code, description, category: 'dispute', createdAt: new Date(at) });

  it('loads once, then answers the daily count and the duplicate scan from memory, including its own new tips', async () => {
    let loads = 0;
    let counts = 0;
    const db: RecentTip[] = [tip('A', 1000), tip('B', 2000)];
    const recent = createRecentTips({
      latest: async () => { loads += 1; return [...db].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime()); },
      countSince: async () => { counts += 1; return -1; },
    }, { now: () => 10_000 });
    expect(await recent.countSince('h', new Date(1500))).to.equal(1);
    recent.added('h', tip('C', 3000));
    expect(await recent.countSince('h', new Date(0))).to.equal(3);
    expect((await recent.latest('h')).map((t) => t.code)).to.deep.equal(['C', 'B', 'A']);
    expect({ loads, counts }).to.deep.equal({ loads: 1, counts: 0 });
  });

  it('counts exactly in the database when the window reaches past what memory holds', async () => {
    const many = Array.from({ length: 5 }, (_, i) => tip(`T${i}`, 5000 - i * 100));
    let counts = 0;
    const recent = createRecentTips({
      latest: async (_h, limit) => many.slice(0, limit),
      countSince: async () => { counts += 1; return 42; },
    }, { limit: 3, now: () => 10_000 });
    // Memory holds T0..T2 (5000, 4900, 4800): complete from just after 4800.
    expect(await recent.countSince('h', new Date(4850))).to.equal(2);
    expect(counts).to.equal(0);
    expect(await recent.countSince('h', new Date(4000))).to.equal(42);
    expect(counts).to.equal(1);
  });

  it('reloads after the TTL, and a tip added while a load runs is kept', async () => {
    let clock = 0;
    const rows: RecentTip[] = [];
    let hold: (() => void) | undefined;
    const recent = createRecentTips({
      latest: async () => {
        const snapshot = [...rows];
        if (hold === undefined) await new Promise<void>((r) => { hold = r; });
        return snapshot;
      },
      countSince: async () => -1,
    }, { ttlMs: 1000, now: () => clock });
    const loading = recent.countSince('h', new Date(0));
    await new Promise((r) => setImmediate(r));
    // Committed while the SELECT ran, after it read: only added() knows it.
    recent.added('h', tip('N', 10));
    hold!();
    await loading;
    expect(await recent.countSince('h', new Date(0))).to.equal(1);
    rows.push(tip('N', 10), tip('O', 20)); // 'O' from another instance
    clock = 500;
    expect(await recent.countSince('h', new Date(0)), 'fresh: from memory').to.equal(1);
    clock = 1500;
    expect(await recent.countSince('h', new Date(0)), 'stale: reloaded and merged by code').to.equal(2);
  });
});

describe('active reporters (unit)', () => {
  const DAY = 24 * 3600 * 1000;

  it('says "certainly none" only for citizens without a tip in the window; learns from added() and catches up by id', async () => {
    let clock = 100 * DAY;
    const calls: Array<{ afterId: number; since: number }> = [];
    const top = ACTIVE_ID_OVERLAP + 7;
    let rows = [{ reporterHash: 'old', lastAt: new Date(60 * DAY), maxId: 3 }, { reporterHash: 'recent', lastAt: new Date(95 * DAY), maxId: top }];
    const active = await createActiveReporters({
      activeSince: async (afterId, since) => { calls.push({ afterId, since: since.getTime() }); return rows.filter((r) => r.lastAt >= since && r.maxId > afterId); },
    }, { windowMs: 30 * DAY, refreshMs: 10_000, now: () => clock });
    expect(calls).to.deep.equal([{ afterId: 0, since: 70 * DAY }]);
    expect(await active.mayHave('recent')).to.equal(true);
    expect(await active.mayHave('old')).to.equal(false);
    expect(await active.mayHave('nobody')).to.equal(false);
    active.added('nobody', new Date(clock));
    expect(await active.mayHave('nobody')).to.equal(true);
    // Another process commits a tip; seen after refreshMs, asking only for ids above the last seen.
    rows = [...rows, { reporterHash: 'elsewhere', lastAt: new Date(clock), maxId: top + 2 }];
    expect(await active.mayHave('elsewhere')).to.equal(false);
    clock += 10_000;
    expect(await active.mayHave('elsewhere')).to.equal(true);
    expect(calls[1]!.afterId, 'from a little below the highest id seen').to.equal(7);
    // Out of the window after 30 days.
    clock += 26 * DAY;
    expect(await active.mayHave('recent')).to.equal(false);
  });

  it('claims nothing while the database could not be read', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const active = await createActiveReporters({
      activeSince: async () => { if (fail) throw new Error('database away'); return []; },
    }, { windowMs: 1000, refreshMs: 0, onError: (e) => errors.push(e) });
    expect(errors).to.have.length(1);
    expect(await active.mayHave('anyone')).to.equal(true);
    fail = false;
    expect(await active.mayHave('anyone')).to.equal(false);
  });

  it('lets recent tips skip the query for an inactive citizen, and still load an active one', async () => {
    let loads = 0;
    const active = await createActiveReporters({
      activeSince: async () => [{ reporterHash: 'known', lastAt: new Date(9_000), maxId: 1 }],
    }, { windowMs: 5_000, now: () => 10_000 });
    const recent = createRecentTips({
      latest: async (h) => { loads += 1; return h === 'known' ? [{ code: 'K', description: 'd', category: 'dispute', createdAt: new Date(9_000) }] : []; },
      countSince: async () => -1,
    }, { now: () => 10_000, active });
    expect(await recent.latest('new')).to.deep.equal([]);
    expect(await recent.countSince('new', new Date(6_000)), 'inside the window: from memory').to.equal(0);
    expect(await recent.countSince('new', new Date(1_000)), 'before the window: exact count').to.equal(-1);
    expect(loads).to.equal(0);
    expect((await recent.latest('known')).map((t) => t.code)).to.deep.equal(['K']);
    expect(loads).to.equal(1);
  });
});

describe(`tip intake writes (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  const q = (sql: string, replacements: unknown[] = []) =>
    ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Promise<Row[]>;

  /** Statements run while fn runs. */
  const statements = (fn: () => Promise<unknown>) => recordStatements(ctx.services.db.sequelize, fn);

  it('concurrent submissions share INSERTs, and every tip has exactly its received event and replied notice', async () => {
    const desk = ctx.services.tips.desk;
    const N = 40;
    let receipts: Array<{ code: string }> = [];
    const seen = await statements(async () => {
      receipts = await Promise.all(Array.from({ length: N }, (_, i) => desk.submit(submission({ description: `第${i}件：邻居装修噪音扰民`, danger: i % 10 === 0 }))));
    });
    const tipInserts = seen.filter((s) => /^INSERT INTO [`"]?tips[`"]? /i.test(s.trim()));
    expect(tipInserts.length, 'multi-row INSERTs').to.be.lessThan(N);
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
      // The notice names its own tip, not a neighbour in the batch.
      expect(String(r.notice_text)).to.contain(String(r.code));
    }
    const events = await q("SELECT e.data, t.colour FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE e.type = 'received'");
    for (const e of events) expect((JSON.parse(String(e.data)) as { colour: string }).colour).to.equal(e.colour);
  });

  it("a citizen's first tip reads no recent tips from the database; a second one in the month is graded as a repeat", async () => {
    const desk = ctx.services.tips.desk;
    const first = submission({ description: '村口的路灯坏了半个月没人修' });
    const seen = await statements(() => desk.submit(first));
    expect(seen.filter((s) => /reporter_hash/i.test(s) && /^\s*SELECT/i.test(s)), 'no recent-tips read').to.deep.equal([]);
    const again = await desk.submit({ ...submission({ description: '村口的路灯坏了半个月没人修，还是没修' }), citizen: first.citizen });
    const [row] = await q('SELECT colour_reason FROM tips WHERE code = ?', [again.code]);
    expect(String(row!.colour_reason)).to.contain('重复反映');
  });

  it('activeSince finds the citizens with tips in a window, above an id', async () => {
    const desk = ctx.services.tips.desk;
    await desk.submit(submission());
    await desk.submit(submission());
    const repo = createTipRepository(ctx.services.db);
    const all = await repo.activeSince(0, new Date(Date.now() - 60_000));
    expect(all).to.have.length(2);
    for (const r of all) {
      expect(r.reporterHash).to.match(/^[0-9a-f]{64}$/);
      expect(Math.abs(r.lastAt.getTime() - Date.now())).to.be.lessThan(60_000);
    }
    const top = Math.max(...all.map((r) => r.maxId));
    expect(await repo.activeSince(top, new Date(0))).to.deep.equal([]);
    expect(await repo.activeSince(0, new Date(Date.now() + 60_000))).to.deep.equal([]);
  });

  it('a retried submission inside a batch returns the first receipt and does not fail its neighbours', async () => {
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
  });

  it('the writer isolates a failing tip in a batch (a code collision) and keeps times to the millisecond', async () => {
    const repo = createTipRepository(ctx.services.db);
    const writer = createIntakeWriter(ctx.services.db, repo.models);
    const at = new Date('2026-03-04T05:06:07.891Z');
    const make = (code: string, key: string): NewTip => ({
      tip: {
        code, submissionKey: key, category: 'dispute', legalType: 'appeal', description: `描述 ${key}`, transcript: '[]', attachments: '[]',
        placeCountyCode: null, placeTownshipCode: null, placeText: null, latitude: null, longitude: null,
        channel: 'official_account', reporterHash: `hash-${key}`, reporterSealed: 'sealed', identityKeyId: 't1', anonymous: true, danger: false,
        colour: 'green', colourRank: 2, computedColour: 'green', colourReason: null, state: 'received',
        unitKey: null, accusedUnitKey: null, handlerCountyCode: null, handlerTownshipCode: null, claimedBy: null, leaseUntil: null,
        acknowledgeBy: at, assignBy: at, concludeBy: new Date('2026-05-04T15:59:59.999Z'), dueAt: at, extensionDays: 0,
        acceptedAt: null, assignedAt: null, answeredAt: null, concludedAt: null, reopenedAt: null, reviewCount: 0, answer: null,
        deliveryState: 'not_assigned', duplicateOf: null, rating: null, ratedAt: null, textsVersion: 1, createdAt: at, updatedAt: at,
      },
      event: { type: 'received', actorType: 'citizen', actorId: null, actorName: null, fromState: null, toState: 'received', reason: null, note: null, data: null, createdAt: at },
      notice: { reporterHash: `hash-${key}`, citizenChannel: 'official_account', kind: 'received', text: `受理编号：${code}`, state: 'sent', channel: 'reply', attempts: 1, lastError: null, deliveredAt: at, createdAt: at, updatedAt: at },
    });
    const results = await Promise.allSettled([
      writer.writeTip(make('SM260304AAAAAA', 'k1')),
      writer.writeTip(make('SM260304BBBBBB', 'k2')),
      writer.writeTip(make('SM260304AAAAAA', 'k3')), // same code as k1
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(2);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).to.be.instanceOf(UniqueConstraintError);

    const tip = await repo.models.Tip.findOne({ where: { submissionKey: 'k2' } });
    expect(tip!.createdAt.toISOString()).to.equal(at.toISOString());
    expect(tip!.concludeBy.toISOString()).to.equal('2026-05-04T15:59:59.999Z');
    expect(tip!.anonymous).to.equal(true);
    const [event] = await repo.models.TipEvent.findAll({ where: { tipId: tip!.id } });
    expect(event!.createdAt.toISOString()).to.equal(at.toISOString());
    const [{ n }] = await q('SELECT COUNT(*) AS n FROM tip_events') as [{ n: number }];
    expect(Number(n), 'no event for the tip that failed').to.equal(2);
  });

  it('touches of many citizens at once go out as one upsert, and the latest time for a citizen wins', async () => {
    const desk = ctx.services.tips.desk;
    const base = Date.now() - 60_000;
    const seen = await statements(() => Promise.all(Array.from({ length: 30 }, (_, i) =>
      desk.touch({ channel: 'official_account', id: `o_touch_${i}` }, new Date(base + i)))));
    expect(seen.filter((s) => /citizen_contacts/i.test(s)).length).to.be.within(1, 3);
    const rows = await q('SELECT last_message_at FROM citizen_contacts');
    expect(rows).to.have.length(30);
    const citizen = { channel: 'official_account' as const, id: 'o_touch_0' };
    const later = new Date(base + 20 * 60_000 + 123);
    await desk.touch(citizen, later);
    const repo = createTipRepository(ctx.services.db);
    const all = await repo.models.CitizenContact.findAll();
    const times = all.map((c) => c.lastMessageAt.getTime());
    expect(times).to.include(later.getTime());
    expect(times).to.include(base + 29);
  });

  it('the daily limit, answered from memory, still refuses over the limit through the webhook', async () => {
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

  it('reads several citizens\' latest tips in one statement, newest first, at most the limit each', async () => {
    const desk = ctx.services.tips.desk;
    const a = { channel: 'official_account' as const, id: 'o_recent_a' };
    const b = { channel: 'official_account' as const, id: 'o_recent_b' };
    for (let i = 0; i < 4; i += 1) await desk.submit(submission({ citizen: a, description: `甲的第${i}件事` }));
    await desk.submit(submission({ citizen: b, description: '乙的一件事' }));
    const repo = createTipRepository(ctx.services.db);
    const hashOf = async (like: string) => String((await q('SELECT reporter_hash FROM tips WHERE description LIKE ?', [like]))[0]!.reporter_hash);
    const ha = await hashOf('甲%');
    const hb = await hashOf('乙%');
    let found = new Map<string, RecentTip[]>();
    const seen = await statements(async () => { found = await repo.recentByReporters([ha, hb, 'nobody'], 3); });
    expect(seen).to.have.length(1);
    expect(found.get(ha)!.map((t) => t.description)).to.deep.equal(['甲的第3件事', '甲的第2件事', '甲的第1件事']);
    expect(found.get(hb)!.map((t) => t.description)).to.deep.equal(['乙的一件事']);
    expect(found.get('nobody')).to.deep.equal([]);
    expect(await desk.countSince(a, new Date(Date.now() - 60_000))).to.equal(4);
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
