import { expect } from 'chai';
import { PhraseMatcher } from '../../src/alerts/fraud/phrase-matcher.js';

describe('alerts/fraud: phrase matcher (Aho-Corasick)', () => {
  it('finds every phrase, overlapping and nested ones too', () => {
    const m = new PhraseMatcher(['he', 'she', 'his', 'hers', '安全账户', '账户']);
    expect([...m.find('ushers')].sort()).to.deep.equal([0, 1, 3]);
    expect([...m.find('请转入安全账户')].sort()).to.deep.equal([4, 5]);
    expect([...m.find('xyz 无关')]).to.deep.equal([]);
  });

  it('agrees with a naive substring search on random texts', () => {
    const alphabet = 'ab安全账';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round += 1) {
      const phrases = Array.from({ length: 8 }, () => pick(1 + Math.floor(Math.random() * 4)));
      const text = pick(30);
      const expected = phrases.flatMap((p, i) => (text.includes(p) ? [i] : []));
      expect([...new PhraseMatcher(phrases).find(text)].sort((a, b) => a - b), `${phrases.join(',')} in ${text}`).to.deep.equal(expected);
    }
  });
});
