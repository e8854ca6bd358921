// The tip's clock as stored columns: due_at is the deadline of the current state, kept in the
// row so "overdue" and "due soon" are indexed comparisons instead of a scan of every tip.
import type { HolidayTable } from './rules/working-days.js';
import { deadlinesFor, dueDateOf, reviewAnswerBy } from './rules/deadlines.js';
import type { TipState } from './types.js';
import type { TipRow } from './models.js';

type ClockFields = Pick<TipRow, 'state' | 'createdAt' | 'acceptedAt' | 'extensionDays' | 'reopenedAt' | 'acknowledgeBy'>;

/**
 * While the tip waits in the city queue, the colour's acknowledgement target (red: today)
 * is stricter than the legal 15 days, so the earlier of the two is what staff must meet.
 */
export function dueAtOf(tip: ClockFields, holidays: HolidayTable): Date | null {
  const due = dueDateOf({
    state: tip.state as TipState,
    receivedAt: tip.createdAt,
    acceptedAt: tip.acceptedAt,
    extensionDays: tip.extensionDays,
    reopenedAt: tip.reopenedAt,
  }, holidays);
  if (!due) return null;
  if (tip.state === 'received' || tip.state === 'claimed') {
    return tip.acknowledgeBy.getTime() < due.getTime() ? tip.acknowledgeBy : due;
  }
  return due;
}

/**
 * The conclusion deadline of the latest handling: 60 days from acceptance plus the extension,
 * or, once a 复查/复核 was requested, 30 days from that request. The on-time and late counts
 * compare the latest answer with it, so both sides always belong to the same handling.
 */
export function concludeByOf(tip: Pick<TipRow, 'createdAt' | 'acceptedAt' | 'extensionDays' | 'reopenedAt'>, holidays: HolidayTable): Date {
  if (tip.reopenedAt) return reviewAnswerBy(tip.reopenedAt, holidays);
  return deadlinesFor({
    receivedAt: tip.createdAt, acceptedAt: tip.acceptedAt, extensionDays: tip.extensionDays, holidays,
  }).concludeBy;
}

export const COLOUR_RANK: Readonly<Record<string, number>> = { red: 0, yellow: 1, green: 2 };
