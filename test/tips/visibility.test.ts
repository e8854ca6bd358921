import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, REVEAL_REASON, errorOf, type DuplicatesBody, type TipBody, type TipDetail, type TipPage } from '../support/api.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';

describe(`who sees what (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let triage: Agent;
  beforeEach(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  it('redacts numbers typed in full-width digits too, in the description and the transcript', async () => {
    const typed = '我的手机１３９１２３４５６７８，身份证３５０４０４１９９００１０１１２３４';
    const { code } = await ctx.services.tips.desk.submit(submission({
      description: typed,
      transcript: [{ at: '2025-11-26T02:00:00.000Z', from: 'citizen', kind: 'text', text: typed }],
    }));
    const plain = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
    const shown = JSON.stringify([plain.tip.description, plain.transcript]);
    expect(shown).to.include('139****5678');
    for (const clear of ['１３９１２３４５６７８', '13912345678', '３５０４０４１９９００１０１１２３４', '350404199001011234']) {
      expect(shown).not.to.include(clear);
    }
  });

  it('masks personal data in the staff-written answer unless the view carries the revealed identity', async () => {
    const answer = '已转派出所处理，民警小王电话13812345678，也可打我座机0598-8234567，身份证350404199001011234请带上';
    const clear = ['13812345678', '0598-8234567', '8234567', '350404199001011234'];
    const { code } = await ctx.services.tips.desk.submit(submission({ description: '小区门口有人聚众赌博' }));
    await triage.post('/api/staff/tips/claim-next').expect(200);
    // Triage reveals the reporter, hands the tip to the county, and answers once it is started.
    const revealed = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(revealed.tip.reporter.revealed).to.equal(true);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const county = (await staffAgent(ctx, { username: 'sanyuan-answer', role: 'county', countyCode: '350404' })).agent;
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    const answered = bodyOf<TipBody>(await triage.post(`/api/staff/tips/${code}/answer`).send({ answer }).expect(200));
    const masked = '已转派出所处理，民警小王电话138****5678，也可打我座机0598-***4567，身份证350404********1234请带上';
    expect(answered.tip.answer).to.equal(masked);

    // The county officer (no identity right), asking for the identity or not: masked everywhere.
    for (const path of [`/api/staff/tips/${code}`, `/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`]) {
      const c = bodyOf<TipDetail>(await county.get(path).expect(200));
      expect(c.tip.reporter.revealed).to.equal(false);
      expect(c.tip.answer).to.equal(masked);
      expect(c.events.find((e) => e.type === 'answer')?.note).to.equal(masked);
      for (const value of clear) expect(JSON.stringify(c), value).not.to.include(value);
    }
    const list = bodyOf<TipPage>(await county.get('/api/staff/tips').expect(200));
    expect(list.items.find((t) => t.code === code)?.answer).to.equal(masked);
    // Triage without the reveal: masked too; with it: as written.
    expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).tip.answer).to.equal(masked);
    expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200)).tip.answer).to.equal(answer);
  });

  it('never shows an anonymous tip\'s answer unmasked, not even to the identity right', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission({ description: '小区门口有人聚众赌博', contact: { anonymous: true } }));
    await triage.post('/api/staff/tips/claim-next').expect(200);
    await triage.post(`/api/staff/tips/${code}/answer`).send({ answer: '请联系民警，电话13812345678' }).expect(200);
    const admin = (await staffAgent(ctx, { username: 'admin-answer', role: 'admin' })).agent;
    const d = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(d.tip.answer).to.equal('请联系民警，电话138****5678');
  });

  it('a reveal also logs a view on the same reporter\'s other named tips (hints link them), never on an anonymous one', async () => {
    const citizen = { channel: 'official_account' as const, id: 'openid-linked' };
    const desk = ctx.services.tips.desk;
    const { code: first } = await desk.submit(submission({ citizen, description: '邻居装修噪音扰民，晚上十点后还在施工' }));
    const { code: second } = await desk.submit(submission({ citizen, description: '邻居装修噪音扰民，晚上十一点还在施工' }));
    const { code: anonymous } = await desk.submit(submission({ citizen, description: '邻居装修噪音扰民，半夜还在施工', contact: { anonymous: true } }));
    const other = (await desk.submit(submission({ description: '邻居装修噪音扰民' }))).code;
    await triage.get(`/api/staff/tips/${second}?identity=1&reason=${REVEAL_REASON}`).expect(200);
    const viewsOf = async (code: string) => bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).events.filter((e) => e.type === 'identity_viewed');
    const linked = await viewsOf(first);
    expect(linked).to.have.length(1);
    expect(linked[0]).to.include({ actorName: 'triage1', reason: '核实举报内容，联系举报人' });
    expect(linked[0]?.note).to.contain(second);
    expect(await viewsOf(anonymous)).to.have.length(0);
    expect(await viewsOf(other)).to.have.length(0);
  });

  it('redacts the reporter and numbers in the text unless identity=1 is asked and allowed, and logs each view', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission({
      description: '我叫张三，电话13912345678，身份证350404199001011234，邻居噪音扰民',
    }));
    const plain = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
    expect(plain.tip.reporter).to.deep.equal({ anonymous: false, revealed: false });
    expect(plain.tip.description).to.include('139****5678');
    expect(plain.tip.description).not.to.include('13912345678');
    expect(plain.tip.description).not.to.include('350404199001011234');
    expect(JSON.stringify(plain.transcript)).not.to.include('13912345678');
    expect(plain.events.map((e) => e.type)).not.to.include('identity_viewed');

    const full = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(full.tip.reporter).to.include({ revealed: true, name: '张三', phone: '13912345678' });
    expect(full.tip.description).to.include('13912345678');
    const again = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    const views = again.events.filter((e) => e.type === 'identity_viewed');
    expect(views).to.have.length(2);
    expect(views[0]?.actorName).to.equal('triage1');
    // A reveal says why, and the reason stays with the logged view; without one nothing is shown.
    expect(views[0]?.reason).to.equal('核实举报内容，联系举报人');
    const refused = await triage.get(`/api/staff/tips/${code}?identity=1`).expect(400);
    expect(JSON.stringify(refused.body)).to.contain('reason').and.not.contain('13912345678');
    expect(bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200)).events.filter((e) => e.type === 'identity_viewed')).to.have.length(2);

    // A county officer (no identity right) who handles it gets the redacted view, and no log entry.
    await triage.post('/api/staff/tips/claim-next').expect(200);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ townshipCode: '350404001' }).expect(200);
    const county = (await staffAgent(ctx, { username: 'sanyuan', role: 'county', countyCode: '350404' })).agent;
    const c = bodyOf<TipDetail>(await county.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(c.tip.reporter.revealed).to.equal(false);
    expect(c.identityWithheld).to.equal(true);
    const township = (await staffAgent(ctx, { username: 'liedong', role: 'township', townshipCode: '350404001' })).agent;
    await township.get(`/api/staff/tips/${code}`).expect(200);
    const other = (await staffAgent(ctx, { username: 'other-town', role: 'township', townshipCode: '350404002' })).agent;
    await other.get(`/api/staff/tips/${code}`).expect(404);
    const [{ n }] = await ctx.services.db.sequelize.query("SELECT COUNT(*) AS n FROM tip_events WHERE type = 'identity_viewed'", { type: 'SELECT' }) as unknown as [{ n: number }];
    expect(Number(n)).to.equal(2);
  });

  it('检举控告: city triage, supervisors and discipline only, never the accused unit nor county staff', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission({ category: 'report', description: '某派出所民警收受好处费' }));
    const police = (await staffAgent(ctx, { username: 'police-triage', role: 'triage', unitKey: 'police' })).agent;
    const discipline = (await staffAgent(ctx, { username: 'jiwei', role: 'county', countyCode: '350404', unitKey: 'discipline' })).agent;
    const supervisor = (await staffAgent(ctx, { username: 'duban', role: 'supervisor' })).agent;
    const county = (await staffAgent(ctx, { username: 'sanyuan', role: 'county', countyCode: '350404' })).agent;
    const editor = (await staffAgent(ctx, { username: 'editor', role: 'editor' })).agent;

    await triage.post('/api/staff/tips/claim-next').expect(200);
    // Naming the accused unit; the tip cannot go to it nor to county staff.
    const toAccused = await triage.post(`/api/staff/tips/${code}/assign`).send({ unitKey: 'police', accusedUnitKey: 'police' }).expect(409);
    expect(errorOf(toAccused).code).to.equal('TIP_ASSIGN_TO_ACCUSED');
    const unnamed = await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(409);
    expect(errorOf(unnamed).code).to.equal('TIP_ACCUSED_UNIT_REQUIRED');
    // To the county: only the county's discipline officer there sees it.
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404', accusedUnitKey: 'police' }).expect(200);

    await police.get(`/api/staff/tips/${code}`).expect(404);
    expect(bodyOf<TipPage>(await police.get('/api/staff/tips').expect(200)).total).to.equal(0);
    await county.get(`/api/staff/tips/${code}`).expect(404);
    expect(bodyOf<TipPage>(await county.get('/api/staff/tips').expect(200)).total).to.equal(0);
    await supervisor.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200);
    const d = bodyOf<TipDetail>(await discipline.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(d.tip.reporter.revealed).to.equal(true);
    expect(bodyOf<TipPage>(await editor.get('/api/staff/tips').expect(200)).total).to.equal(0);
    await editor.get(`/api/staff/tips/${code}`).expect(404);
  });

  it('lists with filters, a literal text search and paging', async () => {
    const desk = ctx.services.tips.desk;
    const a = await desk.submit(submission({ description: '折扣100%_返现 的广告骚扰', category: 'fraud' }));
    await desk.submit(submission({ description: '折扣100元返现' , category: 'fraud' }));
    await desk.submit(submission({ description: '有人持刀威胁', danger: true }));
    for (let i = 0; i < 5; i += 1) await desk.submit(submission({ description: `路灯坏了第${i}盏` }));

    const pct = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ q: '100%_' }).expect(200));
    expect(pct.items.map((t) => t.code)).to.deep.equal([a.code]);
    const byCode = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ q: a.code.slice(0, 10).toLowerCase() }).expect(200));
    expect(byCode.items.map((t) => t.code)).to.include(a.code);
    const red = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ colour: 'red' }).expect(200));
    expect(red.total).to.equal(1);
    const fraud = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ category: 'fraud', state: 'received', county: '350404' }).expect(200));
    expect(fraud.total).to.equal(2);
    const page = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ page: 2, pageSize: 3 }).expect(200));
    expect(page).to.include({ total: 8, page: 2, pageSize: 3 });
    expect(page.items).to.have.length(3);
    const overdue = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ overdue: '1' }).expect(200));
    expect(overdue.total).to.equal(0);
    const tooBig = await triage.get('/api/staff/tips').query({ pageSize: 101 }).expect(400);
    expect(errorOf(tooBig).fields?.[0]?.path).to.equal('pageSize');
    await triage.get('/api/staff/tips').query({ sort: 'id' }).expect(400);
  });

  it('suggests duplicates among tips the viewer may see', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission({ description: '小区门口每天晚上有人聚众赌博' });
    const first = await desk.submit(sub);
    const second = await desk.submit({ ...submission({ description: '小区门口每天晚上都有人聚众赌博' }), citizen: sub.citizen });
    const res = await triage.get(`/api/staff/tips/${second.code}/duplicates`).expect(200);
    expect(bodyOf<DuplicatesBody>(res).suggestions[0]).to.include({ code: first.code, reason: 'same_reporter_similar' });
  });
});
