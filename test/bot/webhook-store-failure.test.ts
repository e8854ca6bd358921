import { expect } from 'chai';
import type { Bot, BotInput } from '../../src/bot/types.js';
import type { StoredReply } from '../../src/bot/adapters/official-account.js';
import { FifoExpiringStore, type KeyValueStore } from '../../src/platform/stores.js';
import { createWebhookApp, type WebhookApp } from '../support/webhook-app.js';

/** A dedupe store whose next reads or writes fail: a read throws at once, a write rejects. */
class FlakyStore implements KeyValueStore<StoredReply> {
  readonly inner = new FifoExpiringStore<StoredReply>();
  readFailures = 0;
  writeFailures = 0;
  get(key: string): Promise<StoredReply | undefined> {
    if (this.readFailures > 0) {
      this.readFailures -= 1;
      throw new Error('store unreachable');
    }
    return this.inner.get(key);
  }
  set(key: string, value: StoredReply, ttl: number): Promise<void> {
    if (this.writeFailures > 0) {
      this.writeFailures -= 1;
      return Promise.reject(new Error('store unreachable'));
    }
    return this.inner.set(key, value, ttl);
  }
  delete(key: string) { return this.inner.delete(key); }
}

describe('webhook when the dedupe store fails', () => {
  const calls: BotInput[] = [];
  const bot: Bot = { async handle(input) { calls.push(input); return { parts: [{ type: 'text', text: '收到' }] }; } };
  const store = new FlakyStore();
  let w: WebhookApp;
  before(async () => { w = await createWebhookApp(bot, {}, { dedupe: store }); });
  after(async () => { store.inner.close(); await w.close(); });

  it('a failed read costs the dedupe, not the message: the engine answers, and a retry gets the stored answer', async () => {
    store.readFailures = 1;
    const c = w.client('o_store_down');
    const xml = c.messageXml({ MsgType: 'text', Content: '有人落水', MsgId: c.nextMsgId() });
    const first = await c.send(xml);
    expect(first.type === 'text' && first.text).to.equal('收到');
    expect(calls).to.have.length(1);
    const retry = await c.send(xml);
    expect(retry.type === 'text' && retry.text).to.equal('收到');
    expect(calls).to.have.length(1);
  });

  it('a failed write still answers; the retry is then answered by the engine again', async () => {
    store.writeFailures = 1;
    const c = w.client('o_store_down_2');
    const xml = c.messageXml({ MsgType: 'text', Content: '求助', MsgId: c.nextMsgId() });
    expect((await c.send(xml)).type).to.equal('text');
    expect((await c.send(xml)).type).to.equal('text');
    expect(calls.filter((x) => x.citizen.id === 'o_store_down_2')).to.have.length(2);
  });
});
