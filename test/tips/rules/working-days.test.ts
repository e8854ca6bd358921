import { expect } from 'chai';
import {
  addWorkingDays, holidayTableCovers, isWorkingDay, parseHolidayTable,
} from '../../../src/tips/rules/working-days.js';
import { dayFromKey, weekday } from '../../../src/platform/beijing-time.js';
import { holidays, sh } from './helpers.js';

const key = (d: Date) => new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10);

describe('tips/rules/working-days', () => {
  describe('config/holidays.json', () => {
    it('lists only weekend days as make-up workdays', () => {
      for (const d of holidays.makeupWorkdays) expect([0, 6], d).to.include(weekday(dayFromKey(d)));
    });

    it('has no duplicates and covers 2025 and 2026', () => {
      expect(new Set(holidays.holidays).size).to.equal(holidays.holidays.length);
      expect(holidayTableCovers(holidays, sh('2025-06-01'))).to.equal(true);
      expect(holidayTableCovers(holidays, sh('2026-06-01'))).to.equal(true);
      expect(holidayTableCovers(holidays, sh('2027-06-01'))).to.equal(false);
    });

    it('has the State Council days off (spot checks)', () => {
      for (const d of ['2025-01-01', '2025-01-28', '2025-02-04', '2025-05-05', '2025-10-08', '2026-02-23', '2026-09-25', '2026-10-07']) {
        expect(holidays.holidays, d).to.include(d);
      }
      expect(holidays.holidays.length).to.equal(28 + 33);
      expect(holidays.makeupWorkdays).to.have.length(11);
    });
  });

  it('refuses a malformed table', () => {
    expect(() => parseHolidayTable({ holidays: ['2025-13-01'], makeupWorkdays: [] })).to.throw();
    expect(() => parseHolidayTable({ holidays: ['2025-10-11'], makeupWorkdays: ['2025-10-11'] })).to.throw();
    expect(() => parseHolidayTable({ holidays: [] })).to.throw();
  });

  it('knows holiday weekdays, 调休 weekends and plain days', () => {
    expect(isWorkingDay(sh('2025-10-02'), holidays)).to.equal(false); // Thursday, 国庆
    expect(isWorkingDay(sh('2025-10-11'), holidays)).to.equal(true); // Saturday, 调休
    expect(isWorkingDay(sh('2025-10-12'), holidays)).to.equal(false); // plain Sunday
    expect(isWorkingDay(sh('2025-10-13'), holidays)).to.equal(true); // plain Monday
    // 00:30 Beijing on 10-11 is still 10-10 in UTC: the Shanghai date decides.
    expect(isWorkingDay(sh('2025-10-11T00:30'), holidays)).to.equal(true);
  });

  describe('addWorkingDays', () => {
    it('skips 国庆 and counts the 调休 Sunday before it', () => {
      // Fri 09-26 → Sun 09-28 (调休) 1, Mon 2, Tue 3, [10-01…10-08 off], Thu 10-09 4, Fri 10-10 5.
      expect(key(addWorkingDays(sh('2025-09-26T15:00'), 5, holidays))).to.equal('2025-10-10');
    });

    it('counts the 调休 Saturday after 国庆', () => {
      // Thu 10-09 → Fri 10-10 1, Sat 10-11 (调休) 2, Mon 10-13 3, Tue 4, Wed 10-15 5.
      expect(key(addWorkingDays(sh('2025-10-09T09:00'), 5, holidays))).to.equal('2025-10-15');
    });

    it('without the table it would be wrong: the table matters', () => {
      const bare = { holidays: [], makeupWorkdays: [] };
      expect(key(addWorkingDays(sh('2025-09-26'), 5, bare))).to.equal('2025-10-03');
    });

    it('ends at 23:59:59.999 Beijing time of the last working day', () => {
      expect(addWorkingDays(sh('2025-10-09T09:00'), 1, holidays).toISOString()).to.equal('2025-10-10T15:59:59.999Z');
    });

    it('n = 0 is the day itself if working, else the next working day', () => {
      expect(key(addWorkingDays(sh('2025-10-13'), 0, holidays))).to.equal('2025-10-13');
      expect(key(addWorkingDays(sh('2025-10-03'), 0, holidays))).to.equal('2025-10-09');
    });

    it('crosses 春节 2026 with both 调休 Saturdays', () => {
      // Fri 02-13 → Sat 02-14 (调休) 1, [02-15…02-23 off], Tue 02-24 2, Wed 3, Thu 4, Fri 02-27 5.
      expect(key(addWorkingDays(sh('2026-02-13'), 5, holidays))).to.equal('2026-02-27');
      expect(key(addWorkingDays(sh('2026-02-13'), 6, holidays))).to.equal('2026-02-28');
    });

    it('refuses negative or fractional counts', () => {
      expect(() => addWorkingDays(sh('2025-10-13'), -1, holidays)).to.throw(RangeError);
      expect(() => addWorkingDays(sh('2025-10-13'), 1.5, holidays)).to.throw(RangeError);
    });
  });
});
