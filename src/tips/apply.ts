// Applies a state-machine result to a stored tip inside the caller's transaction: the row, the
// event and the citizen notice are written together, so the current state always matches the
// last event and a notice exists for every change the citizen must hear of.
import type { Transaction } from 'sequelize';
import type { NoticeCenter } from './notices.js';
import type { EventActor, TipRepository, TipRow } from './repository.js';
import type { TransitionResult } from './rules/state-machine.js';
import type { HolidayTable } from './rules/working-days.js';
import { citizenNoticeFor } from './rules/citizen-notice.js';
import { concludeByOf, dueAtOf } from './clock.js';

export interface ApplyDeps {
  repo: TipRepository;
  notices: NoticeCenter;
  holidays: HolidayTable;
  /**
   * tips.answerHoldMinutes: an answer reaches the citizen this long after it is given, and may be
   * corrected meanwhile (service.correctAnswer). Absent or 0: at once.
   */
  answerHoldMinutes?: number;
}

/** When an answer given at `at` reaches the citizen. */
export function answerPublicAt(deps: Pick<ApplyDeps, 'answerHoldMinutes'>, at: Date): Date {
  return new Date(at.getTime() + Math.round((deps.answerHoldMinutes ?? 0) * 60_000));
}

export interface ApplyOptions {
  /** 'push': queue for sending after commit; 'reply': the bot says it now; 'none': internal step. */
  notice?: 'push' | 'reply' | 'none';
  eventType?: string;
  note?: string | null;
  data?: Record<string, unknown>;
}

/** Returns the ids of notices to dispatch once the transaction has committed. */
export async function applyTransition(
  deps: ApplyDeps, tip: TipRow, result: TransitionResult, actor: EventActor, t: Transaction, opts: ApplyOptions = {},
): Promise<number[]> {
  const at = result.at;
  const set = result.set;
  switch (result.action) {
    case 'release':
    case 'lease_expired':
      tip.claimedBy = null;
      tip.leaseUntil = null;
      break;
    case 'assign':
      tip.unitKey = set.handlingUnitKey ?? tip.unitKey;
      tip.assignedAt = at;
      // Art 34's 60 days run from acceptance by the handling body: the first assignment.
      tip.acceptedAt = tip.acceptedAt ?? at;
      tip.deliveryState = 'pending';
      tip.claimedBy = null;
      tip.leaseUntil = null;
      break;
    case 'start':
      tip.deliveryState = 'accepted';
      tip.startedAt = at;
      break;
    case 'answer':
      tip.answer = result.answer ?? null;
      tip.answeredAt = at;
      tip.answerPublicAt = answerPublicAt(deps, at);
      tip.rating = null;
      tip.ratedAt = null;
      tip.claimedBy = null;
      tip.leaseUntil = null;
      break;
    case 'extend':
      tip.extensionDays = set.extensionDays ?? tip.extensionDays;
      break;
    case 'reject':
    case 'transfer':
    case 'mark_duplicate':
    case 'close':
      tip.concludedAt = at;
      tip.claimedBy = null;
      tip.leaseUntil = null;
      if (set.duplicateOf !== undefined) tip.duplicateOf = String(set.duplicateOf);
      break;
    case 'reopen':
      tip.reopenedAt = set.reopenedAt ?? at;
      tip.reviewCount = set.reviewCount ?? tip.reviewCount + 1;
      tip.concludedAt = null;
      break;
    case 'claim':
      break;
  }
  tip.state = result.to;
  tip.concludeBy = concludeByOf(tip, deps.holidays);
  tip.dueAt = dueAtOf(tip, deps.holidays);
  tip.updatedAt = at;
  await deps.repo.saveChanges(tip, t);

  await deps.repo.appendEvent({
    tipId: tip.id,
    type: opts.eventType ?? result.action,
    actor,
    fromState: result.from,
    toState: result.to,
    reason: result.reason ?? null,
    note: opts.note ?? result.answer ?? null,
    ...(opts.data ? { data: opts.data } : {}),
    at,
  }, t);

  const mode = opts.notice ?? 'push';
  if (mode === 'none') return [];
  // A duplicate of the citizen's own earlier tip names it; another citizen's is never named. Nor
  // is the citizen's own when either tip is 匿名: staff read the notices on the tip page, and the
  // name would link the anonymous tip to a named one, whose reveal names its reporter.
  const original = result.action === 'mark_duplicate' && tip.duplicateOf && !tip.anonymous ? await deps.repo.findByCode(tip.duplicateOf, t) : null;
  const text = citizenNoticeFor(result.to, {
    trackingCode: tip.code,
    reason: result.reason ?? null,
    answer: result.answer ?? null,
    unitName: await deps.repo.unitName(tip.unitKey),
    extensionDays: result.action === 'extend' ? tip.extensionDays : null,
    newDeadline: result.action === 'extend' ? tip.concludeBy : null,
    at,
    from: result.from,
    reviewCount: tip.reviewCount,
    duplicateOfOwn: original && !original.anonymous && original.reporterHash === tip.reporterHash ? original.code : null,
  });
  if (!text) return [];
  if (mode === 'reply') {
    await deps.notices.recordReplied(tip, result.to, text, t);
    return [];
  }
  // An answer inside its correction hold waits until the hold is over (notices.ts `notBefore`).
  const notBefore = result.action === 'answer' && tip.answerPublicAt && tip.answerPublicAt.getTime() > at.getTime() ? tip.answerPublicAt : null;
  return [await deps.notices.queue(tip, result.to, text, t, notBefore)];
}
