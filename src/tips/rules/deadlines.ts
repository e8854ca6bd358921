// The legal clock of a tip. "Within N days of X" ends at 23:59:59.999 Shanghai time on the
// N-th calendar day after the day of X: the day of X itself is not counted (民法典 Art 201).
import type { TipState } from '../types.js';
import {
  ASSIGN_WITHIN_DAYS, CONCLUDE_WITHIN_DAYS, MAX_EXTENSION_DAYS, OBJECTION_WORKING_DAYS, REVIEW_ANSWER_DAYS, REVIEW_WINDOW_DAYS,
} from './limits.js';
import { DAY_MS, endOfShanghaiDay, shanghaiDay } from '../../platform/beijing-time.js';
import { addWorkingDays, firstWorkingDayFrom, type HolidayTable } from './working-days.js';

export type { HolidayTable } from './working-days.js';
export { addWorkingDays, isWorkingDay, parseHolidayTable, holidayTableCovers } from './working-days.js';

export interface DeadlineInput {
  receivedAt: Date;
  /** When the handling body accepted the matter (受理). Until then the receipt date stands in. */
  acceptedAt?: Date | null;
  /** Days granted by the one extension (0–30). */
  extensionDays?: number | null;
  /**
   * When given, a period whose last day is a day off ends on the next working day
   * (民法典 Art 203: weekends and public holidays). Without it, plain calendar days.
   */
  holidays?: HolidayTable;
}

export interface Deadlines {
  /** Register and assign (交办/转送), and tell the petitioner: 15 days from receipt. */
  assignBy: Date;
  /** Conclude: 60 days from acceptance, plus the extension. */
  concludeBy: Date;
}

/** End of the period of `days` calendar days after the day of `from`. */
export function calendarPeriodEnd(from: Date, days: number, holidays?: HolidayTable): Date {
  const last = shanghaiDay(from) + days;
  return endOfShanghaiDay(holidays ? firstWorkingDayFrom(last, holidays) : last);
}

export function deadlinesFor(input: DeadlineInput): Deadlines {
  const extension = input.extensionDays ?? 0;
  if (!Number.isInteger(extension) || extension < 0 || extension > MAX_EXTENSION_DAYS) {
    throw new RangeError(`extension must be 0–${MAX_EXTENSION_DAYS} whole days, got ${extension}`);
  }
  // Falling back to the receipt date can only make the deadline earlier, never let it slip.
  const accepted = input.acceptedAt ?? input.receivedAt;
  return {
    assignBy: calendarPeriodEnd(input.receivedAt, ASSIGN_WITHIN_DAYS, input.holidays),
    concludeBy: calendarPeriodEnd(accepted, CONCLUDE_WITHIN_DAYS + extension, input.holidays),
  };
}

/**
 * The end of the window for 复查 (Art 35), and for rating a tip closed before the citizen rated
 * it: the last minute (Beijing) of the 30th day after the day the answer reached the citizen,
 * after its correction hold (`answerPublicAt`; `answeredAt` for an answer that went out at once).
 */
export function reviewWindowEnd(answer: { answeredAt: Date; answerPublicAt?: Date | null }): Date {
  return endOfShanghaiDay(shanghaiDay(answer.answerPublicAt ?? answer.answeredAt) + REVIEW_WINDOW_DAYS);
}

/** Art 35/36: a 复查 or 复核 is answered within 30 days of the request; no extension applies. */
export function reviewAnswerBy(reopenedAt: Date, holidays?: HolidayTable): Date {
  return calendarPeriodEnd(reopenedAt, REVIEW_ANSWER_DAYS, holidays);
}

/** Last moment a wrongly assigned body may object: 5 working days after assignment. */
export function objectionWindowEnd(assignedAt: Date, holidays: HolidayTable): Date {
  return addWorkingDays(assignedAt, OBJECTION_WORKING_DAYS, holidays);
}

/** The fields of a tip the clock needs. */
export interface ClockedTip {
  state: TipState;
  receivedAt: Date;
  acceptedAt?: Date | null;
  extensionDays?: number | null;
  /**
   * When the latest 复查/复核 request was taken. Only a reopen sets it, and a reopen comes after the
   * first answer, so while it is set every handling state (a review reassigned, started) is part
   * of that review and runs on the review's 30 days, never on the first handling's 60.
   */
  reopenedAt?: Date | null;
}

/**
 * The deadline the tip's current state runs against, or undefined when no clock runs
 * (answered, closed and the side exits are finished business).
 */
export function dueDateOf(tip: ClockedTip, holidays?: HolidayTable): Date | undefined {
  const base = { receivedAt: tip.receivedAt, acceptedAt: tip.acceptedAt ?? null, extensionDays: tip.extensionDays ?? 0 };
  const withHolidays = holidays ? { ...base, holidays } : base;
  switch (tip.state) {
    case 'received':
    case 'claimed':
      return deadlinesFor(withHolidays).assignBy;
    case 'assigned':
    case 'in_progress':
    case 'extended':
      return tip.reopenedAt ? reviewAnswerBy(tip.reopenedAt, holidays) : deadlinesFor(withHolidays).concludeBy;
    case 'reopened':
      return tip.reopenedAt ? reviewAnswerBy(tip.reopenedAt, holidays) : undefined;
    default:
      return undefined;
  }
}

export function isOverdue(tip: ClockedTip, now: Date, holidays?: HolidayTable): boolean {
  const due = dueDateOf(tip, holidays);
  return due !== undefined && now.getTime() > due.getTime();
}

/** Not yet overdue, but due within `withinDays` × 24 h of `now`. */
export function isDueSoon(tip: ClockedTip, now: Date, withinDays = 3, holidays?: HolidayTable): boolean {
  const due = dueDateOf(tip, holidays);
  if (due === undefined) return false;
  const left = due.getTime() - now.getTime();
  return left >= 0 && left <= withinDays * DAY_MS;
}
