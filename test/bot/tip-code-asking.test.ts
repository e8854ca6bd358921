// 「查询 编号」 as citizens really type it, through the webhook: the code alone, with 编号 or 查一下
// around it, in quotes, after it, the menu's own words 进度查询, spaces, lower case, full width.
// Each reads the citizen's own tip; another citizen's code reads as unknown; 评价 with a code is
// still a rating; 查询 of one tip shows the whole answer.
import { expect } from 'chai';
import { createTestContext, type TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { staffAgent, submission } from '../tips/helpers.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`查询 with a tracking code, as typed (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let code: string;
  let otherCode: string;
  const chat = (openid: string) => new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid });
  before(async () => {
    ctx = await createTestContext();
    code = (await ctx.services.tips.desk.submit(submission({ citizen: { channel: 'official_account', id: 'o_asker' } }))).code;
    otherCode = (await ctx.services.tips.desk.submit(submission({ citizen: { channel: 'official_account', id: 'o_someone_else' } }))).code;
  });
  after(async () => { await ctx.close(); });

  it('reads the citizen\'s own tip however the code is asked for', async () => {
    const c = chat('o_asker');
    const spaced = `${code.slice(0, 2)} ${code.slice(2, 8)} ${code.slice(8, 11)} ${code.slice(11)}`;
    const fullWidth = code.replace(/[A-Z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const asked = [
      `查询 编号 ${code}`, `查询编号：${code}`, code, `查一下${code}`, `查询「${code}」`, `${code} 进度`,
      `进度查询 ${code}`, `查询 ${spaced}`, `查询 ${code.toLowerCase()}`, fullWidth, `帮我查一下编号${code}的进度`,
    ];
    for (const typed of asked) {
      const reply = textOf(await c.text(typed));
      expect(reply, typed).to.include(`编号：${code}`).and.include('状态：已收到');
    }
  });

  it('another citizen\'s code and an unknown one read alike; 查询进度 lists the citizen\'s tips', async () => {
    const c = chat('o_asker');
    const other = textOf(await c.text(`查询编号：${otherCode}`));
    expect(other).to.include('没有找到').and.not.include('状态');
    const unknown = textOf(await c.text('查询编号：SM251201ABCDEF'));
    expect(unknown.replace('SM251201ABCDEF', 'X')).to.equal(other.replace(otherCode, 'X'));
    const list = textOf(await c.text('查询进度'));
    expect(list).to.include('您反映的问题').and.include(code).and.not.include(otherCode);
  });

  it('words with a code that ask something else are not taken for 查询', async () => {
    const c = chat('o_asker');
    expect(textOf(await c.text(`评价 ${code}`))).to.include('还没有答复');
  });

  it('查询 of an answered tip shows the whole answer', async () => {
    const answered = (await ctx.services.tips.desk.submit(submission({ citizen: { channel: 'official_account', id: 'o_long_answer' } }))).code;
    const { agent } = await staffAgent(ctx, { username: 'asking-triage', role: 'triage' });
    await agent.post(`/api/staff/tips/${answered}/claim`).send({}).expect(200);
    const answer = `${'经调查核实，施工方已承诺晚上十点后不再施工，'.repeat(20)}如再发生请拨打12345。`;
    await agent.post(`/api/staff/tips/${answered}/answer`).send({ answer }).expect(200);
    await ctx.services.tips.idle();
    const c = chat('o_long_answer');
    // The answer's notice is shown with this first message: 查询 afterwards reads the tip alone.
    await c.text('帮助');
    await sleep(300);
    const before = ctx.fakeWechat.calls.length;
    const first = textOf(await c.text(`查询 ${answered}`));
    await sleep(300);
    const rest = ctx.fakeWechat.calls.slice(before)
      .filter((call) => call.path === '/cgi-bin/message/custom/send' && (call.body as { touser?: string }).touser === 'o_long_answer')
      .map((call) => (call.body as { text?: { content: string } }).text?.content ?? '');
    expect([first, ...rest].join('')).to.include(answer);
  });
});
