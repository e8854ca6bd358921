import { expect } from 'chai';
import request from 'supertest';
import { sha1Signature } from '../../src/wechat/index.js';
import type { Bot, BotInput, BotReply } from '../../src/bot/types.js';
import { createWebhookApp, customMessagesTo, type WebhookApp } from '../support/webhook-app.js';
import { errorOf } from '../support/api.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A scripted bot: echoes text, and can be made slow or failing per message content. */
function scriptedBot(calls: BotInput[]): Bot {
  return {
    async handle(input): Promise<BotReply> {
      calls.push(input);
      if (input.kind === 'subscribe') return { parts: [{ type: 'text', text: '欢迎关注平安三明' }] };
      if (input.kind === 'menu') return { parts: [{ type: 'news', articles: Array.from({ length: 10 }, (_, i) => ({ title: `文章${i}`, url: `https://x/${i}` })) }] };
      if (input.kind !== 'text') return { parts: [{ type: 'text', text: `收到${input.kind}` }] };
      if (input.text === 'slow') { await sleep(1500); return { parts: [{ type: 'text', text: '慢回答' }] }; }
      if (input.text === 'boom') throw new Error('handler exploded');
      if (input.text === 'long') return { parts: [{ type: 'text', text: '长'.repeat(1500) }] };
      if (input.text === 'cdata') return { parts: [{ type: 'text', text: 'a]]>b<xml>' }] };
      if (input.text === 'two') return { parts: [{ type: 'text', text: '第一条' }, { type: 'text', text: '第二条' }] };
      if (input.text === 'human') return { parts: [{ type: 'transfer_customer_service' }] };
      if (input.text === 'count') { await sleep(100); return { parts: [{ type: 'text', text: `第${calls.length}次` }] }; }
      return { parts: [{ type: 'text', text: `你说：${input.text}` }] };
    },
    async noticesSettled() {},
  };
}

function signedQuery(token: string, timestamp = String(Math.floor(Date.now() / 1000)), nonce = 'n0nce') {
  return `signature=${sha1Signature([token, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}`;
}

