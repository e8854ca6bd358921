// How a notice reaches the citizen when the customer-service message is not the way: a template
// says what changed and where to read it, and the whole notice (the answer, the reason, the new
// date) is still shown at the citizen's next message; a customer-service quota used up falls back
// to the template; a long notice goes in parts WeChat does not cut.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { context, staffAgent, submission } from './helpers.js';

const CUSTOM_SEND = '/cgi-bin/message/custom/send';
const TEMPLATE_SEND = '/cgi-bin/message/template/send';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TemplateBody { touser: string; data: Record<string, { value: string }> }

const templatesTo = (ctx: TestContext, openid: string) => ctx.fakeWechat.calls
  .filter((c) => c.path === TEMPLATE_SEND && (c.body as TemplateBody).touser === openid)
  .map((c) => c.body as TemplateBody);
const customTo = (ctx: TestContext, openid: string) => ctx.fakeWechat.calls
  .filter((c) => c.path === CUSTOM_SEND && (c.body as { touser?: string }).touser === openid)
  .map((c) => (c.body as { text?: { content: string } }).text?.content ?? '');

/** What the citizen reads after one message: the passive reply and what follows by customer-service message. */
async function readAfter(ctx: TestContext, openid: string, text: string): Promise<string> {
  const before = customTo(ctx, openid).length;
  const chat = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid });
  const reply = await chat.text(text);
  await sleep(300);
  return [reply.type === 'text' ? reply.text : '', ...customTo(ctx, openid).slice(before)].join('\n');
}

describe(`citizen notices by template, by quota fallback, in parts (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  it('outside the window: the template says what changed; the reason, new date and answer follow at the next message, once', async () => {
    ctx = await context({ wechat: { templates: { tipStatus: 'TPL-TIP-STATUS' } } });
    const sub = submission({ citizen: { channel: 'official_account', id: 'o_template_reader' } });
    const { code } = await ctx.services.tips.desk.submit(sub);
    const { agent: triage } = await staffAgent(ctx, { username: 'tpl-triage', role: 'triage' });
    const { agent: county } = await staffAgent(ctx, { username: 'tpl-county', role: 'county', countyCode: '350404' });
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    await county.post(`/api/staff/tips/${code}/start`).expect(200);
    await county.post(`/api/staff/tips/${code}/extend`).send({ days: 20, reason: '需要请住建部门现场检测' }).expect(200);
    await county.post(`/api/staff/tips/${code}/answer`).send({ answer: '经检测噪音超标，已责令施工方晚十点后停工。' }).expect(200);
    await ctx.services.tips.idle();

    const templates = templatesTo(ctx, sub.citizen.id);
    expect(templates).to.have.length(3);
    for (const t of templates) {
      const thing = t.data.thing3!.value;
      expect(Array.from(thing).length).to.be.at.most(20);
      // Not the notice's first characters cut in the middle of the code: what changed, and where to read it.
      expect(thing, thing).to.include('查询').and.not.include('SM');
    }
    expect(templates[1]!.data.thing3!.value).to.include('延长');
    expect(templates[2]!.data.thing3!.value).to.include('答复');

    const read = await readAfter(ctx, sub.citizen.id, '查询');
    expect(read).to.include('三元区').and.include('需要请住建部门现场检测').and.include('20日').and.include('经检测噪音超标，已责令施工方晚十点后停工。');
    // In the order they happened.
    expect(read.indexOf('三元区')).to.be.lessThan(read.indexOf('需要请住建部门现场检测'));
    expect(read.indexOf('需要请住建部门现场检测')).to.be.lessThan(read.indexOf('经检测噪音超标'));
    const again = await readAfter(ctx, sub.citizen.id, '帮助');
    expect(again).to.not.include('需要请住建部门现场检测').and.not.include('经检测噪音超标');
    expect(templatesTo(ctx, sub.citizen.id)).to.have.length(3);
  });

  it('customer-service quota used up (45047): the template goes instead', async () => {
    ctx = await context({ wechat: { templates: { tipStatus: 'TPL-TIP-STATUS' } } });
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.touch(sub.citizen, new Date());
    ctx.fakeWechat.failNext(CUSTOM_SEND, 45047);
    const { agent } = await staffAgent(ctx, { username: 'quota-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/reject`).send({ reason: '不属于受理范围' }).expect(200);
    await ctx.services.tips.idle();
    const templates = templatesTo(ctx, sub.citizen.id);
    expect(templates).to.have.length(1);
    expect(templates[0]!.data.phrase2!.value).to.equal('不予受理');
  });

  it('a long answer by customer-service message goes in parts of at most 2048 bytes, in order', async () => {
    ctx = await context();
    const sub = submission();
    const { code } = await ctx.services.tips.desk.submit(sub);
    await ctx.services.tips.desk.touch(sub.citizen, new Date());
    const { agent } = await staffAgent(ctx, { username: 'long-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${code}/claim`).send({}).expect(200);
    const answer = Array.from({ length: 60 }, (_, i) => `第${i + 1}条：经调查核实，相关单位已依法处理。`).join('');
    await agent.post(`/api/staff/tips/${code}/answer`).send({ answer }).expect(200);
    await ctx.services.tips.idle();
    const parts = customTo(ctx, sub.citizen.id);
    expect(parts.length).to.be.greaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).to.be.at.most(2048);
    expect(parts.join('')).to.include(answer);
  });
});
