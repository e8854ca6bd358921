import { expect } from 'chai';
import { BoundedMap } from '../../src/platform/bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most its capacity, dropping the entry set longest ago', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) m.set(k, v);
    m.set('a', 10); // a is now the newest: b goes first
    m.set('d', 4);
    expect(m.size).to.equal(3);
    expect([m.get('a'), m.get('b'), m.get('c'), m.get('d')]).to.deep.equal([10, undefined, 3, 4]);
    m.set('e', 5);
    expect(m.get('c')).to.equal(undefined);
    expect(m.size).to.equal(3);
  });

  it('refuses a capacity under one', () => {
    expect(() => new BoundedMap(0)).to.throw(RangeError);
  });
});
