import { expect } from 'chai';
import { parseQuery } from '../../src/bot/adapters/official-account.js';

describe('webhook query parsing', () => {
  it('decodes percent-encoding and plus signs', () => {
    const q = parseQuery('echostr=abc%2B123&x=a+b&empty=&flag');
    expect(q.get('echostr')).to.equal('abc+123');
    expect(q.get('x')).to.equal('a b');
    expect(q.get('empty')).to.equal('');
    expect(q.get('flag')).to.equal('');
  });
  it('drops a key given more than once, however many times', () => {
    const q = parseQuery('signature=a&nonce=n&signature=b&signature=c');
    expect(q.has('signature')).to.equal(false);
    expect(q.get('nonce')).to.equal('n');
  });
  it('keeps malformed percent-encoding as typed instead of throwing', () => {
    const q = parseQuery('a=%zz&b=ok');
    expect(q.get('a')).to.equal('%zz');
    expect(q.get('b')).to.equal('ok');
  });
  it('is empty for an empty query', () => {
    expect(parseQuery('').size).to.equal(0);
  });
});

describe('webhook query parsing agrees with URLSearchParams', () => {
  const viaWhatwg = (search: string) => {
    const seen = new Map<string, number>();
    const all = [...new URLSearchParams(search)];
    for (const [k] of all) seen.set(k, (seen.get(k) ?? 0) + 1);
    return new Map(all.filter(([k]) => seen.get(k) === 1));
  };
  it('on WeChat-shaped and odd queries, encoded or not', () => {
    const fixed = [
      'signature=0f1e&timestamp=1795675837&nonce=42&openid=o_bench_1',
      '?a=1', '??a=1', '&&a=1&&', 'a', 'a=', '=b', '=', 'a==b', 'a=b=c&a', 'x=%41&y=1', 'x=a+b', '&', '?',
    ];
    for (const q of fixed) expect(parseQuery(q), q).to.deep.equal(viaWhatwg(q));
    const alphabet = ['a', 'b', '=', '&', '?', '1', '%', '+', '%41', 'é'];
    let seed = 11;
    for (let n = 0; n < 2000; n += 1) {
      let q = '';
      for (let i = 0; i < n % 12; i += 1) q += alphabet[(seed = (seed * 1103515245 + 12345) % 2147483648) % alphabet.length];
      expect(parseQuery(q), q).to.deep.equal(viaWhatwg(q));
    }
  });
});
