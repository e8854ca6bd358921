// 匿名 means anonymous: no openid, channel id, name or phone of an anonymous reporter reaches any
// staff member, whatever their role, through any staff response; the reveal says so plainly and
// logs nothing (nothing was viewed). The citizen still follows the tip (查询, by the keyed
// reporter hash) and still gets notices (the seal keeps the openid for that alone).
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { createIdentityVault } from '../../src/tips/identity.js';
import { bodyOf, REVEAL_REASON, type DuplicatesBody, type TipDetail } from '../support/api.js';
import { context, showNotices, staffAgent, submission, type Agent } from './helpers.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe(`anonymous tips: no reporter identity for any staff member (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let triage: Agent;
  let admin: Agent;
  beforeEach(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage-anon', role: 'triage' })).agent;
    admin = (await staffAgent(ctx, { username: 'admin-anon', role: 'admin' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  const identityViews = async (code: string): Promise<number> => {
    const [row] = await ctx.services.db.sequelize.query(
      "SELECT COUNT(*) AS n FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'identity_viewed'",
      { replacements: [code], type: 'SELECT' },
    ) as Array<{ n: number | string }>;
    return Number(row?.n);
  };

  /** Every staff read of one tip, as the given agent, with identity=1 where it applies. */
  async function everyStaffRead(agent: Agent, code: string): Promise<Record<string, unknown>> {
    return {
      detail: (await agent.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200)).body,
      plain: (await agent.get(`/api/staff/tips/${code}`).expect(200)).body,
      list: (await agent.get('/api/staff/tips').expect(200)).body,
      search: (await agent.get('/api/staff/tips').query({ q: code }).expect(200)).body,
      duplicates: (await agent.get(`/api/staff/tips/${code}/duplicates`).expect(200)).body,
      // Triage has no dashboard (403); admin has.
      stats: (await agent.get('/api/staff/stats').expect((r) => { expect(r.status).to.be.oneOf([200, 403]); })).body,
    };
  }

  const mustNotShow = (body: unknown, secrets: string[]) => {
    const flat = JSON.stringify(body);
    for (const s of secrets) expect(flat, `staff response carries ${s}`).not.to.include(s);
  };

  it('identity=1 by triage and admin reveals no openid, name or phone, says the reporter chose anonymity, and logs no view', async () => {
    const openid = `o-anon-${Date.now()}`;
    // The port lets a name and phone come with an anonymous submission: they are not kept.
    const sub = submission({
      citizen: { channel: 'official_account', id: openid },
      contact: { anonymous: true, name: '李匿名', phone: '13800001111' },
      description: '我不想留名，我的手机13800001111，小区门口有人聚众赌博',
      transcript: [
        { at: new Date().toISOString(), from: 'citizen', kind: 'text', text: '小区门口有人聚众赌博，我手机13800001111' },
        { at: new Date().toISOString(), from: 'citizen', kind: 'text', text: '匿名' },
      ],
    });
    const { code } = await ctx.services.tips.desk.submit(sub);
    const secrets = [openid, '李匿名', '13800001111'];

    for (const agent of [triage, admin]) {
      const seen = await everyStaffRead(agent, code);
      mustNotShow(seen, secrets);
      const detail = seen.detail as { tip: { reporter: unknown }; identityWithheld: boolean; identityWithheldReason: string | null; events: Array<{ type: string }> };
      expect(detail.tip.reporter).to.deep.equal({ anonymous: true, revealed: false });
      expect(detail.identityWithheld).to.equal(true);
      expect(detail.identityWithheldReason).to.equal('anonymous');
      expect(detail.events.map((e) => e.type)).not.to.include('identity_viewed');
    }
    // Actions answer with the tip too.
    mustNotShow((await triage.post('/api/staff/tips/claim-next').send({}).expect(200)).body, secrets);
    mustNotShow((await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200)).body, secrets);
    mustNotShow(await everyStaffRead(admin, code), secrets);
    expect(await identityViews(code)).to.equal(0);

    // The seal keeps the openid alone (for notices): never the name or phone that came along.
    const [row] = await ctx.services.db.sequelize.query('SELECT reporter_sealed FROM tips WHERE code = ?', { replacements: [code], type: 'SELECT' }) as Array<{ reporter_sealed: string }>;
    const vault = createIdentityVault(ctx.config.tips.identityKeys, ctx.config.tips.identityHashKey);
    expect(vault.decrypt(row!.reporter_sealed)).to.deep.equal({ citizenId: openid });
  });

  it('a named tip still reveals to the identity right, logs each view, and says why others are refused', async () => {
    const sub = submission({ description: '我叫张三，电话13912345678，邻居噪音扰民' });
    const { code } = await ctx.services.tips.desk.submit(sub);
    const full = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(full.tip.reporter).to.deep.equal({ anonymous: false, revealed: true, citizenId: sub.citizen.id, name: '张三', phone: '13912345678' });
    expect(full.tip.description).to.include('13912345678');
    expect(full).to.include({ identityWithheld: false, identityWithheldReason: null });
    expect(full.events.filter((e) => e.type === 'identity_viewed')).to.have.length(1);
    await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200);
    expect(await identityViews(code)).to.equal(2);

    await triage.post('/api/staff/tips/claim-next').send({}).expect(200);
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const county = (await staffAgent(ctx, { username: 'sanyuan-anon', role: 'county', countyCode: '350404' })).agent;
    const c = bodyOf<TipDetail>(await county.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(c.tip.reporter).to.deep.equal({ anonymous: false, revealed: false });
    expect(c).to.include({ identityWithheld: true, identityWithheldReason: 'policy' });
    expect(JSON.stringify(c)).not.to.include(sub.citizen.id);
    expect(await identityViews(code)).to.equal(2);
  });

  it('an anonymous tip is never linked to the same citizen\'s named tip in duplicate hints', async () => {
    const citizen = { channel: 'official_account' as const, id: `o-twice-${Date.now()}` };
    const text = '小区门口每天晚上有人聚众赌博，声音很大';
    // Different townships: only "same reporter" could link them.
    const named = await ctx.services.tips.desk.submit(submission({ citizen, description: text, place: { countyCode: '350404', townshipCode: '350404001' } }));
    const anon = await ctx.services.tips.desk.submit(submission({
      citizen, description: text, contact: { anonymous: true }, place: { countyCode: '350403', townshipCode: '350403001' },
    }));
    const fromAnon = bodyOf<DuplicatesBody>(await admin.get(`/api/staff/tips/${anon.code}/duplicates`).expect(200)).suggestions;
    expect(fromAnon.map((s) => s.code)).not.to.include(named.code);
    const fromNamed = bodyOf<DuplicatesBody>(await admin.get(`/api/staff/tips/${named.code}/duplicates`).expect(200)).suggestions;
    expect(fromNamed.map((s) => s.code)).not.to.include(anon.code);
  });

  it('a duplicate notice never names the same citizen\'s other tip when either is anonymous (staff read the notices on the tip page)', async () => {
    const desk = ctx.services.tips.desk;
    const citizen = { channel: 'official_account' as const, id: `o-dup-${Date.now()}` };
    const named = await desk.submit(submission({ citizen, description: '村口有人聚众赌博' }));
    const anon = await desk.submit(submission({ citizen, description: '村口赌博又开始了', contact: { anonymous: true } }));
    const namedLater = await desk.submit(submission({ citizen, description: '村口赌博还在继续' }));
    // Anonymous tip as the duplicate of the named one; a named one as the duplicate of the anonymous one.
    for (const [dup, of] of [[anon.code, named.code], [namedLater.code, anon.code]] as const) {
      await triage.post(`/api/staff/tips/${dup}/claim`).send({}).expect(200);
      await triage.post(`/api/staff/tips/${dup}/duplicate`).send({ of }).expect(200);
      const page = (await triage.get(`/staff/tips/${dup}`).set('Accept', 'text/html').expect(200)).text;
      const notices = page.slice(page.indexOf('id="notices"'));
      expect(notices, `the notice on ${dup}'s page names ${of}`).to.include('重复反映').and.not.include(of);
    }
    // A notice being pushed is held by its dispatch: the citizen's next message shows it once that is done.
    await ctx.services.tips.idle();
    const texts = await showNotices(desk, citizen);
    expect(texts.filter((t) => t.includes('重复'))).to.have.length(2);
    for (const t of texts) expect(t).not.to.include('与您之前反映的事项');
  });

  it('the colour reason counts no repeat across an anonymous tip, in either order; a named tip counts only named ones', async () => {
    const desk = ctx.services.tips.desk;
    const text = '小区门口的路灯坏了好几天，晚上很黑';
    const shown = async (code: string) => {
      const { tip } = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}`).expect(200));
      return { colour: tip.colour, computedColour: tip.computedColour, colourReason: tip.colourReason };
    };
    const none = { colour: 'green', computedColour: 'green', colourReason: null };

    // Named, then anonymous: the anonymous tip shows no repeat.
    const first = { channel: 'official_account' as const, id: `o-named-first-${Date.now()}` };
    const named = await desk.submit(submission({ citizen: first, description: text }));
    const anon = await desk.submit(submission({ citizen: first, description: text, contact: { anonymous: true } }));
    expect(await shown(named.code)).to.deep.equal(none);
    expect(await shown(anon.code)).to.deep.equal(none);
    // A second anonymous one counts neither the named nor the anonymous one before it.
    const anonAgain = await desk.submit(submission({ citizen: first, description: text, contact: { anonymous: true } }));
    expect(await shown(anonAgain.code)).to.deep.equal(none);
    // A later named tip counts the named one only.
    const namedAgain = await desk.submit(submission({ citizen: first, description: text }));
    expect(await shown(namedAgain.code)).to.deep.equal({ colour: 'yellow', computedColour: 'yellow', colourReason: '重复反映（此前已反映1次）' });

    // Anonymous, then named: the named tip shows no repeat.
    const second = { channel: 'official_account' as const, id: `o-anon-first-${Date.now()}` };
    const anonFirst = await desk.submit(submission({ citizen: second, description: text, contact: { anonymous: true } }));
    const namedAfter = await desk.submit(submission({ citizen: second, description: text }));
    expect(await shown(anonFirst.code)).to.deep.equal(none);
    expect(await shown(namedAfter.code)).to.deep.equal(none);
    expect(anon.colour).to.equal('green');
    expect(namedAfter.colour).to.equal('green');
  });

  it('through the webhook: the citizen files 匿名, staff see no openid, 查询 finds the tip, and a status notice reaches the citizen', async () => {
    const openid = `o_anon_webhook_${Date.now()}`;
    const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid });
    const say = async (text: string) => textOf(await c.text(text));
    await say('举报');
    await say('1');
    await say('村口小卖部每天晚上有人聚众赌博');
    await say('好了');
    expect(await say('跳过')).to.contain('联系');
    expect(await say('匿名')).to.contain('确认');
    const m = /受理编号：(SM\d{6}[A-Z0-9]{4,})/.exec(await say('确认'));
    const code = m?.[1];
    if (!code) throw new Error('no tracking code');

    for (const agent of [triage, admin]) {
      const seen = await everyStaffRead(agent, code);
      mustNotShow(seen, [openid]);
      expect((seen.detail as { tip: { reporter: unknown } }).tip.reporter).to.deep.equal({ anonymous: true, revealed: false });
    }
    expect(await identityViews(code)).to.equal(0);

    // 查询: the citizen follows their tip through the keyed hash.
    expect(await say('查询')).to.contain(code);
    expect(await say(`查询 ${code}`)).to.contain(code);
    expect(await ctx.services.tips.desk.getMine({ channel: 'official_account', id: openid }, code)).to.include({ code });
    expect(await ctx.services.tips.desk.getMine({ channel: 'official_account', id: 'someone-else' }, code)).to.equal(undefined);

    // A status change is told to the citizen (inside the 48-hour window: a customer-service message).
    await triage.post('/api/staff/tips/claim-next').send({}).expect(200);
    const assigned = await triage.post(`/api/staff/tips/${code}/assign`).send({ unitKey: 'police' }).expect(200);
    mustNotShow(assigned.body, [openid]);
    const call = await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);
    expect(call.body).to.deep.include({ touser: openid, msgtype: 'text' });
    expect(JSON.stringify(call.body)).to.include(code);
    const events = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    mustNotShow(events, [openid]);
    expect(await identityViews(code)).to.equal(0);
  });
});
