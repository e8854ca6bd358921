import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { checkSignature, sha1Signature, safeEqual } from '../../src/wechat/index.js';
import { vectors } from './vectors.js';

describe('wechat/signature', () => {
  for (const v of vectors.plain_signature) {
    it(`plain signature vector (${v.expect.split(' ')[0]})`, () => {
      const valid = v.expect === 'valid';
      expect(checkSignature(v.token, v.timestamp, v.nonce, v.signature)).to.equal(valid);
      expect(sha1Signature([v.token, v.timestamp, v.nonce]) === v.signature).to.equal(valid);
    });
  }

  it('msg_signature vector (node-webot/wechat-crypto)', () => {
    const [v] = vectors.msg_signature_only;
    if (!v) throw new Error('missing vector');
    expect(sha1Signature([v.token, v.timestamp, v.nonce, v.encrypt])).to.equal(v.msg_signature);
  });

  it('sorts parts regardless of input order', () => {
    expect(sha1Signature(['b', 'a', 'c'])).to.equal(sha1Signature(['c', 'b', 'a']));
  });

  it('orders parts exactly as the default sort does (prefixes, digits, duplicates) and leaves the input alone', () => {
    const pool = ['1', '10', '2', '', 'a', 'A', 'ab', 'token', '1795675837', '1795675837', 'Z9'];
    let seed = 7;
    const pick = () => pool[(seed = (seed * 1103515245 + 12345) % 2147483648) % pool.length]!;
    for (let n = 0; n < 500; n += 1) {
      const parts = Array.from({ length: 2 + (n % 4) }, pick);
      const before = [...parts];
      const expected = createHash('sha1').update([...parts].sort().join('')).digest('hex');
      expect(sha1Signature(parts), parts.join('|')).to.equal(expected);
      expect(parts).to.deep.equal(before);
    }
  });

  it('returns false without throwing on wrong length, empty or non-string signatures', () => {
    const v = vectors.plain_signature[0];
    if (!v) throw new Error('missing vector');
    expect(checkSignature(v.token, v.timestamp, v.nonce, v.signature.slice(1))).to.equal(false);
    expect(checkSignature(v.token, v.timestamp, v.nonce, '')).to.equal(false);
    expect(checkSignature(v.token, v.timestamp, v.nonce, `${v.signature}00`)).to.equal(false);
    expect(checkSignature(v.token, v.timestamp, v.nonce, ['x'] as unknown as string)).to.equal(false);
    expect(checkSignature(v.token, undefined as unknown as string, v.nonce, v.signature)).to.equal(false);
    expect(safeEqual('é', 'e\u0301')).to.equal(false);
  });
});
