import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  isTrackingCode, newTrackingCode, normaliseTrackingCode, TRACKING_ALPHABET, type RandomSource,
} from '../../../src/tips/rules/tracking-code.js';
import { sh } from './helpers.js';

// A reproducible byte stream (SHA-256 in counter mode), so the uniqueness test cannot flake.
function seededRandom(seed: string): RandomSource {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (size) => {
    while (pool.length < size) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    }
    const out = pool.subarray(0, size);
    pool = pool.subarray(size);
    return out;
  };
}

describe('tips/rules/tracking-code', () => {
  it('has no ambiguous characters in its alphabet', () => {
    expect(TRACKING_ALPHABET).to.have.length(31);
    for (const c of '0O1IL') expect(TRACKING_ALPHABET).not.to.include(c);
    expect(new Set(TRACKING_ALPHABET).size).to.equal(TRACKING_ALPHABET.length);
  });

  it('is SM + the Beijing date + 6 characters', () => {
    // 2025-06-30 20:00 UTC is already 07-01 in Sanming.
    const code = newTrackingCode(new Date('2025-06-30T20:00:00Z'));
    expect(code).to.match(/^SM250701[2-9A-HJKMNP-Z]{6}$/);
    expect(isTrackingCode(code)).to.equal(true);
  });

  it('draws 10 000 well-formed, distinct codes from a fixed stream', () => {
    const random = seededRandom('uniqueness');
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) {
      const code = newTrackingCode(sh('2025-06-10T10:00'), random);
      expect(isTrackingCode(code), code).to.equal(true);
      seen.add(code);
    }
    expect(seen.size).to.equal(10_000);
  });

  it('draws 10 000 well-formed codes from crypto with at most a chance clash', () => {
    // 31^6 ≈ 8.9e8 per day: ~0.06 expected clashes in 10 000 draws; 3 or more means a bug.
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) seen.add(newTrackingCode(sh('2025-06-10T10:00')));
    expect(10_000 - seen.size).to.be.lessThan(3);
  });

  it('uses every character about equally (no modulo bias)', () => {
    const random = seededRandom('bias');
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i += 1) {
      for (const c of newTrackingCode(sh('2025-06-10'), random).slice(8)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const expected = (5_000 * 6) / 31;
    expect(counts.size).to.equal(31);
    // Modulo bias would give the first 8 characters 9/8 of the rest; allow ±10 %.
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).to.be.lessThan(0.1);
  });

  it('rejects bytes ≥ 248 instead of folding them', () => {
    // 248 % 31 = 0 would be '2' under modulo; rejected, the next bytes decide.
    const bytes = [248, 255, 0, 1, 2, 3, 4, 30, 9, 9, 9, 9];
    const code = newTrackingCode(sh('2025-06-10'), (n) => Uint8Array.from(bytes.splice(0, n)));
    expect(code.slice(8)).to.equal('2345' + '6' + 'Z');
  });

  it('gives up on a source that never yields a usable byte', () => {
    expect(() => newTrackingCode(sh('2025-06-10'), (n) => new Uint8Array(n).fill(255))).to.throw();
  });

  describe('isTrackingCode', () => {
    for (const bad of ['', 'SM250610ABCDE', 'SM250610ABCDEFG', 'sm250610ABCDEF', 'SM250610ABCDE0', 'SM250610ABCDEO',
      'SM251310ABCDEF', 'SM250600ABCDEF', 'XX250610ABCDEF', 'SM25061OABCDEF']) {
      it(`refuses "${bad}"`, () => expect(isTrackingCode(bad)).to.equal(false));
    }
  });

  describe('normaliseTrackingCode', () => {
    it('trims, upper-cases and folds full-width characters', () => {
      expect(normaliseTrackingCode('  ｓｍ２５０６１０ａｂｃｄｅｆ ')).to.equal('SM250610ABCDEF');
      expect(normaliseTrackingCode('sm250610-abc def')).to.equal('SM250610ABCDEF');
    });

    it('reads O and I/L typed in the date as digits, never in the random part', () => {
      expect(normaliseTrackingCode('SM25O6I0ABCDEF')).to.equal('SM250610ABCDEF');
      expect(normaliseTrackingCode('SM250610ABCDEO')).to.equal('SM250610ABCDEO');
      expect(isTrackingCode(normaliseTrackingCode('sm25o6l0abcdef'))).to.equal(true);
    });

    it('leaves other text alone apart from the folding', () => {
      expect(normaliseTrackingCode('评价')).to.equal('评价');
    });
  });
});
