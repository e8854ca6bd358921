import { expect } from 'chai';
import { KeyedQueue } from '../../src/bot/keyed-queue.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bot: KeyedQueue', () => {
  it('runs one key’s tasks one after another, in arrival order, even when one fails', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = q.run('k', async () => { log.push('a start'); await tick(20); log.push('a end'); return 'a'; });
    const b = q.run('k', () => { log.push('b start'); return Promise.reject(new Error('b failed')); });
    const c = q.run('k', () => { log.push('c start'); return Promise.resolve('c'); });
    expect(await a).to.equal('a');
    await b.then(() => expect.fail('b should reject'), (err: Error) => expect(err.message).to.equal('b failed'));
    expect(await c).to.equal('c');
    expect(log).to.deep.equal(['a start', 'a end', 'b start', 'c start']);
  });

  it('runs different keys side by side', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = q.run('x', async () => { await tick(20); log.push('x'); });
    const b = q.run('y', () => { log.push('y'); return Promise.resolve(); });
    await Promise.all([a, b]);
    expect(log).to.deep.equal(['y', 'x']);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const q = new KeyedQueue();
    const p = q.run('k', () => { throw new Error('sync'); });
    await p.then(() => expect.fail('should reject'), (err: Error) => expect(err.message).to.equal('sync'));
    expect(await q.run('k', () => Promise.resolve('after'))).to.equal('after');
  });
  it('forgets a key once its tasks have settled, failed ones included', async () => {
    const q = new KeyedQueue();
    let release!: () => void;
    const first = q.run('a', () => new Promise<void>((r) => { release = r; }));
    const second = q.run('a', () => Promise.reject(new Error('x')));
    const other = q.run('b', () => Promise.resolve(1));
    expect(q.size).to.equal(2);
    await other;
    await new Promise((r) => setImmediate(r));
    expect(q.size).to.equal(1);
    release();
    await first;
    await second.catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(q.size).to.equal(0);
  });
});
