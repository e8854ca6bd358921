import { expect } from 'chai';
import { DeadlineQueue } from '../../src/platform/deadlines.js';

describe('DeadlineQueue', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => { t = 1000; });

  it('runs each callback once it is due, in the order added, and never a cancelled one', () => {
    const q = new DeadlineQueue(100, { now, manual: true });
    const ran: string[] = [];
    q.add(() => ran.push('a'));
    t += 10;
    const b = q.add(() => ran.push('b'));
    t += 10;
    q.add(() => ran.push('c'));
    b.cancel();
    t = 1099;
    q.tick();
    expect(ran).to.deep.equal([]);
    t = 1100;
    q.tick();
    expect(ran).to.deep.equal(['a']);
    t = 1200;
    q.tick();
    q.tick();
    expect(ran).to.deep.equal(['a', 'c']);
    expect(q.pending).to.equal(0);
  });

  it('passes over cancelled callbacks at the front at once, so the queue stays short under load', () => {
    const q = new DeadlineQueue(4000, { now, manual: true });
    for (let i = 0; i < 10_000; i += 1) q.add(() => { throw new Error('cancelled, must not run'); }).cancel();
    const live = q.add(() => undefined);
    q.tick();
    expect(q.pending).to.equal(1);
    live.cancel();
    q.tick();
    expect(q.pending).to.equal(0);
  });

  it('cancelling after it ran changes nothing', () => {
    const q = new DeadlineQueue(10, { now, manual: true });
    let runs = 0;
    const d = q.add(() => { runs += 1; });
    t += 10;
    q.tick();
    d.cancel();
    q.tick();
    expect(runs).to.equal(1);
  });

  it('with its own timer, runs a callback within a tick of its delay', async () => {
    const q = new DeadlineQueue(40, { tickMs: 5 });
    const started = performance.now();
    const waited = await new Promise<number>((resolve) => { q.add(() => resolve(performance.now() - started)); });
    q.close();
    expect(waited).to.be.at.least(40).and.below(1000);
  });

  it('refuses a delay that is not positive', () => {
    expect(() => new DeadlineQueue(0)).to.throw(RangeError);
  });
});
