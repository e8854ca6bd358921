import { expect } from 'chai';
import { ExpiringMapStore, FifoExpiringStore, MemoryStore, isLocalStore, type KeyValueStore } from '../../src/platform/stores.js';

interface ExpiringStore {
  get(key: string): Promise<{ body: string } | undefined>;
  set(key: string, value: { body: string }, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  peek(key: string): { body: string } | undefined;
  put(key: string, value: { body: string }, ttlSeconds: number): void;
  readonly size: number;
}

/** What every in-process store with expiry must do (the store, and a way to move its clock). */
function expiringContract(ctx: () => { store: ExpiringStore; advance: (ms: number) => void }) {
  it('returns what was set until its time runs out, then nothing (and drops it when read)', async () => {
    const { store, advance } = ctx();
    await store.set('a', { body: 'x' }, 60);
    advance(59_999);
    expect(await store.get('a')).to.deep.equal({ body: 'x' });
    advance(1);
    expect(await store.get('a')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it('set replaces the value and the time; delete removes it', async () => {
    const { store, advance } = ctx();
    await store.set('a', { body: 'x' }, 1);
    await store.set('a', { body: 'y' }, 60);
    advance(5_000);
    expect(await store.get('a')).to.deep.equal({ body: 'y' });
    expect(store.size).to.equal(1);
    await store.delete('a');
    expect(await store.get('a')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it('peek and put are get and set without the promise, over the same entries', async () => {
    const { store, advance } = ctx();
    expect(isLocalStore(store as KeyValueStore<{ body: string }>)).to.equal(true);
    store.put('a', { body: 'x' }, 2);
    await store.set('b', { body: 'y' }, 60);
    expect(store.peek('a')).to.deep.equal({ body: 'x' });
    expect(await store.get('a')).to.deep.equal({ body: 'x' });
    expect(store.peek('b')).to.deep.equal({ body: 'y' });
    expect(store.peek('c')).to.equal(undefined);
    advance(2_000);
    expect(store.peek('a')).to.equal(undefined);
    expect(store.size).to.equal(1);
    store.put('b', { body: 'z' }, 60);
    expect(await store.get('b')).to.deep.equal({ body: 'z' });
  });

  it('finds an entry put under a key cut from a larger string by an equal key made afresh', async () => {
    const { store } = ctx();
    const body = `<xml>${'x'.repeat(5000)}<MsgId>1234567890123456789</MsgId></xml>`;
    const key = `wx:app:${body.slice(body.indexOf('<MsgId>') + 7, body.indexOf('</MsgId>'))}`;
    store.put(key, { body: 'r' }, 60);
    expect(store.peek('wx:app:1234567890123456789')).to.deep.equal({ body: 'r' });
  });
}

describe('in-process stores', () => {
  describe('ExpiringMapStore', () => {
    let t = 0;
    const now = () => t;
    let store: ExpiringMapStore<{ body: string }>;
    beforeEach(() => {
      t = 1_000_000;
      store = new ExpiringMapStore({ now, sweepBatch: 10 });
    });
    afterEach(() => store.close());

    expiringContract(() => ({ store, advance: (ms) => { t += ms; } }));

    it('sweeps a slice at a time and, over a pass, removes every expired entry and nothing else', async () => {
      for (let i = 0; i < 100; i += 1) await store.set(`k${i}`, { body: String(i) }, i % 2 === 0 ? 1 : 600);
      t += 2_000;
      // 100 entries, at least 10 a slice: the first slice cannot have seen them all.
      const first = store.sweep();
      expect(first).to.be.greaterThan(0).and.lessThan(50);
      let removed = first;
      for (let i = 0; i < 20; i += 1) removed += store.sweep();
      expect(removed).to.equal(50);
      expect(store.size).to.equal(50);
      expect(await store.get('k1')).to.deep.equal({ body: '1' });
    });

    it('keeps sweeping correctly while entries come and go', async () => {
      for (let i = 0; i < 30; i += 1) await store.set(`old${i}`, { body: 'o' }, 1);
      t += 2_000;
      store.sweep();
      for (let i = 0; i < 30; i += 1) await store.set(`new${i}`, { body: 'n' }, 600);
      for (let i = 0; i < 20; i += 1) store.sweep();
      expect(store.size).to.equal(30);
      expect(await store.get('new29')).to.deep.equal({ body: 'n' });
    });
  });

  describe('FifoExpiringStore', () => {
    let t = 0;
    const now = () => t;
    let store: FifoExpiringStore<{ body: string }>;
    beforeEach(() => {
      t = 1_000_000;
      store = new FifoExpiringStore({ now });
    });
    afterEach(() => store.close());

    expiringContract(() => ({ store, advance: (ms) => { t += ms; } }));

    it('drops expired entries from the front as new ones come, and gives their slots back', async () => {
      // Three blocks' worth (16384 slots a block), a second apart in ten batches.
      for (let i = 0; i < 50_000; i += 1) {
        if (i % 5000 === 0) t += 1000;
        await store.set(`m${i}`, { body: String(i) }, 60);
      }
      expect(store.size).to.equal(50_000);
      t += 60_000 - 5000; // the first five batches have expired
      await store.set('late', { body: 'l' }, 60); // takes two expired entries off the front
      expect(store.size).to.equal(50_001 - 2);
      expect(store.sweep()).to.equal(25_000 - 2);
      expect(store.size).to.equal(25_001);
      expect(store.span).to.equal(25_001);
      expect(await store.get('m24999')).to.equal(undefined);
      expect(await store.get('m25000')).to.deep.equal({ body: '25000' });
      t += 60_000;
      store.sweep();
      expect([store.size, store.span]).to.deep.equal([0, 0]);
      // And it goes on working after it emptied.
      await store.set('again', { body: 'a' }, 60);
      expect(await store.get('again')).to.deep.equal({ body: 'a' });
    });

    it('honours a shorter TTL behind longer ones (get checks each entry), and frees it in turn', async () => {
      await store.set('long', { body: 'L' }, 600);
      await store.set('short', { body: 'S' }, 1);
      t += 2_000;
      expect(store.sweep()).to.equal(0); // the front is still alive
      expect(await store.get('short')).to.equal(undefined);
      expect(await store.get('long')).to.deep.equal({ body: 'L' });
      t += 600_000;
      store.sweep();
      expect([store.size, store.span]).to.deep.equal([0, 0]);
    });

    /**
     * Random set/get/delete/time/sweep against a Map with expiry times, replayable from the seed.
     * `keyOf` picks the keys, `hash` the store's hash (a tiny range forces long probe runs, so
     * that deletion in the index is exercised from every position).
     */
    async function againstModel(opts: { firstSlot?: number; hash?: (key: string) => number; keyOf: (n: number) => string; steps: number }) {
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const store = new FifoExpiringStore<{ body: string }>({ now, ...(opts.firstSlot === undefined ? {} : { firstSlot: opts.firstSlot }), ...(opts.hash ? { hash: opts.hash } : {}) });
      const model = new Map<string, { body: string; until: number }>();
      try {
        for (let step = 0; step < opts.steps; step += 1) {
          const key = opts.keyOf(rand(3000));
          const op = rand(100);
          if (op < 45) {
            const ttl = rand(10) === 0 ? 1 + rand(5) : 30;
            const value = { body: `${step}` };
            if (op % 2 === 0) await store.set(key, value, ttl);
            else store.put(key, value, ttl);
            model.set(key, { body: value.body, until: t + ttl * 1000 });
          } else if (op < 85) {
            const m = model.get(key);
            const expected = m && m.until > t ? { body: m.body } : undefined;
            const got = op % 2 === 0 ? await store.get(key) : store.peek(key);
            expect(got, `get ${key.slice(0, 40)} at step ${step}`).to.deep.equal(expected);
          } else if (op < 90) {
            await store.delete(key);
            model.delete(key);
          } else if (op < 99) {
            t += rand(400);
          } else {
            store.sweep();
          }
          if (step % 1000 === 0) {
            const live = [...model.values()].filter((m) => m.until > t).length;
            // Expired entries may linger until read or swept; never fewer than the live ones.
            expect(store.size).to.be.at.least(live);
          }
        }
        t += 31_000;
        store.sweep();
        expect([store.size, store.span]).to.deep.equal([0, 0]);
      } finally {
        store.close();
      }
    }

    it('behaves like a map with expiry under random use, across the wrap-around of slot numbers', async () => {
      await againstModel({ firstSlot: 2 ** 30 - 20_000, keyOf: (n) => `wx:wxb11529c136998cb6:${7_000_000_000 + n}`, steps: 60_000 });
    });

    it('the same when every key hashes into one of 8 values (long probe runs, deletion mid-run)', async () => {
      await againstModel({ hash: (key) => (key.charCodeAt(key.length - 1) * 31 + key.length) % 8, keyOf: (n) => `k${n}`, steps: 20_000 });
    });

    it('the same when those 8 values sit at the end of the index, so that probe runs wrap around to its start', async () => {
      await againstModel({ hash: (key) => -1 - ((key.charCodeAt(key.length - 1) * 31 + key.length) % 8), keyOf: (n) => `k${n}`, steps: 20_000 });
    });

    it('the same with keys of every length, some over 256 characters (kept as their SHA-256)', async () => {
      await againstModel({ keyOf: (n) => `${'事件'.repeat(n % 7)}${n}${'x'.repeat((n * 37) % 400)}`, steps: 30_000 });
    });

    it('closes a block early when its key characters run out, and drops and reuses it like any other', async () => {
      const long = (i: number) => `${'o'.repeat(240)}:${i}`;
      // 16384 slots a block but characters for ~4300 keys of this length: four blocks at least.
      for (let i = 0; i < 20_000; i += 1) await store.set(long(i), { body: String(i) }, 60);
      expect(store.size).to.equal(20_000);
      expect(store.span).to.be.greaterThan(3 * 16_384);
      expect(await store.get(long(0))).to.deep.equal({ body: '0' });
      expect(await store.get(long(19_999))).to.deep.equal({ body: '19999' });
      t += 61_000;
      store.sweep();
      expect([store.size, store.span]).to.deep.equal([0, 0]);
      for (let i = 0; i < 5000; i += 1) await store.set(long(i), { body: `again ${i}` }, 60);
      expect(await store.get(long(4999))).to.deep.equal({ body: 'again 4999' });
    });
  });

  describe('MemoryStore (node-cache)', () => {
    it('returns what was set and forgets what was deleted', async () => {
      const s = new MemoryStore<string>();
      await s.set('token', 'abc', 60);
      expect(await s.get('token')).to.equal('abc');
      await s.delete('token');
      expect(await s.get('token')).to.equal(undefined);
      s.close();
    });
  });
});
