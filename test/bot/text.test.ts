import { expect } from 'chai';
import { formatMonthDay, normaliseText } from '../../src/bot/text.js';

describe('bot: text helpers', () => {
  it('formats the month and day in Beijing time, turning at 16:00 UTC', () => {
    expect(formatMonthDay(new Date('2026-11-26T15:59:59.999Z'))).to.equal('11月26日');
    expect(formatMonthDay(new Date('2026-11-26T16:00:00.000Z'))).to.equal('11月27日');
    expect(formatMonthDay(new Date('2026-12-31T16:30:00.000Z'))).to.equal('1月1日');
  });
  it('agrees with Intl for Asia/Shanghai over years of instants', () => {
    const md = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric' });
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2030, 0, 1); t += 37 * 3600_000 + 12_345) {
      const parts = md.formatToParts(new Date(t));
      const expected = `${parts.find((p) => p.type === 'month')!.value}月${parts.find((p) => p.type === 'day')!.value}日`;
      expect(formatMonthDay(new Date(t)), new Date(t).toISOString()).to.equal(expected);
    }
  });
  it('normaliseText trims and drops trailing punctuation (width was folded at the edge)', () => {
    expect(normaliseText(' 查询SM261126。 ')).to.equal('查询SM261126');
    expect(normaliseText('帮助')).to.equal('帮助');
    expect(normaliseText(' 举报！！')).to.equal('举报');
  });
  it('normaliseText returns a text untouched exactly when the full rules would not change it', () => {
    const full = (raw: string) => raw
      .trim()
      .replace(/[。！？!?.，,～~]+$/u, '')
      .trim();
    const alphabet = ['帮', '助', 'a', '1', '１', 'Ａ', 'ｚ', '\u3000', ' ', '\n', '\u00a0', '\ufeff', '。', '!', '?', '.', '，', '～', '😀'];
    let seed = 5;
    for (let n = 0; n < 5000; n += 1) {
      let raw = '';
      for (let i = 0; i < n % 9; i += 1) raw += alphabet[(seed = (seed * 1103515245 + 12345) % 2147483648) % alphabet.length];
      expect(normaliseText(raw), JSON.stringify(raw)).to.equal(full(raw));
    }
  });
});
