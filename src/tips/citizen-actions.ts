// The citizen's own acts on an answered tip: rating (评价, Art 21) and asking for review (复查,
// Art 35). Satisfied ratings conclude an answered tip; an unsatisfied one keeps the 30-day review
// door open. A tip closed before the citizen rated it takes the rating within that window.
import type { IdentityVault } from './identity.js';
import { maskReason } from './sealed-texts.js';
import type { CitizenRating, CitizenTipView } from '../bot/ports.js';
import type { Database } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import type { NoticeCenter } from './notices.js';
import type { TipRepository, TipRow } from './repository.js';
import type { HolidayTable } from './rules/working-days.js';
import { transition } from './rules/state-machine.js';
import { applyTransition } from './apply.js';
import { snapshotOf } from './scope.js';
import { answerHeld, answerWindowOpen, citizenView } from './views.js';
import { isRating } from './types.js';
import type { Transaction } from 'sequelize';

export interface CitizenActionDeps {
  db: Database;
  repo: TipRepository;
  notices: NoticeCenter;
  /** Seals the original of a citizen's text when its stored form is masked. */
  vault: IdentityVault;
  holidays: HolidayTable;
}

const notFound = () => new AppError('TIP_NOT_FOUND', 404, '没有找到该编号的事项');

async function ownTip(deps: CitizenActionDeps, reporterHash: string, code: string, t: Transaction): Promise<TipRow> {
  const tip = await deps.repo.findByCode(code.trim().toUpperCase(), t, true);
  // Someone else's code answers exactly like an unknown one: codes must not be probeable.
  if (!tip || tip.reporterHash !== reporterHash) throw notFound();
  return tip;
}

export async function rateTip(deps: CitizenActionDeps, reporterHash: string, code: string, rating: CitizenRating): Promise<CitizenTipView> {
  if (!isRating(rating)) throw new AppError('TIP_RATING_INVALID', 400, '评价应为满意、基本满意或不满意');
  const tip = await deps.db.transaction(async (t) => {
    const tip = await ownTip(deps, reporterHash, code, t);
    const now = new Date();
    // An answer still in its correction hold has not reached the citizen: nothing to rate yet.
    // A tip staff closed before the citizen rated it may still be rated within the review window:
    // the answer's notice asked them to (Art 21).
    const rateable = tip.state === 'answered'
      ? !answerHeld(tip, now)
      // The window the citizen's view offers the rating in (views.ts): from when the answer reached them.
      : tip.state === 'closed' && answerWindowOpen(tip, now);
    if (!rateable || tip.rating !== null) throw new AppError('TIP_CANNOT_RATE', 409, '该事项当前不能评价');
    tip.rating = rating;
    tip.ratedAt = now;
    await tip.save({ transaction: t });
    await deps.repo.appendEvent({
      tipId: tip.id, type: 'rated', actor: { type: 'citizen' }, fromState: tip.state, toState: tip.state, data: { rating }, at: now,
    }, t);
    if (rating !== 'unsatisfied' && tip.state === 'answered') {
      // The citizen's satisfaction concludes the matter (办结); the bot's reply tells them.
      await applyTransition(deps, tip, transition(snapshotOf(tip), 'close', {}, now), { type: 'citizen' }, t, { notice: 'reply' });
    }
    return tip;
  });
  return citizenView(tip);
}

export async function requestTipReview(deps: CitizenActionDeps, reporterHash: string, code: string, reason: string): Promise<CitizenTipView> {
  const tip = await deps.db.transaction(async (t) => {
    const tip = await ownTip(deps, reporterHash, code, t);
    if (answerHeld(tip, new Date())) throw new AppError('TIP_REVIEW_NOT_ALLOWED', 409, '答复还没有发给您，收到答复后再申请复查');
    if (tip.rating !== null && tip.rating !== 'unsatisfied') {
      throw new AppError('TIP_REVIEW_NOT_ALLOWED', 409, '您已对答复表示满意，如有新情况请重新反映');
    }
    const now = new Date();
    // Stored and told back masked; the original is sealed in the event (views.ts opens it on a logged reveal).
    const stored = maskReason(deps.vault, reason, tip.anonymous);
    const result = transition(snapshotOf(tip), 'reopen', { reason: stored.reason }, now);
    if (tip.rating === null) {
      // Asking for review is itself the unsatisfied verdict; record it as such.
      tip.rating = 'unsatisfied';
      tip.ratedAt = now;
    }
    await applyTransition(deps, tip, result, { type: 'citizen' }, t, {
      notice: 'reply', eventType: 'review_requested',
      ...(stored.sealedReason ? { data: { sealedReason: stored.sealedReason } } : {}),
    });
    return tip;
  });
  return citizenView(tip);
}
