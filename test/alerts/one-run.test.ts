// One run at a time (the followers' jobs): calls in one process share a run whatever order the
// store answers in; an instance whose lock is refused skips; the lock is given back, also when
// the run fails.
import { expect } from 'chai';
import { MemoryStore, type SharedStore } from '../../src/platform/shared-store.js';
import { oneRunAtATime } from '../../src/alerts/followers/one-run.js';

/** A real MemoryStore whose first `add` answers 20 ms late, after any later one (as two connections may). */
function storeAnsweringFirstLast(): SharedStore {
  const inner = new MemoryStore();
  let calls = 0;
  return Object.assign(Object.create(inner) as SharedStore, {
    async add(key: string, value: string, ttl: number): Promise<boolean> {
      calls += 1;
      const first = calls === 1;
      const result = await inner.add(key, value, ttl);
      if (first) await new Promise((r) => setTimeout(r, 20));
      return result;
    },
    delete: (key: string, expected?: string) => inner.delete(key, expected),
  });
}

describe('alerts: one followers job at a time', () => {
  it('two calls in one process share one run, even when the store answers the first call last', async () => {
    let runs = 0;
    const go = oneRunAtATime({ store: storeAnsweringFirstLast(), key: 'job', ttlSeconds: 60 }, async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 10));
      return { runs };
    });
    const [a, b] = await Promise.all([go(), go()]);
    expect(a).to.deep.equal({ runs: 1 });
    expect(b).to.equal(a);
    expect(runs).to.equal(1);
    expect(await go()).to.deep.equal({ runs: 2 });
  });

  it('another instance on the same store skips while a run holds the lock, then runs', async () => {
    const store = new MemoryStore();
    let release = (): void => undefined;
    const mine = oneRunAtATime({ store, key: 'job', ttlSeconds: 60 }, () => new Promise<string>((r) => { release = () => r('mine'); }));
    const theirs = oneRunAtATime({ store, key: 'job', ttlSeconds: 60 }, () => Promise.resolve('theirs'));
    const running = mine();
    await new Promise((r) => setImmediate(r));
    expect(await theirs()).to.equal(null);
    release();
    expect(await running).to.equal('mine');
    expect(await theirs()).to.equal('theirs');
  });

  it('a run that fails gives the lock back and the next call runs again', async () => {
    const store = new MemoryStore();
    let fail = true;
    const go = oneRunAtATime({ store, key: 'job', ttlSeconds: 60 }, () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve('ok')));
    const [a, b] = await Promise.allSettled([go(), go()]);
    expect(a.status).to.equal('rejected');
    expect(b.status).to.equal('rejected');
    fail = false;
    expect(await go()).to.equal('ok');
    expect(await store.get('job')).to.equal(undefined);
  });

  it('without a store, a call made while nothing runs starts at once; one that throws at once is not kept', async () => {
    let n = 0;
    const go = oneRunAtATime({ key: 'job', ttlSeconds: 60 }, () => {
      n += 1;
      if (n === 1) throw new Error('at once');
      return Promise.resolve(n);
    });
    await go().then(() => expect.fail('should reject'), (e: unknown) => expect(String(e)).to.contain('at once'));
    expect(await go()).to.equal(2);
  });
});
