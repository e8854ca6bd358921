import { expect } from 'chai';
import type { Bot, BotInput } from '../../src/bot/types.js';
import type { StoredReply } from '../../src/bot/adapters/official-account.js';
import { FifoExpiringStore, isLocalStore, type KeyValueStore, type LocalKeyValueStore } from '../../src/platform/stores.js';
import { createWebhookApp, type WebhookApp } from '../support/webhook-app.js';

/** A dedupe store (as a shared one would be: promises only) whose next read throws at once or write rejects. */
class FlakyStore implements KeyValueStore<StoredReply> {
  readonly inner = new FifoExpiringStore<StoredReply>();
  readFailures = 0;
  writeFailures = 0;
  /** True (and counts it off) when the next read or write is to fail. */
  protected fails(op: 'read' | 'write'): boolean {
    const left = op === 'read' ? this.readFailures : this.writeFailures;
    if (left === 0) return false;
    if (op === 'read') this.readFailures -= 1;
    else this.writeFailures -= 1;
    return true;
  }
  get(key: string): Promise<StoredReply | undefined> {
    if (this.fails('read')) throw new Error('store unreachable');
    return this.inner.get(key);
  }
  set(key: string, value: StoredReply, ttl: number): Promise<void> {
    if (this.fails('write')) return Promise.reject(new Error('store unreachable'));
    return this.inner.set(key, value, ttl);
  }
  delete(key: string) { return this.inner.delete(key); }
}

/** The same for an in-process store, which the webhook reads and writes without promises. */
class FlakyLocalStore extends FlakyStore implements LocalKeyValueStore<StoredReply> {
  peek(key: string): StoredReply | undefined {
    if (this.fails('read')) throw new Error('store broken');
    return this.inner.peek(key);
  }
  put(key: string, value: StoredReply, ttl: number): void {
    if (this.fails('write')) throw new Error('store broken');
    this.inner.put(key, value, ttl);
  }
}

for (const [kind, Store] of [['a shared', FlakyStore], ['an in-process', FlakyLocalStore]] as const) {
  describe(`webhook when ${kind} dedupe store fails`, () => {
    const calls: BotInput[] = [];
    const bot: Bot = { async handle(input) { calls.push(input); return { parts: [{ type: 'text', text: '收到' }] }; }, async noticesSettled() {} };
    const store = new Store();
    let w: WebhookApp;
    before(async () => { w = await createWebhookApp(bot, {}, { dedupe: store }); });
    after(async () => { store.inner.close(); await w.close(); });

    it(`is read through ${Store === FlakyLocalStore ? 'peek and put' : 'promises'}`, () => {
      expect(isLocalStore(store)).to.equal(Store === FlakyLocalStore);
    });

    it('a failed read costs the dedupe, not the message: the engine answers, and a retry gets the stored answer', async () => {
      store.readFailures = 1;
      const c = w.client(`o_store_down_${kind.length}`);
      const xml = c.messageXml({ MsgType: 'text', Content: '有人落水', MsgId: c.nextMsgId() });
      const first = await c.send(xml);
      expect(first.type === 'text' && first.text).to.equal('收到');
      expect(calls).to.have.length(1);
      expect(store.readFailures).to.equal(0);
      const retry = await c.send(xml);
      expect(retry.type === 'text' && retry.text).to.equal('收到');
      expect(calls).to.have.length(1);
    });

    it('a failed write still answers; the retry is then answered by the engine again', async () => {
      store.writeFailures = 1;
      const citizen = `o_store_down_2_${kind.length}`;
      const c = w.client(citizen);
      const xml = c.messageXml({ MsgType: 'text', Content: '求助', MsgId: c.nextMsgId() });
      expect((await c.send(xml)).type).to.equal('text');
      expect(store.writeFailures).to.equal(0);
      expect((await c.send(xml)).type).to.equal('text');
      expect(calls.filter((x) => x.citizen.id === citizen)).to.have.length(2);
      // Nothing stays registered as in flight: a third delivery is answered from the store.
      expect((await c.send(xml)).type).to.equal('text');
      expect(calls.filter((x) => x.citizen.id === citizen)).to.have.length(2);
    });
  });
}
