// Evidence is never swallowed, through the webhook (real HTTP, signed XML): photos of a tip are not
// rate-limited, a limited message is told so in the passive reply, a waiting notice goes after the
// answer and is recorded delivered only once the part carrying it went out.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { createWebhookApp, customMessagesTo, supertestTransport, type WebhookApp } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { sqlDate } from '../../src/db/index.js';
import type { Bot, BotInput, BotReply, NoticeId, NoticeOutcome } from '../../src/bot/types.js';
import { submission } from '../tips/helpers.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CUSTOM_SEND = '/cgi-bin/message/custom/send';

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('webhook: notices are reported delivered only once their part went out (scripted bot)', function () {
  this.timeout(20_000);
  const settled: Array<[readonly NoticeId[], NoticeOutcome]> = [];
  const bot: Bot = {
    async handle(input: BotInput): Promise<BotReply> {
      const text = input.kind === 'text' ? input.text : '';
      if (text === 'slow') await sleep(400);
      if (text === 'later') return { parts: [{ type: 'text', text: '答复' }, { type: 'text', text: '通知二', notices: [2] }] };
      return { parts: [{ type: 'text', text: '答复\n\n通知一', notices: [1] }] };
    },
    noticesSettled(_citizen, ids, outcome) {
      settled.push([ids, outcome]);
      return Promise.resolve();
    },
  };
  let w: WebhookApp;
  before(async () => { w = await createWebhookApp(bot); });
  after(async () => w.close());
  beforeEach(() => { settled.length = 0; });

  it('in the passive reply: delivered once the reply was written', async () => {
    const reply = await w.client('o_passive').text('hi');
    expect(textOf(reply)).to.equal('答复\n\n通知一');
    await until(() => settled.length === 1, 'the report');
    expect(settled).to.deep.equal([[[1], 'delivered']]);
  });

  it('in a customer-service part: delivered when WeChat accepts it, not delivered when the send fails', async () => {
    const c = w.client('o_later');
    expect(textOf(await c.text('later'))).to.equal('答复');
    await until(() => settled.length === 1, 'the report');
    expect(settled).to.deep.equal([[[2], 'delivered']]);
    expect(await customMessagesTo(w.fakeWechat, 'o_later', 1)).to.deep.equal(['通知二']);

    settled.length = 0;
    w.fakeWechat.failNext(CUSTOM_SEND, 45015);
    expect(textOf(await c.text('later'))).to.equal('答复');
    await until(() => settled.length === 1, 'the report');
    expect(settled).to.deep.equal([[[2], 'not_delivered']]);
  });

  it('a passive reply WeChat hung up on is not delivered; the retry that gets it written is', async () => {
    const server = http.createServer(w.app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const c = w.client('o_hung_up');
      const { path, body } = c.envelope(c.messageXml({ MsgType: 'text', Content: 'slow', MsgId: c.nextMsgId() }));
      // WeChat gives up on the first delivery before the answer is ready.
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'text/xml' } });
      req.on('error', () => undefined);
      req.end(body);
      await sleep(100);
      req.destroy();
      await until(() => settled.length === 1, 'the report');
      expect(settled).to.deep.equal([[[1], 'not_delivered']]);
      // Its retry is answered from the stored reply, written this time.
      const retry = await supertestTransport(w.app.callback()).post(path, body);
      expect(textOf(c.decode(retry.status, retry.text))).to.contain('通知一');
      await until(() => settled.length === 2, 'the second report');
      expect(settled[1]).to.deep.equal([[1], 'delivered']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe(`webhook: evidence is never swallowed (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext | undefined;
  afterEach(async () => { await ctx?.close(); ctx = undefined; });

  const chat = (c: TestContext, openid: string) =>
    new ChatClient({ transport: supertestTransport(c.callback), token: c.config.wechat.token, openid });

  /**
   * A notice waiting for the citizen, as a push that could not reach them leaves it, written
   * straight into tip_notices (as another instance would): seen at the citizen's next message.
   */
  async function waitingNotice(c: TestContext, openid: string, text: (code: string) => string): Promise<{ id: number; text: string }> {
    const { code } = await c.services.tips.desk.submit(submission({ citizen: { channel: 'official_account', id: openid } }));
    const q = c.services.db.sequelize;
    const [tip] = await q.query('SELECT id, reporter_hash FROM tips WHERE code = ?', { replacements: [code], type: 'SELECT' }) as Array<{ id: number; reporter_hash: string }>;
    const at = sqlDate(c.services.db.dialect, new Date());
    const body = text(code);
    await q.query(
      `INSERT INTO tip_notices (tip_id, reporter_hash, citizen_channel, kind, text, state, attempts, created_at, updated_at)
       VALUES (?, ?, 'official_account', 'answered', ?, 'pending', 1, ?, ?)`,
      { replacements: [tip!.id, tip!.reporter_hash, body, at, at] },
    );
    // What every writer of a waiting notice does after its commit (src/tips/notices.ts).
    await c.services.state.delete(`notices-none:${tip!.reporter_hash}`);
    const [row] = await q.query('SELECT MAX(id) AS id FROM tip_notices', { type: 'SELECT' }) as Array<{ id: number }>;
    return { id: Number(row!.id), text: body };
  }

  const noticeState = async (c: TestContext, id: number): Promise<string> => {
    const [row] = await c.services.db.sequelize.query('SELECT state FROM tip_notices WHERE id = ?', { replacements: [id], type: 'SELECT' }) as Array<{ state: string }>;
    return row!.state;
  };

  it('answers photo 18 and 「好了」 of a citizen sending evidence', async () => {
    ctx = await createTestContext();
    const c = chat(ctx, 'o_evidence');
    expect(textOf(await c.text('举报'))).to.contain('类别');
    expect(textOf(await c.text('1'))).to.contain('描述');
    await c.text('村口小卖部每天晚上有人聚众赌博');
    for (let i = 1; i <= 20; i += 1) {
      const reply = textOf(await c.image(`photo-${i}`));
      expect(reply, `photo ${i}`).to.contain('收到').and.not.contain('发得有点快');
    }
    expect(textOf(await c.text('好了'))).to.match(/位置|地点/);
  });

  it('tells a message over the limit outside a tip that it was not taken, in the passive reply, before a waiting notice', async () => {
    ctx = await createTestContext({ bot: { messagesPerMinute: 2 } });
    const openid = 'o_limited';
    const c = chat(ctx, openid);
    await c.text('帮助');
    await c.text('帮助');
    const notice = await waitingNotice(ctx, openid, (code) => `您反映的事项 ${code} 已有答复。`);
    const limited = textOf(await c.text('帮助'));
    expect(limited).to.match(/^您发得有点快/).and.contain('没有记下');
    expect(limited.endsWith(`\n\n${notice.text}`), limited).to.equal(true);
  });

  it('a waiting notice and a message: the passive reply holds the answer first, then the notice, recorded delivered once written', async () => {
    ctx = await createTestContext();
    const openid = 'o_answer_first';
    const notice = await waitingNotice(ctx, openid, (code) => `您反映的事项 ${code} 已有答复：已责令整改。`);
    const reply = textOf(await chat(ctx, openid).text('帮助'));
    expect(reply.endsWith(`\n\n${notice.text}`), reply).to.equal(true);
    expect(reply.length).to.be.greaterThan(notice.text.length + 2); // the answer comes first
    await until(async () => (await noticeState(ctx!, notice.id)) === 'shown', 'the notice recorded shown');
    expect(textOf(await chat(ctx, openid).text('帮助'))).to.not.contain(notice.text);
  });

  it('a notice the engine put in a reply stays held, not delivered, until the adapter reports it', async () => {
    ctx = await createTestContext();
    const openid = 'o_held';
    const notice = await waitingNotice(ctx, openid, (code) => `您反映的事项 ${code} 已办结。`);
    const citizen = { channel: 'official_account' as const, id: openid };
    const reply = await ctx.services.bot.handle({ citizen, receivedAt: new Date(), kind: 'text', text: '帮助' });
    const last = reply.parts.at(-1);
    expect(last?.type === 'text' && last.notices).to.deep.equal([notice.id]);
    expect(await noticeState(ctx, notice.id)).to.equal('held');
    // A second message meanwhile does not show it again.
    const meanwhile = await ctx.services.bot.handle({ citizen, receivedAt: new Date(), kind: 'text', text: '帮助' });
    expect(JSON.stringify(meanwhile)).to.not.contain(notice.text);
    await ctx.services.bot.noticesSettled(citizen, [notice.id], 'delivered');
    expect(await noticeState(ctx, notice.id)).to.equal('shown');
  });

  it('when the customer-service send fails the notice stays pending, and is shown at the next message', async () => {
    ctx = await createTestContext();
    const openid = 'o_cs_fails';
    // Too long to share one message with the answer: it goes by customer-service message.
    const notice = await waitingNotice(ctx, openid, (code) => `您反映的事项 ${code} 已有答复：${'经调查核实，相关单位已依法处理。'.repeat(60)}`);
    const c = chat(ctx, openid);
    ctx.fakeWechat.failNext(CUSTOM_SEND, 45015);
    const first = textOf(await c.text('帮助'));
    expect(first).to.not.contain('已有答复');
    await ctx.fakeWechat.waitForCall(CUSTOM_SEND);
    await until(async () => (await noticeState(ctx!, notice.id)) === 'pending', 'the notice back to pending');

    const second = textOf(await c.text('帮助'));
    expect(second).to.not.contain('已有答复');
    const sent = await customMessagesTo(ctx.fakeWechat, openid, 3);
    expect(sent.join('')).to.contain('经调查核实');
    await until(async () => (await noticeState(ctx!, notice.id)) === 'shown', 'the notice recorded shown');
  });
});
