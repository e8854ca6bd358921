import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, errorOf, type ClaimBody, type TipBody } from '../support/api.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';

const q = (ctx: TestContext, sql: string, replacements: unknown[] = []) =>
  ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Promise<Array<Record<string, unknown>>>;

describe(`claim-next queue (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  it('hands out red before yellow before green, oldest first, and null when empty', async () => {
    const desk = ctx.services.tips.desk;
    const green1 = await desk.submit(submission({ description: '路灯坏了' }));
    const yellow = await desk.submit(submission({ description: '独居老人被邻居辱骂' }));
    const green2 = await desk.submit(submission({ description: '建议增加公交班次' }));
    const red = await desk.submit(submission({ danger: true, description: '有人持刀威胁' }));
    expect([red.colour, yellow.colour, green1.colour]).to.deep.equal(['red', 'yellow', 'green']);
    const { agent } = await staffAgent(ctx, { username: 'triage1', role: 'triage' });
    const order: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { tip } = bodyOf<ClaimBody>(await agent.post('/api/staff/tips/claim-next').expect(200));
      order.push(tip ? tip.code : 'none');
    }
    expect(order).to.deep.equal([red.code, yellow.code, green1.code, green2.code, 'none']);
    const [tip] = await q(ctx, 'SELECT state, claimed_by, lease_until FROM tips WHERE code = ?', [red.code]);
    expect(tip!.state).to.equal('claimed');
    const events = await q(ctx, 'SELECT e.type, e.from_state, e.to_state FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id', [red.code]);
    expect(events.map((e) => e.type)).to.deep.equal(['received', 'claimed']);
  });

  it('the claimed tip reads exactly as the detail view reads it (types of booleans, dates, numbers)', async () => {
    const receipt = await ctx.services.tips.desk.submit(submission({ danger: true, description: '有人持刀威胁', place: { countyCode: '350404', text: '列东街道', latitude: 26.26, longitude: 117.64 } }));
    const { agent } = await staffAgent(ctx, { username: 'triage-v', role: 'triage' });
    // Read as plain records: the comparison covers every field sent, whatever the type names.
    const claimed = bodyOf<{ tip: Record<string, unknown> }>(await agent.post('/api/staff/tips/claim-next').expect(200)).tip;
    const detail = bodyOf<{ tip: Record<string, unknown> }>(await agent.get(`/api/staff/tips/${receipt.code}`).expect(200)).tip;
    // `overdue` depends on the clock of each call; everything else must be identical.
    expect({ ...claimed, overdue: null }).to.deep.equal({ ...detail, overdue: null });
    expect(claimed).to.include({ code: receipt.code, state: 'claimed', danger: true, colour: 'red' });
    expect(claimed).to.not.have.property('lease_expired_waiting');
    expect((claimed.reporter as { anonymous: unknown }).anonymous).to.equal(false);
  });

  it('returns an expired lease to the queue in the claim query', async () => {
    const receipt = await ctx.services.tips.desk.submit(submission());
    const a = await staffAgent(ctx, { username: 'triage-a', role: 'triage' });
    const b = await staffAgent(ctx, { username: 'triage-b', role: 'triage' });
    expect(bodyOf<ClaimBody>(await a.agent.post('/api/staff/tips/claim-next').expect(200)).tip?.code).to.equal(receipt.code);
    expect(bodyOf<ClaimBody>(await b.agent.post('/api/staff/tips/claim-next').expect(200)).tip).to.equal(null);
    // a's lease runs out (30 minutes by default): the tip is b's to take.
    await ctx.services.db.sequelize.query('UPDATE tips SET lease_until = ? WHERE code = ?', { replacements: [new Date(Date.now() - 1000), receipt.code] });
    const { tip } = bodyOf<ClaimBody>(await b.agent.post('/api/staff/tips/claim-next').expect(200));
    expect(tip?.code).to.equal(receipt.code);
    expect(tip?.claimedBy).to.equal(b.staff.id);
    const events = await q(ctx, 'SELECT e.type, e.from_state, e.to_state, e.actor_type FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id', [receipt.code]);
    expect(events.map((e) => `${String(e.type)}:${String(e.from_state)}>${String(e.to_state)}`)).to.deep.equal([
      'received:null>received', 'claimed:received>claimed', 'lease_expired:claimed>received', 'claimed:received>claimed',
    ]);
    // a's stale claim no longer lets a act on it.
    await a.agent.post(`/api/staff/tips/${receipt.code}/reject`).send({ reason: '不属于受理范围' }).expect(409);
  });

  it('releases a claim back to the queue', async () => {
    const receipt = await ctx.services.tips.desk.submit(submission());
    const { agent } = await staffAgent(ctx, { username: 'triage-r', role: 'triage' });
    await agent.post('/api/staff/tips/claim-next').expect(200);
    const res = await agent.post(`/api/staff/tips/${receipt.code}/release`).expect(200);
    expect(bodyOf<TipBody>(res).tip.state).to.equal('received');
    expect(bodyOf<ClaimBody>(await agent.post('/api/staff/tips/claim-next').expect(200)).tip?.code).to.equal(receipt.code);
  });

  it('county staff and editors cannot claim from the city queue', async () => {
    await ctx.services.tips.desk.submit(submission());
    const county = await staffAgent(ctx, { username: 'county1', role: 'county', countyCode: '350404' });
    const res = await county.agent.post('/api/staff/tips/claim-next').expect(403);
    expect(errorOf(res).code).to.equal('FORBIDDEN');
  });

  it('20 concurrent claimers: no tip claimed twice, none skipped', async function () {
    this.timeout(120_000);
    const desk = ctx.services.tips.desk;
    const N = 100;
    const texts = ['路灯坏了', '独居老人被邻居辱骂', '有人持刀威胁', '建议增加公交班次'];
    const codes = new Set<string>();
    await Promise.all(Array.from({ length: N }, (_, i) =>
      desk.submit(submission({ description: `${texts[i % 4]!}（${i}）`, danger: i % 10 === 0 })).then((r) => codes.add(r.code))));
    expect(codes.size).to.equal(N);
    const agents: Agent[] = [];
    for (let i = 0; i < 20; i += 1) agents.push((await staffAgent(ctx, { username: `claimer${i}`, role: 'triage' })).agent);
    const claimed: string[] = [];
    await Promise.all(agents.map(async (agent) => {
      for (;;) {
        const res = await agent.post('/api/staff/tips/claim-next');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const { tip } = bodyOf<ClaimBody>(res);
        if (!tip) return;
        claimed.push(tip.code);
      }
    }));
    expect(claimed.length).to.equal(N);
    expect(new Set(claimed).size).to.equal(N);
    expect([...codes].every((c) => claimed.includes(c))).to.equal(true);
    const left = await q(ctx, "SELECT COUNT(*) AS n FROM tips WHERE state <> 'claimed'");
    expect(Number(left[0]!.n)).to.equal(0);
    const claimEvents = await q(ctx, "SELECT COUNT(*) AS n FROM tip_events WHERE type = 'claimed'");
    expect(Number(claimEvents[0]!.n)).to.equal(N);
  });
});
