// Pure rules of the legal clock: the date-fixed statutory holidays past the holiday table, the
// review window counted from when the answer reached the citizen, and no extension in a review.
import { expect } from 'chai';
import { calendarPeriodEnd, deadlinesFor, dueDateOf, objectionWindowEnd } from '../../src/tips/rules/deadlines.js';
import { holidayTableCovers, isWorkingDay } from '../../src/tips/rules/working-days.js';
import { transition } from '../../src/tips/rules/state-machine.js';
import { isTipRuleError } from '../../src/tips/rules/errors.js';
import { holidays, sh } from './rules/helpers.js';

// The real table cut after 2026, so these stay past its last year when later years are added.
const upTo2026 = {
  holidays: holidays.holidays.filter((d) => d < '2027'),
  makeupWorkdays: holidays.makeupWorkdays.filter((d) => d < '2027'),
};

const end = (day: string) => sh(`${day}T23:59:59.999`).toISOString();
const codeOf = (run: () => unknown): string | undefined => {
  try { run(); } catch (err) { return isTipRuleError(err) ? err.code : 'other'; }
  return undefined;
};

describe('tips rules: statutory days off past the table, and the review clock', () => {
  describe('past the last year of config/holidays.json', () => {
    it('is a year the table does not cover', () => {
      expect(holidayTableCovers(upTo2026, sh('2026-12-31'))).to.equal(true);
      expect(holidayTableCovers(upTo2026, sh('2027-01-01'))).to.equal(false);
    });

    it('keeps 元旦, 劳动节 (1–2 May) and 国庆 (1–3 Oct) off, as 全国年节及纪念日放假办法 fixes them', () => {
      for (const d of ['2027-01-01', '2027-05-01', '2027-05-02', '2027-10-01', '2028-05-02', '2028-10-02', '2028-10-03']) {
        expect(isWorkingDay(sh(d), upTo2026), d).to.equal(false);
      }
      // Plain weekdays stay working days; nothing is invented for the lunar holidays.
      for (const d of ['2027-01-05', '2027-10-04', '2028-05-03']) expect(isWorkingDay(sh(d), upTo2026), d).to.equal(true);
    });

    it('rolls a 15-day period ending on 2027-01-01 to Monday 01-04', () => {
      expect(deadlinesFor({ receivedAt: sh('2026-12-17T23:30'), holidays: upTo2026 }).assignBy.toISOString()).to.equal(end('2027-01-04'));
    });

    it('counts 5 working days over 国庆 2027 without 10-01', () => {
      // Tue 09-28 → Wed 1, Thu 2, [Fri 10-01 国庆, Sat, Sun], Mon 10-04 3, Tue 4, Wed 10-06 5.
      expect(objectionWindowEnd(sh('2027-09-28T16:00'), upTo2026).toISOString()).to.equal(end('2027-10-06'));
    });

    it('leaves the years the table lists to the table (2026-05-09 is a 调休 Saturday, 2026-10-08 a workday)', () => {
      expect(isWorkingDay(sh('2026-05-09'), holidays)).to.equal(true);
      expect(isWorkingDay(sh('2026-10-08'), holidays)).to.equal(true);
      expect(calendarPeriodEnd(sh('2026-04-24'), 15, holidays).toISOString()).to.equal(end('2026-05-09'));
    });
  });

  describe('复查', () => {
    it('counts the 30 days from the day the held answer reached the citizen', () => {
      const tip = { state: 'answered' as const, answeredAt: sh('2026-01-05T23:59'), answerPublicAt: sh('2026-01-06T00:01'), reviewCount: 0 };
      expect(transition(tip, 'reopen', { reason: '不满意' }, sh('2026-02-05T23:00')).to).to.equal('reopened');
      expect(codeOf(() => transition(tip, 'reopen', { reason: '不满意' }, sh('2026-02-06T00:00')))).to.equal('TIP_REVIEW_WINDOW_CLOSED');
    });

    it('has no extension: the one of Art 34 belongs to the first handling', () => {
      for (const state of ['assigned', 'in_progress'] as const) {
        expect(codeOf(() => transition({ state, reviewCount: 1 }, 'extend', { extensionDays: 10, reason: '需要调查' }, sh('2025-03-03'))), state)
          .to.equal('TIP_ILLEGAL_TRANSITION');
      }
      expect(transition({ state: 'in_progress', reviewCount: 0 }, 'extend', { extensionDays: 10, reason: '需要调查' }, sh('2025-03-03')).to)
        .to.equal('extended');
    });

    it('runs a review reassigned or started on the 30 days from the request', () => {
      const base = { receivedAt: sh('2025-01-02'), acceptedAt: sh('2025-01-03'), reopenedAt: sh('2025-03-20T09:00') };
      for (const state of ['assigned', 'in_progress', 'reopened'] as const) {
        // Day 30 is Sat 04-19: the next working day.
        expect(dueDateOf({ state, ...base }, holidays)?.toISOString(), state).to.equal(end('2025-04-21'));
      }
    });
  });
});
