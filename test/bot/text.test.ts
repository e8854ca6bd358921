import { expect } from 'chai';
import { formatMonthDay } from '../../src/bot/text.js';

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
});