describe('webhook protocol (/wechat)', () => {
  let w: WebhookApp;
  const calls: BotInput[] = [];

  before(async () => {
    w = await createWebhookApp(scriptedBot(calls), { wechat: { replyBudgetMs: 200 } });
  });
  after(async () => w.close());
  beforeEach(() => { calls.length = 0; });

  describe('URL verification (GET)', () => {
    it('echoes echostr as-is for a valid signature', async () => {
      const res = await request(w.app.callback()).get(`/wechat?${signedQuery(w.config.wechat.token)}&echostr=abc%2B123`);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('abc+123');
    });
    it('refuses a wrong signature with 401', async () => {
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await request(w.app.callback()).get(`/wechat?signature=${'0'.repeat(40)}&timestamp=${ts}&nonce=x&echostr=e`);
      expect(res.status).to.equal(401);
      expect(errorOf(res).code).to.equal('WECHAT_BAD_SIGNATURE');
      // Refusals carry the request id too, as the access line does.
      expect(res.headers['x-request-id']).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });

  describe('plaintext mode', () => {
    it('answers a text message with a text reply addressed back to the citizen', async () => {
      const reply = await w.client('o_plain').text('你好');
      expect(reply.type).to.equal('text');
      if (reply.type === 'text') expect(reply.text).to.equal('你说：你好');
      expect(reply.raw).to.contain('<ToUserName><![CDATA[o_plain]]></ToUserName>');
      expect(reply.raw).to.match(/<CreateTime>\d{10}<\/CreateTime>/);
    });
    it("sends the reply as its UTF-8 bytes, with their length as Content-Length", async () => {
      const body = '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o_bytes]]></FromUserName><CreateTime>1700000000</CreateTime>' +
        '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[平安😀]]></Content><MsgId>77</MsgId></xml>';
      const res = await request(w.app.callback()).post(`/wechat?${signedQuery(w.config.wechat.token)}`).set('content-type', 'text/xml').send(body)
        .buffer(true).parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const bytes = res.body as Buffer;
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/xml; charset=utf-8');
      expect(Number(res.headers['content-length'])).to.equal(bytes.length);
      const xml = bytes.toString('utf8');
      expect(Buffer.from(xml, 'utf8').equals(bytes)).to.equal(true);
      expect(xml).to.contain('<Content><![CDATA[你说：平安😀]]></Content>').and.to.contain('<ToUserName><![CDATA[o_bytes]]></ToUserName>');
    });
    it('keeps the MsgId as a string beyond 2^53', async () => {
      await w.client('o_id').text('hi', '9007199254740993123');
      expect(calls[0]?.msgId).to.equal('9007199254740993123');
    });
    it('round-trips ]]> inside a text reply', async () => {
      const reply = await w.client('o_cdata').text('cdata');
      expect(reply.type === 'text' && reply.text).to.equal('a]]>b<xml>');
    });
    it('limits news to 1 article in reply to a message and 8 after an event', async () => {
      const afterEvent = await w.client('o_news').click('ARTICLES');
      expect(afterEvent.type === 'news' && afterEvent.articles.length).to.equal(8);
    });
    it('renders transfer_customer_service', async () => {
      const reply = await w.client('o_kf').text('human');
      expect(reply.type).to.equal('transfer_customer_service');
    });
    it('cuts a text over 2048 bytes and sends the rest as customer-service messages', async () => {
      const reply = await w.client('o_long').text('long');
      expect(reply.type).to.equal('text');
      if (reply.type !== 'text') return;
      expect(Buffer.byteLength(reply.text)).to.be.at.most(2048);
      const rest = await customMessagesTo(w.fakeWechat, 'o_long', 2);
      for (const t of rest) expect(Buffer.byteLength(t)).to.be.at.most(2048);
      expect(reply.text + rest.join('')).to.equal('长'.repeat(1500));
    });
    it('sends extra reply parts after the first', async () => {
      const reply = await w.client('o_two').text('two');
      expect(reply.type === 'text' && reply.text).to.equal('第一条');
      expect(await customMessagesTo(w.fakeWechat, 'o_two', 1)).to.deep.equal(['第二条']);
    });
    it('answers subscribe events', async () => {
      const reply = await w.client('o_sub').subscribe('poster1');
      expect(reply.type === 'text' && reply.text).to.contain('欢迎');
      expect(calls[0]).to.include({ kind: 'subscribe', scene: 'poster1' });
    });
  });

  describe('safe mode (encrypt_type=aes)', () => {
    it('decrypts, answers and encrypts the reply with a fresh nonce', async () => {
      const c = w.client('o_aes', { aes: true });
      const reply = await c.text('安全模式');
      expect(reply.type === 'text' && reply.text).to.equal('你说：安全模式');
      expect(reply.raw).to.contain('<Encrypt>').and.to.contain('<MsgSignature>');
      const again = await c.text('安全模式');
      expect(again.raw).to.not.equal(reply.raw);
    });
    it('refuses plaintext when the account requires encryption', async () => {
      const strict = await createWebhookApp(scriptedBot([]), { wechat: { requireEncryption: true } });
      try {
        const plain = await strict.client('o_strict').text('hi');
        expect(plain.type).to.equal('error');
        expect(plain.status).to.equal(400);
        const safe = await strict.client('o_strict', { aes: true }).text('hi');
        expect(safe.type).to.equal('text');
      } finally {
        await strict.close();
      }
    });
  });

  describe('retries and the 5-second rule', () => {
    it('runs the handler once for 3 concurrent deliveries of the same MsgId, all get the same reply', async () => {
      const c = w.client('o_dupe');
      const xml = c.messageXml({ MsgType: 'text', Content: 'count', MsgId: c.nextMsgId() });
      const replies = await Promise.all([c.send(xml), c.send(xml), c.send(xml)]);
      expect(calls.filter((x) => x.citizen.id === 'o_dupe')).to.have.length(1);
      const texts = replies.map((r) => (r.type === 'text' ? r.text : r.type));
      expect(new Set(texts).size).to.equal(1);
      expect(texts[0]).to.match(/^第\d+次$/);
      const late = await c.send(xml);
      expect(late.type === 'text' && late.text).to.equal(texts[0]);
      expect(calls.filter((x) => x.citizen.id === 'o_dupe')).to.have.length(1);
    });
    it('a retry after the first answer went out gets the same bytes (same CreateTime), a news reply too', async () => {
      const c = w.client('o_retry_later');
      const text = c.messageXml({ MsgType: 'text', Content: 'cdata', MsgId: c.nextMsgId() });
      const menu = c.messageXml({ MsgType: 'event', Event: 'CLICK', EventKey: 'ARTICLES' });
      const first = await c.send(text);
      const firstNews = await c.send(menu);
      await sleep(1100); // a second later: a reply made afresh would carry a new CreateTime
      const again = await c.send(text);
      const againNews = await c.send(menu);
      expect(first.type).to.equal('text');
      expect(again.raw).to.equal(first.raw);
      expect(firstNews.type === 'news' && firstNews.articles).to.have.length(8);
      expect(againNews.raw).to.equal(firstNews.raw);
      expect(calls.filter((x) => x.citizen.id === 'o_retry_later')).to.have.length(2);
    });
    it('a retry of a message answered late gets success again, and the handler still runs once', async () => {
      const c = w.client('o_slow_retry');
      const xml = c.messageXml({ MsgType: 'text', Content: 'slow', MsgId: c.nextMsgId() });
      expect((await c.send(xml)).type).to.equal('none');
      expect(await customMessagesTo(w.fakeWechat, 'o_slow_retry', 1)).to.deep.equal(['慢回答']);
      expect((await c.send(xml)).type).to.equal('none');
      expect(calls.filter((x) => x.citizen.id === 'o_slow_retry')).to.have.length(1);
    });
    it('answers success within the budget for a slow handler and delivers the answer by customer service', async () => {
      const started = Date.now();
      const reply = await w.client('o_slow').text('slow');
      expect(reply.type).to.equal('none');
      expect(Date.now() - started).to.be.below(1200); // budget 200 ms; the handler takes 1500 ms
      expect(await customMessagesTo(w.fakeWechat, 'o_slow', 1)).to.deep.equal(['慢回答']);
    });
    it('events with nothing for the engine get success at once, concurrent retries too, and no handler call', async () => {
      const c = w.client('o_template');
      const xml = c.messageXml({ MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', MsgID: c.nextMsgId(), Status: 'success' });
      const replies = await Promise.all([c.send(xml), c.send(xml), c.send(xml)]);
      expect(replies.map((r) => r.type)).to.deep.equal(['none', 'none', 'none']);
      expect((await c.send(xml)).type).to.equal('none');
      expect(calls.filter((x) => x.citizen.id === 'o_template')).to.have.length(0);
      // The same key answered again later is still served (nothing was left waiting).
      const text = await c.text('after');
      expect(text.type === 'text' && text.text).to.equal('你说：after');
    });
    it('a handler that throws before returning a promise fails like one that rejects: success, an apology, once', async () => {
      let called = 0;
      const sync = await createWebhookApp({
        handle(): Promise<BotReply> {
          called += 1;
          throw new Error('thrown before any promise');
        },
        async noticesSettled() {},
      });
      try {
        const c = sync.client('o_sync_boom');
        const xml = c.messageXml({ MsgType: 'text', Content: 'x', MsgId: c.nextMsgId() });
        const replies = await Promise.all([c.send(xml), c.send(xml)]);
        expect(replies.map((r) => [r.status, r.type])).to.deep.equal([[200, 'none'], [200, 'none']]);
        const [apology] = await customMessagesTo(sync.fakeWechat, 'o_sync_boom', 1);
        expect(apology).to.contain('抱歉');
        expect((await c.send(xml)).type).to.equal('none');
        expect(called).to.equal(1);
      } finally {
        await sync.close();
      }
    });
    it('a handler that answers with something unusable fails like one that rejects, and the process keeps serving', async () => {
      let called = 0;
      const broken = await createWebhookApp({
        handle(input): Promise<BotReply> {
          called += 1;
          if (input.kind === 'text' && input.text === 'fine') return Promise.resolve({ parts: [{ type: 'text', text: '好的' }] });
          return Promise.resolve(undefined as unknown as BotReply);
        },
        async noticesSettled() {},
      });
      try {
        const c = broken.client('o_unusable');
        const xml = c.messageXml({ MsgType: 'text', Content: 'x', MsgId: c.nextMsgId() });
        const reply = await c.send(xml);
        expect([reply.status, reply.type]).to.deep.equal([200, 'none']);
        const [apology] = await customMessagesTo(broken.fakeWechat, 'o_unusable', 1);
        expect(apology).to.contain('抱歉');
        expect((await c.send(xml)).type).to.equal('none');
        expect(called).to.equal(1);
        const fine = await c.text('fine');
        expect(fine.type === 'text' && fine.text).to.equal('好的');
      } finally {
        await broken.close();
      }
    });
    it('a handler that returns its answer without a promise is answered as usual', async () => {
      const plain = await createWebhookApp({
        handle: ((input: BotInput) => ({ parts: [{ type: 'text', text: input.kind === 'text' ? `同步：${input.text}` : '' }] })) as unknown as Bot['handle'],
        async noticesSettled() {},
      });
      try {
        const reply = await plain.client('o_sync_value').text('你好');
        expect(reply.type === 'text' && reply.text).to.equal('同步：你好');
      } finally {
        await plain.close();
      }
    });
    it('a handler that throws yields success and an apology to the citizen', async () => {
      const reply = await w.client('o_boom').text('boom');
      expect(reply.type).to.equal('none');
      expect(reply.status).to.equal(200);
      const [apology] = await customMessagesTo(w.fakeWechat, 'o_boom', 1);
      expect(apology).to.contain('抱歉');
    });
  });

  describe('HTTP surface of the handler', () => {
    it('answers HEAD like GET without a body, and OPTIONS with the allowed methods', async () => {
      const head = await request(w.app.callback()).head(`/wechat?${signedQuery(w.config.wechat.token)}&echostr=abc`);
      expect(head.status).to.equal(200);
      expect(head.text ?? '').to.equal('');
      const options = await request(w.app.callback()).options('/wechat');
      expect(options.status).to.equal(200);
      expect(options.headers.allow).to.equal('GET, HEAD, POST');
    });
    it('refuses other methods with 405 and a stable code', async () => {
      const res = await request(w.app.callback()).put(`/wechat?${signedQuery(w.config.wechat.token)}`).send('x');
      expect(res.status).to.equal(405);
      expect(res.headers.allow).to.equal('GET, HEAD, POST');
      expect(errorOf(res).code).to.equal('METHOD_NOT_ALLOWED');
    });
    it('serves /wechat/ too, and leaves /wechatx to the rest of the app (404)', async () => {
      const slash = await request(w.app.callback()).get(`/wechat/?${signedQuery(w.config.wechat.token)}&echostr=s`);
      expect(slash.text).to.equal('s');
      const other = await request(w.app.callback()).get(`/wechatx?${signedQuery(w.config.wechat.token)}&echostr=s`);
      expect(other.status).to.equal(404);
    });
    it('treats a query key given twice as absent: no choosing between two signatures', async () => {
      const q = signedQuery(w.config.wechat.token);
      const res = await request(w.app.callback()).get(`/wechat?${q}&signature=${'0'.repeat(40)}&echostr=e`);
      expect(res.status).to.equal(401);
      expect(errorOf(res).code).to.equal('WECHAT_BAD_SIGNATURE');
    });
    it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
      const q = `/wechat?${signedQuery(w.config.wechat.token)}&echostr=e`;
      const kept = await request(w.app.callback()).get(q).set('X-Request-Id', 'abcd-1234-efgh');
      expect(kept.headers['x-request-id']).to.equal('abcd-1234-efgh');
      const made = await request(w.app.callback()).get(q).set('X-Request-Id', '<script>');
      const next = await request(w.app.callback()).get(q);
      expect(made.headers['x-request-id']).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(next.headers['x-request-id']).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/).and.not.equal(made.headers['x-request-id']);
    });
  });

  describe('metrics', () => {
    it('counts WeChat messages by kind and requests by route', async () => {
      await w.client('o_m').text('hello');
      const text = await w.metrics.registry.metrics();
      expect(text).to.match(/wechat_messages_total\{kind="text",mode="plain"\} \d+/);
      expect(text).to.match(/http_requests_total\{method="POST",route="\/wechat",status="200"\} \d+/);
    });
  });
});
