import { expect } from 'chai';
import request from 'supertest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { sha1Signature, WechatCrypto } from '../../src/wechat/index.js';
import type { Bot } from '../../src/bot/types.js';
import { createWebhookApp, type WebhookApp } from '../support/webhook-app.js';
import { bodyOf, type ErrorBody } from '../support/api.js';

const echoBot: Bot = {
  handle(input) {
    return Promise.resolve({ parts: [{ type: 'text', text: input.kind === 'text' ? `你说：${input.text}` : '收到' }] });
  },
  async noticesSettled() {},
};

const TEXT = '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o_h]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>';

/** Encrypts a hand-made plaintext layout (random | len | msg | appid | pad) to forge bad lengths. */
function forge(aesKey: string, msg: Buffer, declaredLen: number, appId: string): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declaredLen >>> 0);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const k = 32 - (body.length % 32);
  const padded = Buffer.concat([body, Buffer.alloc(k, k)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

describe('webhook under hostile input', () => {
  let w: WebhookApp;
  before(async () => { w = await createWebhookApp(echoBot); });
  after(async () => w.close());

  const now = () => String(Math.floor(Date.now() / 1000));
  const plainPath = (ts = now(), nonce = 'abc') =>
    `/wechat?signature=${sha1Signature([w.config.wechat.token, ts, nonce])}&timestamp=${ts}&nonce=${nonce}`;
  const aesPost = (encrypt: string) => {
    const ts = now();
    const nonce = 'n1';
    const c = new WechatCrypto({ token: w.config.wechat.token, encodingAESKey: w.config.wechat.aesKey, appId: w.config.wechat.appId });
    const q = `${plainPath(ts, nonce)}&encrypt_type=aes&msg_signature=${c.msgSignature(ts, nonce, encrypt)}`;
    return request(w.app.callback()).post(q).set('content-type', 'text/xml')
      .send(`<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
  };
  const post = (body: string | Buffer, path = plainPath()) =>
    request(w.app.callback()).post(path).set('content-type', 'text/xml').send(body);

  const cases: Array<{ name: string; status: number; code: string; send: () => Promise<request.Response> }> = [
    { name: 'XXE external entity', status: 400, code: 'WECHAT_BAD_XML', send: () => post(`<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>&xxe;</ToUserName></xml>`) },
    { name: 'billion laughs', status: 400, code: 'WECHAT_BAD_XML', send: () => post(`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`) },
    { name: 'any DOCTYPE', status: 400, code: 'WECHAT_BAD_XML', send: () => post(`<!DOCTYPE xml><xml><MsgType>text</MsgType></xml>`) },
    { name: 'undeclared entity reference', status: 400, code: 'WECHAT_BAD_XML', send: () => post(TEXT.replace('hi]]>', 'hi]]>').replace('<![CDATA[hi]]>', '&foo;')) },
    { name: 'malformed XML', status: 400, code: 'WECHAT_BAD_XML', send: () => post('<xml><ToUserName>a</FromUserName></xml>') },
    { name: '10 MB body', status: 413, code: 'BODY_TOO_LARGE', send: () => post(Buffer.alloc(10 * 1024 * 1024, 0x61)) },
    { name: 'invalid UTF-8', status: 400, code: 'BAD_ENCODING', send: () => post(Buffer.concat([Buffer.from(TEXT.slice(0, 100)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(TEXT.slice(100))])) },
    { name: 'wrong signature', status: 401, code: 'WECHAT_BAD_SIGNATURE', send: () => post(TEXT, `/wechat?signature=${'f'.repeat(40)}&timestamp=${now()}&nonce=abc`) },
    { name: 'replayed stale timestamp', status: 401, code: 'WECHAT_STALE_TIMESTAMP', send: () => post(TEXT, plainPath(String(Math.floor(Date.now() / 1000) - 3600))) },
    { name: 'missing required fields', status: 400, code: 'WECHAT_BAD_XML', send: () => post('<xml><Content>hi</Content></xml>') },
    { name: 'truncated base64', status: 400, code: 'WECHAT_BAD_BASE64', send: () => aesPost(forge(w.config.wechat.aesKey, Buffer.from(TEXT), Buffer.byteLength(TEXT), w.config.wechat.appId).slice(0, -7)) },
    { name: 'msg_len overflow', status: 400, code: 'WECHAT_BAD_LENGTH', send: () => aesPost(forge(w.config.wechat.aesKey, Buffer.from(TEXT), 0xfffffff0, w.config.wechat.appId)) },
    { name: 'invalid UTF-8 inside the encrypted message', status: 400, code: 'WECHAT_BAD_XML', send: () => {
      const msg = Buffer.concat([Buffer.from(TEXT.slice(0, 100)), Buffer.from([0xe4, 0xb8]), Buffer.from(TEXT.slice(100))]);
      return aesPost(forge(w.config.wechat.aesKey, msg, msg.length, w.config.wechat.appId));
    } },
    { name: 'wrong AppID', status: 400, code: 'WECHAT_BAD_APPID', send: () => aesPost(forge(w.config.wechat.aesKey, Buffer.from(TEXT), Buffer.byteLength(TEXT), 'wx_not_ours_123456')) },
    { name: 'wrong msg_signature', status: 401, code: 'WECHAT_BAD_SIGNATURE', send: async () => {
      const ts = now();
      return request(w.app.callback()).post(`${plainPath(ts, 'n1')}&encrypt_type=aes&msg_signature=${'0'.repeat(40)}`).set('content-type', 'text/xml')
        .send(`<xml><Encrypt><![CDATA[${forge(w.config.wechat.aesKey, Buffer.from(TEXT), Buffer.byteLength(TEXT), w.config.wechat.appId)}]]></Encrypt></xml>`);
    } },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}, and the server still serves`, async () => {
      const res = await c.send();
      expect(res.status).to.equal(c.status);
      expect(bodyOf<Partial<ErrorBody> | undefined>(res)?.error?.code).to.equal(c.code);
      expect(res.text).to.not.match(/at .*\.ts:\d+/); // never a stack trace
      const ok = await w.client('o_after').text('还在吗');
      expect(ok.type === 'text' && ok.text).to.equal('你说：还在吗');
    });
  }

  it('logs a refused request once, by its code', async () => {
    const lines: string[] = [];
    const logged = await createWebhookApp(echoBot, {}, { logLevel: 'info', logSink: { write: (l) => { lines.push(l); } } });
    try {
      const res = await request(logged.app.callback()).post(`/wechat?signature=${'f'.repeat(40)}&timestamp=${now()}&nonce=abc`).set('content-type', 'text/xml').send(TEXT);
      expect(res.status).to.equal(401);
      const refused = lines.map((l) => JSON.parse(l) as { msg: string; code?: string }).filter((l) => l.msg === 'request refused');
      expect(refused.map((l) => l.code)).to.deep.equal(['WECHAT_BAD_SIGNATURE']);
    } finally {
      await logged.close();
    }
  });

  it('a body with a UTF-8 byte order mark and Chinese text is read as the message', async () => {
    const res = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT.replace('<![CDATA[hi]]>', '<![CDATA[你好]]>').replace('<MsgId>1<', '<MsgId>2<'))]));
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<Content><![CDATA[你说：你好]]></Content>');
  });

  it('a well-formed forged layout with the right AppID is accepted (the forgery helper is sound)', async () => {
    const res = await aesPost(forge(w.config.wechat.aesKey, Buffer.from(TEXT), Buffer.byteLength(TEXT), w.config.wechat.appId));
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<Encrypt>');
  });
});
