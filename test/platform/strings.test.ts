import { expect } from 'chai';
import { StringInterner, ownString } from '../../src/platform/strings.js';

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

describe('StringInterner', () => {
  it('gives back the same characters, keeps one entry per distinct string, and stays within its capacity', () => {
    const body = `<xml>${'o_citizen_0123456789abcdef'.repeat(3)}</xml>`;
    const i = new StringInterner(2);
    const a = i.intern(body.slice(5, 31));
    expect(a).to.equal('o_citizen_0123456789abcdef');
    expect(i.intern(body.slice(31, 57))).to.equal(a);
    expect(i.size).to.equal(1);
    i.intern('o_second_citizen_xxxxxxxx');
    i.intern('o_third_citizen_yyyyyyyyy');
    expect(i.size).to.equal(2);
    expect(i.intern('o_citizen_0123456789abcdef')).to.equal('o_citizen_0123456789abcdef');
  });
});
