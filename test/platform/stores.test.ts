import { expect } from 'chai';
import { ExpiringMapStore, MemoryStore } from '../../src/platform/stores.js';

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

    it('returns what was set until its time runs out, then nothing', async () => {
      await store.set('a', { body: 'x' }, 60);
      t += 59_999;
      expect(await store.get('a')).to.deep.equal({ body: 'x' });
      t += 1;
      expect(await store.get('a')).to.equal(undefined);
      expect(store.size).to.equal(0); // an expired entry is dropped when read
    });

    it('set replaces the value and the time; delete removes it', async () => {
      await store.set('a', { body: 'x' }, 1);
      await store.set('a', { body: 'y' }, 60);
      t += 5_000;
      expect(await store.get('a')).to.deep.equal({ body: 'y' });
      await store.delete('a');
      expect(await store.get('a')).to.equal(undefined);
    });

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
