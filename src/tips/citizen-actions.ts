// The citizen's own acts on their tip: adding to it while it is handled (补充, recorded as told:
// Art 19), rating the answer (评价, Art 21) and asking for review (复查, Art 35). Satisfied
// ratings conclude an answered tip; an unsatisfied one keeps the 30-day review door open. A tip
// closed before the citizen rated it takes the rating within that window.
import type { IdentityVault } from './identity.js';
import { dataString, maskReason } from './sealed-texts.js';
import type { CitizenRating, CitizenTipView, TipAddition, TipAdditionResult } from '../bot/ports.js';
import type { Database } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import type { NoticeCenter } from './notices.js';
import type { TipRepository, TipRow } from './repository.js';
import type { HolidayTable } from './rules/working-days.js';
import { transition } from './rules/state-machine.js';
import { applyTransition } from './apply.js';
import { snapshotOf } from './scope.js';
import { answerHeld, answerWindowOpen, citizenView, takesAdditions } from './views.js';
import { isRating, type Category, type Colour } from './types.js';
import type { Transaction } from 'sequelize';
import { sqlOf } from '../db/sql.js';
import { insertPendingMedia, isCopyableMediaId } from './intake.js';
import { acknowledgeBy, gradeColour } from './rules/colour.js';
import { COLOUR_RANK, dueAtOf } from './clock.js';
import { MAX_DESCRIPTION_CHARS, MAX_TIP_ADDITIONS, MAX_TIP_ATTACHMENTS } from './rules/limits.js';

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

/** The event an addition is stored as, one per message (or per piece of a long text). */
export const ADDITION_EVENT = 'citizen_added';
/** tip_events.reason's width: a longer text is stored as several events, in order. */
const REASON_CHARS = 500;
const ATTACHMENT_LABELS = { image: '图片', voice: '语音', video: '视频' } as const;

/**
 * A text cut into pieces of at most `max` characters, each cut after punctuation or a space when
 * one is near, and never inside a run of digits or letters, so no number is split between two
 * pieces (each is masked on its own).
 */
