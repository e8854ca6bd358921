import { expect } from 'chai';
import { ownString } from '../../src/platform/strings.js';

describe('ownString', () => {
  it('returns the same characters, short and long, ASCII and not', () => {
    for (const s of ['', 'abc', 'wx:wxappid:o_abcdefghijklmnopqrstuvwxyz:24123456789012345678', '举报：村口有人聚众赌博，请尽快处理', 'a'.repeat(13)]) {
      expect(ownString(s)).to.equal(s);
      expect(ownString(s).length).to.equal(s.length);
    }
  });

  it('copies a value cut from a larger string: the result equals the slice and works as a Map key', () => {
    const body = `<xml><FromUserName><![CDATA[o_citizen_0123456789abcdef]]></FromUserName>${'x'.repeat(10_000)}</xml>`;
    const cut = body.slice(body.indexOf('o_citizen'), body.indexOf(']]>'));
    const own = ownString(`wx:app:${cut}:123`);
    const m = new Map([[own, 1]]);
    expect(m.get(`wx:app:o_citizen_0123456789abcdef:123`)).to.equal(1);
  });
});
