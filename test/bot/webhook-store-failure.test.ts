import { expect } from 'chai';
import type { Bot, BotInput } from '../../src/bot/types.js';
import { MemoryStore, type SharedStore } from '../../src/platform/shared-store.js';
import { createWebhookApp, type WebhookApp } from '../support/webhook-app.js';
import { createIdentityVault } from '../../src/tips/identity.js';
import { replyStore } from '../../src/compose.js';

/** A shared store whose next reads, locks or writes fail, as Redis does when it is unreachable. */
class FlakyStore implements SharedStore {
  readonly inner = new MemoryStore();
  readFailures = 0;
  writeFailures = 0;
  lockFailures = 0;
  private fails(op: 'readFailures' | 'writeFailures' | 'lockFailures'): boolean {
    if (this[op] === 0) return false;
    this[op] -= 1;
    return true;
  }
  async get(key: string) {
    if (this.fails('readFailures')) throw new Error('store unreachable');
    return this.inner.get(key);
  }
  async set(key: string, value: string, ttl: number) {
    if (this.fails('writeFailures')) throw new Error('store unreachable');
    return this.inner.set(key, value, ttl);
  }
  async add(key: string, value: string, ttl: number) {
    if (this.fails('lockFailures')) throw new Error('store unreachable');
    return this.inner.add(key, value, ttl);
  }
  delete(key: string, expected?: string) { return this.inner.delete(key, expected); }
  increment(key: string, ttl: number) { return this.inner.increment(key, ttl); }
  decrement(key: string) { return this.inner.decrement(key); }
  close() { return this.inner.close(); }
}

describe('webhook when the shared dedupe store fails', () => {
  const calls: BotInput[] = [];
  const bot: Bot = { handle(input) { calls.push(input); return Promise.resolve({ parts: [{ type: 'text', text: '收到' }] }); }, async noticesSettled() {} };
  const store = new FlakyStore();
  let w: WebhookApp;
  before(async () => { w = await createWebhookApp(bot, {}, { state: store }); });
  after(async () => { await store.close(); await w.close(); });
  const sent = (id: string) => calls.filter((x) => x.citizen.id === id).length;

  it('a failed read costs a retry one look, not the reply: it looks again and gets the stored answer', async () => {
    const c = w.client('o_store_down_1');
    const xml = c.messageXml({ MsgType: 'text', Content: '有人落水', MsgId: c.nextMsgId() });
    const first = await c.send(xml);
    expect(first.type === 'text' && first.text).to.equal('收到');
    store.readFailures = 1;
    const retry = await c.send(xml);
    expect(retry.type === 'text' && retry.text).to.equal('收到');
    expect(store.readFailures).to.equal(0);
    expect(sent('o_store_down_1')).to.equal(1);
  });

  it('a failed claim still answers, and stores the answer for the retry', async () => {
    store.lockFailures = 1;
    const c = w.client('o_store_down_3');
    const xml = c.messageXml({ MsgType: 'text', Content: '救命', MsgId: c.nextMsgId() });
    expect((await c.send(xml)).type).to.equal('text');
    expect(store.lockFailures).to.equal(0);
    expect((await c.send(xml)).type).to.equal('text');
    expect(sent('o_store_down_3')).to.equal(1);
  });

  it('a failed write still answers; the retry is then answered by the engine again, the next one from the store', async () => {
    store.writeFailures = 1;
    const c = w.client('o_store_down_2');
    const xml = c.messageXml({ MsgType: 'text', Content: '求助', MsgId: c.nextMsgId() });
    expect((await c.send(xml)).type).to.equal('text');
    expect(store.writeFailures).to.equal(0);
    expect((await c.send(xml)).type).to.equal('text');
    expect(sent('o_store_down_2')).to.equal(2);
    expect((await c.send(xml)).type).to.equal('text');
    expect(sent('o_store_down_2')).to.equal(2);
  });
});

describe('what the dedupe store keeps of a reply', () => {
  const bot: Bot = { handle: () => Promise.resolve({ parts: [{ type: 'text', text: '已收到您的消息' }] }), async noticesSettled() {} };
  const store = new MemoryStore();
  let w: WebhookApp;
  before(async () => { w = await createWebhookApp(bot, {}, { state: store }); });
  after(async () => { await store.close(); await w.close(); });

  it('no openid, even sealed: the retry is addressed back to its own sender', async () => {
    const openid = 'o_kept_reply_9f3';
    const c = w.client(openid);
    const msgId = c.nextMsgId();
    const xml = c.messageXml({ MsgType: 'text', Content: '你好', MsgId: msgId });
    const first = await c.send(xml);
    const vault = createIdentityVault(w.config.tips.identityKeys, w.config.tips.identityHashKey);
    const kept = await replyStore(store, vault).get(`${w.config.wechat.appId}:${openid}:${msgId}`);
    expect(kept).to.deep.include({ part: { type: 'text', text: '已收到您的消息' }, maxArticles: 1 });
    expect(JSON.stringify(kept)).to.not.contain(openid);
    const retry = await c.send(xml);
    expect(retry.raw).to.equal(first.raw);
    expect(retry.raw).to.contain(`<ToUserName><![CDATA[${openid}]]></ToUserName>`);
  });
});
