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