export function piecesOf(text: string, max = REASON_CHARS): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    const soft = Math.max(...['。', '！', '？', '，', '；', '\n', ' ', '!', '?', ',', ';'].map((p) => rest.lastIndexOf(p, max - 1)));
    if (soft >= max / 2) cut = soft + 1;
    else while (cut > max / 2 && /[0-9A-Za-z]/.test(rest[cut - 1]!) && /[0-9A-Za-z]/.test(rest[cut]!)) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Adds the citizen's words or one attachment to their tip while it is handled, in one
 * transaction with the tip's row locked: the same message (messageKey) is added once. Words are
 * stored masked with the original sealed (maskReason; an anonymous citizen's are not kept); an
 * attachment joins the tip's list and is copied from WeChat like the first ones. Danger told in
 * it, or words that grade red, raise the tip to red (a `colour_changed` event the staff rooms are
 * told of).
 */
export async function addToTip(
  deps: CitizenActionDeps & { mediaQueued?: () => void }, reporterHash: string, code: string, addition: TipAddition,
): Promise<TipAdditionResult> {
  const text = addition.text?.trim() ?? '';
  if (!text && !addition.attachment) throw new AppError('TIP_INVALID', 400, '请发送要补充的文字、照片、语音或视频');
  if (text.length > MAX_DESCRIPTION_CHARS) throw new AppError('TIP_INVALID', 400, `补充的内容太长，请分几次发送，每次${MAX_DESCRIPTION_CHARS}字以内`);
  if (!addition.messageKey || addition.messageKey.length > 128) throw new AppError('TIP_INVALID', 400, '消息标识无效');
  const sql = sqlOf(deps.db);
  let copy = false;
  const result = await deps.db.transaction(async (t): Promise<TipAdditionResult> => {
    const tip = await ownTip(deps, reporterHash, code, t);
    const colourNow = tip.colour as Colour;
    const earlier = await deps.repo.models.TipEvent.findAll({ attributes: ['data'], where: { tipId: tip.id, type: ADDITION_EVENT }, transaction: t });
    if (earlier.some((e) => dataString(e.data, 'messageKey') === addition.messageKey)) return { outcome: 'again', colour: colourNow };
    const now = new Date();
    if (!takesAdditions(tip, now)) throw new AppError('TIP_CANNOT_ADD', 409, '这件事已经不在办理中，不能再补充');
    const pieces = text ? piecesOf(text) : [];
    if (earlier.length + pieces.length + (addition.attachment ? 1 : 0) > MAX_TIP_ADDITIONS) {
      throw new AppError('TIP_ADDITIONS_FULL', 409, '这件事补充的内容已经很多了');
    }
    const attachments = JSON.parse(tip.attachments || '[]') as Array<{ type: string; mediaId: string }>;
    if (addition.attachment && attachments.length >= MAX_TIP_ATTACHMENTS) throw new AppError('TIP_ADDITIONS_FULL', 409, '这件事的照片、语音和视频已经很多了');

    const data = { messageKey: addition.messageKey };
    for (const piece of pieces) {
      const stored = maskReason(deps.vault, piece, tip.anonymous);
      await deps.repo.appendEvent({
        tipId: tip.id, type: ADDITION_EVENT, actor: { type: 'citizen' }, fromState: tip.state, toState: tip.state,
        reason: stored.reason, data: stored.sealedReason ? { ...data, sealedReason: stored.sealedReason } : data, at: now,
      }, t);
    }
    if (addition.attachment) {
      attachments.push({ type: addition.attachment.type, mediaId: addition.attachment.mediaId });
      const position = attachments.length;
      tip.attachments = JSON.stringify(attachments);
      await deps.repo.appendEvent({
        tipId: tip.id, type: ADDITION_EVENT, actor: { type: 'citizen' }, fromState: tip.state, toState: tip.state,
        note: `${ATTACHMENT_LABELS[addition.attachment.type]}（附件 ${position}）`, data: { ...data, attachment: position }, at: now,
      }, t);
      if (isCopyableMediaId(addition.attachment.mediaId)) {
        await insertPendingMedia(sql, deps.repo.models, tip.id, { position, mediaType: addition.attachment.type, mediaId: addition.attachment.mediaId }, now, t);
        copy = true;
      }
    }

    // Told in danger, or in words that grade red: the tip is handled first from now on.
    const red = addition.danger || (text !== '' && gradeColour({ category: tip.category as Category, text }).colour === 'red');
    if (red && colourNow !== 'red') {
      tip.colour = 'red';
      tip.computedColour = 'red';
      tip.colourRank = COLOUR_RANK.red ?? 0;
      tip.danger = tip.danger || addition.danger;
      // The same day as the danger was told, never later than the clock it had.
      const ackBy = acknowledgeBy('red', now, deps.holidays);
      if (ackBy.getTime() < tip.acknowledgeBy.getTime()) tip.acknowledgeBy = ackBy;
      tip.dueAt = dueAtOf(tip, deps.holidays);
      // No quote of the citizen's words: the addition itself, just above on the timeline, shows them.
      await deps.repo.appendEvent({
        tipId: tip.id, type: 'colour_changed', actor: { type: 'system', name: '系统' }, fromState: tip.state, toState: tip.state,
        reason: '群众补充的内容说到危险或紧急情况', data: { from: colourNow, to: 'red' }, at: now,
      }, t);
    }
    // Until whoever handles it opens the tip (reads.ts tipDetail), their console says so.
    tip.additionsUnseenAt = now;
    tip.updatedAt = now;
    await tip.save({ transaction: t });
    return { outcome: 'added', colour: tip.colour as Colour };
  });
  if (copy) deps.mediaQueued?.();
  return result;
}
