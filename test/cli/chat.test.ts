// `npm run chat` shows what the server sends by customer-service message: in development the
// server's WeChat client is pointed at a stand-in of the WeChat API that the chat serves and prints.
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sinkAddress, startChatSink, type SinkMessage } from '../../src/cli/chat-sink.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import { WechatClient, customNews, customText } from '../../src/wechat/index.js';
import { sqlDate } from '../../src/db/index.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { submission } from '../tips/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('npm run chat: customer-service messages reach the terminal', function () {
  this.timeout(30_000);

  it('serves only a WeChat API address on this machine over plain HTTP', () => {
    expect(sinkAddress('http://127.0.0.1:3001')).to.deep.equal({ host: '127.0.0.1', port: 3001 });
    expect(sinkAddress('http://localhost:0')).to.deep.equal({ host: 'localhost', port: 0 });
    expect(sinkAddress('https://api.weixin.qq.com')).to.equal(undefined);
    expect(sinkAddress('http://10.0.0.8:3001')).to.equal(undefined);
  });

  it('the development server sends its WeChat API calls to the chat, production to WeChat', () => {
    const dev = JSON.parse(readFileSync('config/development.json', 'utf8')) as { wechat: { apiBase?: string } };
    expect(sinkAddress(dev.wechat.apiBase ?? '')).to.not.equal(undefined);
    const prod = JSON.parse(readFileSync('config/production.json', 'utf8')) as { wechat?: { apiBase?: string } };
    const base = JSON.parse(readFileSync('config/default.json', 'utf8')) as { wechat: { apiBase: string } };
    expect(prod.wechat?.apiBase ?? base.wechat.apiBase).to.equal('https://api.weixin.qq.com');
  });

  it('the sink speaks the endpoints the real WeChat client uses, and refuses the others', async () => {
    const seen: SinkMessage[] = [];
    const sink = await startChatSink({ host: '127.0.0.1', port: 0, onMessage: (m) => seen.push(m) });
    const tokens = new MemoryStore();
    try {
      const client = new WechatClient({ appId: 'wx-dev', appSecret: 'whatever', apiBase: sink.url, tokenStore: tokens });
      await client.messageCustomSend(customText('o_me', '稍后的回答'));
      await client.messageCustomSend(customNews('o_me', [{ title: '反诈预警', url: 'https://example.com/a' }]));
      await client.messageTemplateSend({ touser: 'o_me', template_id: 'T', data: { character_string1: { value: 'SM1' }, phrase2: { value: '已答复' } } });
      expect(seen).to.deep.equal([
        { toUser: 'o_me', kind: 'custom', text: '稍后的回答' },
        { toUser: 'o_me', kind: 'custom', text: '[图文] 反诈预警\nhttps://example.com/a' },
        { toUser: 'o_me', kind: 'template', text: 'SM1 · 已答复' },
      ]);
      await client.menuCreate({ button: [] }).then(
        () => expect.fail('the menu push must not look as if it went out'),
        (err: { errcode?: number }) => expect(err.errcode).to.equal(48001),
      );
    } finally {
      await tokens.close();
      await sink.close();
    }
  });

  describe('the chat process against the server', () => {
    let ctx: TestContext | undefined;
    let chat: ChildProcessWithoutNullStreams | undefined;
    let server: http.Server | undefined;
    after(async () => {
      chat?.kill();
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await ctx?.close();
    });

    it('prints a notice sent after the passive reply, below it, and the notice is recorded delivered', async () => {
      // The app answers requests once it exists (below): it needs the chat's sink address.
      server = http.createServer();
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      let out = '';
      chat = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--url', url], {
        env: { ...process.env, NODE_ENV: 'test', WECHAT_API_BASE: 'http://127.0.0.1:0' },
      });
      chat.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
      chat.stderr.on('data', (d: Buffer) => { out += d.toString('utf8'); });
      const seen = async (pattern: RegExp, what: string) => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const m = pattern.exec(out);
          if (m) return m;
          if (Date.now() > deadline) throw new Error(`chat did not show ${what}:\n${out}`);
          await sleep(50);
        }
      };
      const sinkUrl = (await seen(/客服消息 ← (http:\/\/127\.0\.0\.1:\d+)/, 'its sink address'))[1]!;

      ctx = await createTestContext({ wechat: { apiBase: sinkUrl } });
      server.on('request', ctx.callback);
      // A notice waiting for the chat's citizen, too long to share one message with the answer.
      const citizen = { channel: 'official_account' as const, id: 'o_chat_citizen' };
      const { code } = await ctx.services.tips.desk.submit(submission({ citizen }));
      const q = ctx.services.db.sequelize;
      const [tip] = await q.query('SELECT id, reporter_hash FROM tips WHERE code = ?', { replacements: [code], type: 'SELECT' }) as Array<{ id: number; reporter_hash: string }>;
      const at = sqlDate(ctx.services.db.dialect, new Date());
      const text = `您反映的事项 ${code} 已有答复：${'经调查核实，相关单位已依法处理。'.repeat(60)}`;
      await q.query(
        `INSERT INTO tip_notices (tip_id, reporter_hash, citizen_channel, kind, text, state, attempts, created_at, updated_at)
         VALUES (?, ?, 'official_account', 'answered', ?, 'pending', 1, ?, ?)`,
        { replacements: [tip!.id, tip!.reporter_hash, text, at, at] },
      );
      // What every writer of a waiting notice does after its commit (src/tips/notices.ts).
      await ctx.services.state.delete(`notices-none:${tip!.reporter_hash}`);

      chat.stdin.write('帮助\n');
      const shown = await seen(/\[客服消息\] (您反映的事项 SM\S+ 已有答复：[^\n]*)/, 'the customer-service message');
      expect(text.startsWith(shown[1]!)).to.equal(true);
      // Below the passive reply of the message it belongs to (normally before the next prompt).
      const asked = out.indexOf('> 帮助\n');
      const later = out.indexOf('[客服消息]');
      expect(asked).to.be.greaterThan(0);
      expect(out.slice(asked, later)).to.match(/^> 帮助\n\n[^]+\n\n(> \n)?$/);
      const deadline = Date.now() + 5000;
      for (;;) {
        const [row] = await q.query('SELECT state FROM tip_notices WHERE text = ?', { replacements: [text], type: 'SELECT' }) as Array<{ state: string }>;
        if (row?.state === 'shown') break;
        if (Date.now() > deadline) throw new Error(`notice state ${row?.state}`);
        await sleep(50);
      }
      chat.stdin.write('/quit\n');
      const code2 = await new Promise<number | null>((resolve) => chat!.once('exit', resolve));
      expect(code2).to.equal(0);
    });
  });
});
