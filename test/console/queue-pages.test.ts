// The queue and tip pages over HTTP: claiming a tip by its code (API and page), the CSRF guard on
// a tip action, form refusals shown beside the form, the answer's 办理 step, and the logged
// reveal of the reporter.
import { expect } from 'chai';
import request from 'supertest';
import { isFlashKey } from '../../src/staff/pages/flash.js';
import type { TestContext } from '../support/harness.js';
import { bodyOf, errorOf, type TipBody, type TipDetail } from '../support/api.js';
import { type Agent, context, PASSWORD, staffAgent, submission } from '../tips/helpers.js';

/** A browser-like cookie jar signed in through the console's form, and the page's CSRF token. */
async function consoleAgent(ctx: TestContext, username: string): Promise<{ agent: Agent; token: string }> {
  const agent = request.agent(ctx.callback);
  const form = await agent.get('/staff/login').expect(200);
  const login = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post('/staff/login').set('Origin', ctx.config.publicOrigin).type('form')
    .send({ username, password: PASSWORD, _csrf: login }).expect(303);
  const page = await agent.get('/staff/queue').expect(200);
  return { agent, token: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

describe('console: queue and tip pages', () => {
  let ctx: TestContext;
  let triage: Agent;
  let county: Agent;
  before(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'clerk', role: 'triage', displayName: '受理员甲' })).agent;
    county = (await staffAgent(ctx, { username: 'sanyuan', role: 'county', countyCode: '350404' })).agent;
  });
  after(async () => { await ctx.close(); });

  const detailOf = async (code: string) => bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
  const submit = async (over = {}) => (await ctx.services.tips.desk.submit(submission(over))).code;

  it('names the place once: the citizen\'s words only when they say more than the township', async () => {
    const { agent } = await consoleAgent(ctx, 'clerk');
    const placeRow = async (text: string) => {
      const code = await submit({ place: { countyCode: '350404', townshipCode: '350404001', text } });
      const page = (await agent.get(`/staff/tips/${code}`).expect(200)).text;
      return /<dt>地点<\/dt><dd>([^<]*)<\/dd>/.exec(page)?.[1];
    };
    expect(await placeRow('列东街道')).to.equal('三元区 · 列东街道');
    expect(await placeRow('东安新村3栋楼下')).to.equal('三元区 · 列东街道：东安新村3栋楼下');
  });

  it('an unknown console address is a 404 with the menu for a member, and the sign-in for anyone else', async () => {
    const { agent } = await consoleAgent(ctx, 'clerk');
    const page = await agent.get('/staff/no-such-page').set('Accept', 'text/html').expect(404);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.contain('没有这个页面').and.contain('退出').and.contain('受理员甲（受理员）');
    // A member named as their role (the first admin, 系统管理员) is named once.
    await staffAgent(ctx, { username: 'first-admin', role: 'admin', displayName: '系统管理员' });
    const adminPage = (await (await consoleAgent(ctx, 'first-admin')).agent.get('/staff/queue').expect(200)).text;
    expect(adminPage).to.contain('<span>系统管理员</span>').and.not.contain('系统管理员（系统管理员）');
    const stranger = await request(ctx.callback).get('/staff/no-such-page').set('Accept', 'text/html');
    expect(stranger.status).to.be.oneOf([302, 303]);
    expect(stranger.headers.location).to.match(/^\/staff\/login/);
    // The console's other sections, mounted after the staff pages, still answer themselves (the
    // articles section refuses a triage member with its own 403, not this 404).
    await agent.get('/staff/articles').expect(403);
  });

  it('claims a received tip by its code through the API, once', async () => {
    const code = await submit();
    const res = bodyOf<TipBody>(await triage.post(`/api/staff/tips/${code}/claim`).send({}).expect(200));
    expect(res.tip.state).to.equal('claimed');
    expect(res.tip.leaseUntil).to.be.a('string');
    const again = await triage.post(`/api/staff/tips/${code}/claim`).send({}).expect(409);
    expect(errorOf(again).code).to.equal('TIP_ILLEGAL_TRANSITION');
    expect(errorOf(await triage.post('/api/staff/tips/not-a-code/claim').send({}).expect(400)).code).to.equal('VALIDATION_FAILED');
    expect(errorOf(await triage.post('/api/staff/tips/SM260101AAAAAA/claim').send({}).expect(404)).code).to.equal('TIP_NOT_FOUND');
    // County staff have no queue to claim from.
    expect(errorOf(await county.post(`/api/staff/tips/${await submit()}/claim`).send({}).expect(403)).code).to.equal('FORBIDDEN');
    const detail = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}`).expect(200));
    expect(detail.events.map((e) => e.type)).to.include('claimed');
  });

  it('claims by code on the queue page, with fixed messages for what cannot be claimed', async () => {
    const { agent, token } = await consoleAgent(ctx, 'clerk');
    const code = await submit();
    const form = (fields: Record<string, string>) => agent.post('/staff/queue/claim').set('Origin', ctx.config.publicOrigin).type('form').send(fields);
    // Each answer redirects, and the page it leads to says what happened, once.
    const said = async (fields: Record<string, string>, location: string) => {
      const res = await form(fields).expect(303);
      expect(res.headers.location).to.equal(location);
      return (await agent.get(location).expect(200)).text;
    };
    expect(await said({ _csrf: token, code: code.toLowerCase() }, `/staff/tips/${code}`)).to.contain('已领取该事项');
    // A refusal gives the typed code back in its field, to correct rather than type again.
    expect(await said({ _csrf: token, code }, `/staff/queue?claim=${code}`)).to.contain('该事项已被领取或已在办理').and.contain(`value="${code}"`);
    expect(await said({ _csrf: token, code: 'xyz' }, '/staff/queue?claim=xyz')).to.contain('编号格式不正确').and.contain('value="xyz"');
    expect(await said({ _csrf: token, code: 'SM260101AAAAA0' }, '/staff/queue?claim=SM260101AAAAA0')).to.contain('没有找到该编号的事项');
    // What is given back is text in a field, never markup.
    expect(await said({ _csrf: token, code: '"><b>x' }, `/staff/queue?claim=${encodeURIComponent('"><b>x').replace(/%20/g, '+')}`)).to.contain('value="&quot;&gt;&lt;b&gt;x"');
    // Shown once: a reload says nothing more.
    expect((await agent.get('/staff/queue').expect(200)).text).not.to.contain('没有找到该编号的事项');
    // The cookie carries a key of a fixed table: anything else is no message at all.
    expect(isFlashKey('<b>hi')).to.equal(false);
    expect(isFlashKey('toString')).to.equal(false);
  });

  it('refuses a tip action posted without the CSRF token, and changes nothing', async () => {
    const { agent } = await consoleAgent(ctx, 'clerk');
    const code = await submit();
    await triage.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    const res = await agent.post(`/staff/tips/${code}/release`).set('Origin', ctx.config.publicOrigin).type('form').send({}).expect(403);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.contain('页面已过期');
    expect((await detailOf(code)).tip.state).to.equal('claimed');
  });

  it('shows a refused form again with its message and what was typed', async () => {
    const { agent, token } = await consoleAgent(ctx, 'clerk');
    const code = await submit();
    await agent.post('/staff/queue/claim').set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: token, code }).expect(303);
    const res = await agent.post(`/staff/tips/${code}/assign`).set('Origin', ctx.config.publicOrigin).type('form')
      .send({ _csrf: token, unit: '火星区', reason: '试一下' }).expect(400);
    expect(res.text).to.contain('没有这个单位').and.contain('value="火星区"').and.contain('value="试一下"');
    // The message at the top of a long page links down to the refused form.
    expect(res.text).to.match(/id="form-error">[^<]*<a href="#assign">查看出错的地方<\/a>/).and.contain('id="assign"');
    const ok = await agent.post(`/staff/tips/${code}/assign`).set('Origin', ctx.config.publicOrigin).type('form')
      .send({ _csrf: token, unit: '三元区 列东街道' }).expect(303);
    expect(ok.headers.location).to.equal(`/staff/tips/${code}`);
    expect((await agent.get(`/staff/tips/${code}`).expect(200)).text).to.contain('已交办');
    const tip = (await detailOf(code)).tip;
    expect(tip.unitKey).to.equal('350404001');
  });

  it('names a 检举控告 tip\'s category once, not 检举控告（检举控告）', async () => {
    const code = await submit({ category: 'report', description: '举报某单位工作人员吃拿卡要' });
    const page = (await triage.get(`/staff/tips/${code}`).set('Accept', 'text/html').expect(200)).text;
    expect(page).to.contain('<dt>类别</dt><dd>检举控告</dd>').and.not.contain('检举控告（检举控告）');
  });

  it('lets county staff answer only after 开始办理', async () => {
    const code = await submit();
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const { agent, token } = await consoleAgent(ctx, 'sanyuan');
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain('开始办理').and.not.contain('id="answer"');
    const post = (path: string, fields: Record<string, string>) =>
      agent.post(`/staff/tips/${code}${path}`).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: token, ...fields });
    const early = await post('/answer', { answer: '已处理' }).expect(409);
    expect(early.text).to.contain('请先点击「开始办理」');
    expect((await post('/answer/preview', { answer: '已处理' }).expect(409)).text).to.contain('请先点击「开始办理」');
    await post('/start', {}).expect(303);
    const preview = await post('/answer/preview', { answer: '已处理<b>完毕</b>' }).expect(200);
    expect(preview.text).to.contain('已处理&lt;b&gt;完毕&lt;/b&gt;');
    // The way back that keeps the answer is the form's 「返回修改」; the plain link says it drops it.
    expect(preview.text).to.contain('formaction="/staff/tips/' + code + '/answer/edit"').and.match(/id="answer-abandon">[^<]*不保留/);
    await post('/answer', { answer: '已处理完毕' }).expect(303);
    expect((await detailOf(code)).tip.state).to.equal('answered');
  });

  it('reveals the reporter only with a reason, logs the view, and never to county staff', async () => {
    const code = await submit({ contact: { anonymous: false, name: '王五', phone: '13800001111' } });
    const { agent, token } = await consoleAgent(ctx, 'clerk');
    const reveal = (fields: Record<string, string>) =>
      agent.post(`/staff/tips/${code}/identity`).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: token, ...fields });
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain(`action="/staff/tips/${code}/identity"`).and.not.contain('王五');
    expect((await reveal({ reason: ' ' }).expect(400)).text).to.contain('请写明查看原因').and.not.contain('王五');
    const shown = await reveal({ reason: '需要回访核实情况' }).expect(200);
    expect(shown.text).to.contain('王五').and.contain('13800001111');
    const events = (await detailOf(code)).events;
    const viewed = events.filter((e) => e.type === 'identity_viewed');
    expect(viewed).to.have.length(1);
    expect(viewed[0]?.reason, 'the reason is kept with the logged view').to.equal('需要回访核实情况');

    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const other = await consoleAgent(ctx, 'sanyuan');
    expect((await other.agent.get(`/staff/tips/${code}`).expect(200)).text).not.to.contain(`action="/staff/tips/${code}/identity"`);
    await other.agent.post(`/staff/tips/${code}/identity`).set('Origin', ctx.config.publicOrigin).type('form')
      .send({ _csrf: other.token, reason: '想看看' }).expect(403);
  });
});
