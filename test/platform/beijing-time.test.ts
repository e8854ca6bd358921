import { expect } from 'chai';
import {
  beijingLocal, dayFromKey, dayKey, endOfShanghaiDay, formatBeijingClock, formatBeijingDateTime, formatBeijingMinute, formatShanghaiDate,
  formatShanghaiMonthDay, fromBeijingLocal, shanghaiDay, shanghaiDayKey, startOfShanghaiDay, weekday,
} from '../../src/platform/beijing-time.js';

describe('platform/beijing-time', () => {
  it('puts 23:59 UTC on the next Shanghai day and 15:59 UTC on the same one', () => {
    expect(shanghaiDayKey(new Date('2025-09-30T16:00:00Z'))).to.equal('2025-10-01');
    expect(shanghaiDayKey(new Date('2025-09-30T15:59:59.999Z'))).to.equal('2025-09-30');
  });

  it('gives day bounds as instants at +08:00', () => {
    const day = dayFromKey('2025-10-01');
    expect(startOfShanghaiDay(day).toISOString()).to.equal('2025-09-30T16:00:00.000Z');
    expect(endOfShanghaiDay(day).toISOString()).to.equal('2025-10-01T15:59:59.999Z');
    expect(shanghaiDay(endOfShanghaiDay(day))).to.equal(day);
  });

  it('round-trips keys and refuses impossible dates', () => {
    expect(dayKey(dayFromKey('2026-02-28'))).to.equal('2026-02-28');
    expect(Number.isNaN(dayFromKey('2026-02-30'))).to.equal(true);
    expect(Number.isNaN(dayFromKey('2026-2-3'))).to.equal(true);
  });

  it('knows weekdays (2025-10-11 was a Saturday, 2025-09-28 a Sunday)', () => {
    expect(weekday(dayFromKey('2025-10-11'))).to.equal(6);
    expect(weekday(dayFromKey('2025-09-28'))).to.equal(0);
    expect(weekday(dayFromKey('1969-12-31'))).to.equal(3);
  });

  it('formats dates for citizens', () => {
    expect(formatShanghaiDate(new Date('2025-10-09T16:30:00Z'))).to.equal('2025年10月10日');
  });

  it('formats times for messages, tables and the clock, and reads a datetime-local back', () => {
    const at = new Date('2026-12-06T16:05:09Z');
    expect(formatBeijingDateTime(at)).to.equal('2026年12月7日 00:05');
    expect(formatBeijingMinute(at)).to.equal('2026-12-07 00:05');
    expect(formatBeijingClock(at)).to.equal('00:05:09');
    expect(formatShanghaiMonthDay(at)).to.equal('12月7日');
    expect(beijingLocal(at)).to.equal('2026-12-07T00:05');
    expect(fromBeijingLocal('2026-12-07T00:05')?.toISOString()).to.equal('2026-12-06T16:05:00.000Z');
    for (const bad of ['2026-02-30T10:00', '2026-12-07T24:00', '2026-12-07 10:00', '', undefined]) expect(fromBeijingLocal(bad), String(bad)).to.equal(undefined);
  });
});
