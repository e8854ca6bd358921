import { expect } from 'chai';
import {
  deadlinesFor, dueDateOf, isDueSoon, isOverdue, objectionWindowEnd, type ClockedTip,
} from '../../../src/tips/rules/deadlines.js';
import { holidays, sh } from './helpers.js';

const iso = (d: Date | undefined) => d?.toISOString();

describe('tips/rules/deadlines', () => {
  describe('deadlinesFor', () => {
    it('assigns within 15 days and concludes within 60, to the end of the Beijing day', () => {
      const d = deadlinesFor({ receivedAt: sh('2025-03-03T10:00') });
      expect(iso(d.assignBy)).to.equal(sh('2025-03-18T23:59:59.999').toISOString());
      expect(iso(d.concludeBy)).to.equal(sh('2025-05-02T23:59:59.999').toISOString());
    });

    it('counts from the Beijing date even when UTC is still the day before', () => {
      // 2025-03-03 07:00 Beijing = 2025-03-02 23:00 UTC.
      const d = deadlinesFor({ receivedAt: sh('2025-03-03T07:00') });
      expect(iso(d.assignBy)).to.equal(sh('2025-03-18T23:59:59.999').toISOString());
    });

    it('counts 60 days from acceptance, plus the extension', () => {
      const d = deadlinesFor({ receivedAt: sh('2025-03-03'), acceptedAt: sh('2025-03-10'), extensionDays: 30 });
      expect(iso(d.concludeBy)).to.equal(sh('2025-06-08T23:59:59.999').toISOString());
    });

    it('refuses an extension over 30 days or a negative one', () => {
      expect(() => deadlinesFor({ receivedAt: sh('2025-03-03'), extensionDays: 31 })).to.throw(RangeError);
      expect(() => deadlinesFor({ receivedAt: sh('2025-03-03'), extensionDays: -1 })).to.throw(RangeError);
    });

    it('with the holiday table, a last day that falls off work moves to the next working day', () => {
      // Received 09-23: day 15 is 10-08 (国庆) → Thursday 10-09.
      const plain = deadlinesFor({ receivedAt: sh('2025-09-23') });
      const rolled = deadlinesFor({ receivedAt: sh('2025-09-23'), holidays });
      expect(iso(plain.assignBy)).to.equal(sh('2025-10-08T23:59:59.999').toISOString());
      expect(iso(rolled.assignBy)).to.equal(sh('2025-10-09T23:59:59.999').toISOString());
    });
  });

  it('objectionWindowEnd: 5 working days across 国庆', () => {
    expect(iso(objectionWindowEnd(sh('2025-09-29T16:00'), holidays)))
      .to.equal(sh('2025-10-13T23:59:59.999').toISOString()); // Tue, 10-09, 10-10, Sat 10-11, Mon 10-13
  });

  describe('dueDateOf / isOverdue / isDueSoon', () => {
    const receivedAt = sh('2025-03-03T10:00');
    const tip = (state: ClockedTip['state'], extra: Partial<ClockedTip> = {}): ClockedTip => ({ state, receivedAt, ...extra });

    it('runs the 15-day clock before assignment and the 60-day clock after', () => {
      expect(iso(dueDateOf(tip('received')))).to.equal(sh('2025-03-18T23:59:59.999').toISOString());
      expect(iso(dueDateOf(tip('claimed')))).to.equal(sh('2025-03-18T23:59:59.999').toISOString());
      expect(iso(dueDateOf(tip('in_progress')))).to.equal(sh('2025-05-02T23:59:59.999').toISOString());
      expect(iso(dueDateOf(tip('extended', { extensionDays: 10 })))).to.equal(sh('2025-05-12T23:59:59.999').toISOString());
    });

    it('gives a reopened tip 30 days from the review request', () => {
      expect(iso(dueDateOf(tip('reopened', { reopenedAt: sh('2025-06-01T09:00') }))))
        .to.equal(sh('2025-07-01T23:59:59.999').toISOString());
      expect(dueDateOf(tip('reopened'))).to.equal(undefined);
    });

    it('stops the clock for finished states', () => {
      for (const s of ['answered', 'closed', 'rejected', 'duplicate', 'transferred'] as const) {
        expect(dueDateOf(tip(s)), s).to.equal(undefined);
        expect(isOverdue(tip(s), sh('2030-01-01')), s).to.equal(false);
        expect(isDueSoon(tip(s), sh('2025-03-17')), s).to.equal(false);
      }
    });

    it('is overdue only after the last millisecond of the last day', () => {
      expect(isOverdue(tip('received'), sh('2025-03-18T23:59'))).to.equal(false);
      expect(isOverdue(tip('received'), sh('2025-03-19T00:00'))).to.equal(true);
    });

    it('is due soon within the window, not before it and not once overdue', () => {
      expect(isDueSoon(tip('received'), sh('2025-03-15T23:00'))).to.equal(false); // 3 days + 1 h left
      expect(isDueSoon(tip('received'), sh('2025-03-16T00:00'))).to.equal(true);
      expect(isDueSoon(tip('received'), sh('2025-03-18T23:59'))).to.equal(true);
      expect(isDueSoon(tip('received'), sh('2025-03-19T00:00'))).to.equal(false);
      expect(isDueSoon(tip('received'), sh('2025-03-11T00:00'), 8)).to.equal(true);
    });
  });
});
