// The citizen's side of the tips domain, as the bot sees it (TipDesk). A tip the citizen is told
// about is committed first; if the database cannot take it, submit throws TIP_STORE_UNAVAILABLE
// and nothing claims to be received. Nothing here is kept in process between calls: every
// instance answers from the database and the shared store (the contact-time mark, see touch).
import { UniqueConstraintError } from 'sequelize';
import type { CitizenRef } from '../bot/types.js';
import type { CitizenRating, CitizenTipView, TipDesk, TipReceipt, TipSubmission } from '../bot/ports.js';
import type { Database } from '../db/index.js';
import type { SharedStore } from '../platform/shared-store.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { AppError, unavailable } from '../platform/errors.js';
import { identityToSeal, type IdentityVault } from './identity.js';
import { PERSONAL_DATA_RULE_VERSION } from './rules/personal-data.js';
import { maskTexts, storedColourReason } from './sealed-texts.js';
import type { NoticeCenter } from './notices.js';
import type { TipRepository } from './repository.js';
import { isCopyableMediaId, touchContact, writeNewTip, type NewTipMedia, type NewTipValues } from './intake.js';
import type { HolidayTable } from './rules/working-days.js';
import { acknowledgeBy, gradeColour } from './rules/colour.js';
import { deadlinesFor } from './rules/deadlines.js';
import { normaliseTrackingCode } from './rules/tracking-code.js';
import { suggestDuplicates } from './rules/duplicates.js';
import { MAX_DESCRIPTION_CHARS, SAME_REPORTER_WINDOW_DAYS } from './rules/limits.js';
import { DAY_MS } from '../platform/beijing-time.js';
import { newTrackingCode } from './rules/tracking-code.js';
import { citizenNoticeFor } from './rules/citizen-notice.js';
import { COLOUR_RANK } from './clock.js';
import { citizenView } from './views.js';
import { addToTip, rateTip, requestTipReview } from './citizen-actions.js';
import { categoryInfo, isCategory, type Colour } from './types.js';

export interface DeskDeps {
  db: Database;
  repo: TipRepository;
  vault: IdentityVault;
  notices: NoticeCenter;
  holidays: HolidayTable;
  metrics: Metrics;
  logger: Logger;
  /** Shared by every instance: when a citizen's contact time was last written (see touch). */
  state?: SharedStore;
  /** Told after a tip with photos or voice to copy committed (media-copy.ts); never awaited. */
  mediaQueued?: () => void;
}

/**
 * A citizen's contact time is written at most this often. The 48-hour customer-service window
 * needs no more precision, and the stored time is never later than the real one: the window is
 * judged closed at most this much early (a template instead of a custom message), never late.
 */
export const TOUCH_EVERY_SECONDS = 600;

/** What the desk knows of a tip it has just stored: the columns, without the database id. */
type StoredTip = Pick<NewTipValues, 'code' | 'colour' | 'acknowledgeBy' | 'concludeBy' | 'category' | 'placeCountyCode' | 'handlerCountyCode' | 'dueAt'>;

// The duplicate scan compares a new tip with at most this many of the citizen's tips of the window.
const DUPLICATE_SCAN_LIMIT = 20;
// Tracking codes are random (rules/tracking-code.ts); a collision is caught by the unique index.
const CODE_ATTEMPTS = 5;

/** Which unique index a duplicate hit, when the driver says (MariaDB: key name; SQLite: columns). */
function duplicateOn(err: UniqueConstraintError): 'code' | 'submission_key' | 'unknown' {
  const text = `${err.message} ${Object.keys(err.fields ?? {}).join(' ')} ${(err.parent as { message?: string } | undefined)?.message ?? ''}`;
  if (/submission_key|submissionKey/.test(text)) return 'submission_key';
  if (/tips_code|tips\.code\b|\bcode\b/.test(text)) return 'code';
  return 'unknown';
}

/** The photos, voice and videos WeChat keeps 3 days only, to copy (media-copy.ts), at their place in the tip's list. */
function mediaToCopy(attachments: TipSubmission['attachments']): NewTipMedia[] {
  return attachments.flatMap((a, i) => (isCopyableMediaId(a.mediaId) ? [{ position: i + 1, mediaType: a.type, mediaId: a.mediaId }] : []));
}

export function createDesk(deps: DeskDeps): TipDesk {
  const { db, repo, vault, notices } = deps;
  const hashOf = (c: CitizenRef) => vault.citizenHash(c.channel, c.id);

  const receiptOf = (tip: StoredTip): TipReceipt => ({
    code: tip.code,
    colour: tip.colour as Colour,
    acknowledgeBy: tip.acknowledgeBy,
    concludeBy: tip.concludeBy,
  });

  async function knownPlace(sub: TipSubmission): Promise<{ county: string | null; township: string | null }> {
    const township = sub.place.townshipCode ? await repo.unit(sub.place.townshipCode) : undefined;
    const county = sub.place.countyCode ? await repo.unit(sub.place.countyCode) : undefined;
    const t = township?.kind === 'township' ? township : undefined;
    const c = county?.kind === 'county' ? county : undefined;
    // A township implies its county; a code we do not know is dropped rather than trusted.
    return { county: t?.countyCode ?? c?.key ?? null, township: t?.key ?? null };
  }

  /**
   * One transaction of three INSERTs (tip, event, notice; intake.ts), returning only after it
   * has committed. The duplicate scan, grading, deadlines and encryption are done before it, and
   * idempotency and code uniqueness are left to the unique indexes: a code collision is retried
   * here with another code, a duplicate submission key goes to submit().
   */
  async function insert(sub: TipSubmission): Promise<StoredTip> {
    const now = new Date();
    const reporterHash = hashOf(sub.citizen);
    const citizenWords = sub.transcript.filter((e) => e.from === 'citizen' && e.text).map((e) => e.text).join('\n');
    // The repeat count is shown to staff (颜色依据), so it links tips to one reporter: it is
    // counted between named tips only. An anonymous tip counts none of the citizen's tips, and a
    // named tip none of their anonymous ones.
    const earlier = sub.contact.anonymous
      ? []
      : await repo.recentNamedByReporter(reporterHash, new Date(now.getTime() - SAME_REPORTER_WINDOW_DAYS * DAY_MS), DUPLICATE_SCAN_LIMIT);
    const stored = maskTexts({
      description: sub.description.trim(),
      transcript: JSON.stringify(sub.transcript),
      placeText: sub.place.text ? sub.place.text.slice(0, 255) : null,
    }, { anonymous: sub.contact.anonymous });
    const repeats = suggestDuplicates(
      { reporterHash, text: stored.description, category: sub.category, receivedAt: now },
      earlier.map((r) => ({ id: r.code, reporterHash, text: r.description, category: r.category as typeof sub.category, receivedAt: r.createdAt })),
    ).filter((s) => s.reason === 'same_reporter_similar').length;
    const grade = gradeColour({ category: sub.category, text: `${sub.description}\n${citizenWords}\n${sub.place.text ?? ''}`, repeatCount: repeats });
    const colour: Colour = sub.danger ? 'red' : grade.colour;
    const deadlines = deadlinesFor({ receivedAt: now, holidays: deps.holidays });
    const ackBy = acknowledgeBy(colour, now, deps.holidays);
    const place = await knownPlace(sub);
    const reporterSealed = vault.encrypt(identityToSeal(sub.citizen.id, sub.contact, stored.originals));
    const attachments = JSON.stringify(sub.attachments);
    const reasons = grade.reasons.map((r) => storedColourReason(r, sub.contact.anonymous));
    const eventData = JSON.stringify({ colour, reasons, danger: sub.danger });

    for (let attempt = 1; ; attempt += 1) {
      const code = newTrackingCode(now);
      const tip: NewTipValues = {
        code,
        submissionKey: sub.submissionKey,
        category: sub.category,
        legalType: categoryInfo(sub.category).defaultLegalType,
        description: stored.description,
        transcript: stored.transcript,
        attachments,
        placeCountyCode: place.county,
        placeTownshipCode: place.township,
        placeText: stored.placeText,
        latitude: sub.place.latitude ?? null,
        longitude: sub.place.longitude ?? null,
        channel: sub.citizen.channel,
        reporterHash,
        reporterSealed,
        identityKeyId: vault.currentKeyId,
        anonymous: sub.contact.anonymous,
        danger: sub.danger,
        colour,
        colourRank: COLOUR_RANK[colour] ?? 2,
        computedColour: colour,
        colourReason: reasons.length ? reasons.join('；').slice(0, 255) : null,
        state: 'received',
        unitKey: null, accusedUnitKey: null, handlerCountyCode: null, handlerTownshipCode: null,
        claimedBy: null, leaseUntil: null,
        acknowledgeBy: ackBy,
        assignBy: deadlines.assignBy,
        concludeBy: deadlines.concludeBy,
        // The clock of a fresh tip: the earlier of the colour's target and the 15-day assignment.
        dueAt: ackBy.getTime() < deadlines.assignBy.getTime() ? ackBy : deadlines.assignBy,
        extensionDays: 0,
        acceptedAt: null, assignedAt: null, answeredAt: null, concludedAt: null, reopenedAt: null,
        reviewCount: 0,
        answer: null,
        deliveryState: 'not_assigned',
        duplicateOf: null, rating: null, ratedAt: null,
        textsVersion: PERSONAL_DATA_RULE_VERSION,
        createdAt: now, updatedAt: now,
      };
      const text = citizenNoticeFor('received', { trackingCode: code });
      try {
        await writeNewTip(db, repo.models, {
          tip,
          event: {
            type: 'received', actorType: 'citizen', actorId: null, actorName: null, fromState: null, toState: 'received',
            reason: null, note: null, data: eventData, createdAt: now,
          },
          // The bot itself replies the confirmation: recorded as delivered through the reply.
          notice: text ? {
            reporterHash, citizenChannel: tip.channel, kind: 'received', text, state: 'sent', channel: 'reply',
            attempts: 1, lastError: null, deliveredAt: now, createdAt: now, updatedAt: now,
          } : null,
          media: mediaToCopy(sub.attachments),
        });
      } catch (err) {
        // Another code only when the code collided; a duplicate submission key goes to submit().
        if (err instanceof UniqueConstraintError && attempt < CODE_ATTEMPTS && duplicateOn(err) === 'code') continue;
        throw err;
      }
      return tip;
    }
  }

  const citizenActionDeps = { db, repo, notices, vault, holidays: deps.holidays };

  return {
    async submit(sub) {
      if (!isCategory(sub.category)) throw new AppError('TIP_INVALID', 400, '事项类别无效');
      if (!sub.description.trim()) throw new AppError('TIP_INVALID', 400, '请填写反映内容');
      if (sub.description.length > MAX_DESCRIPTION_CHARS) throw new AppError('TIP_INVALID', 400, `反映内容太长，请精简到${MAX_DESCRIPTION_CHARS}字以内`);
      if (!sub.submissionKey || sub.submissionKey.length > 128) throw new AppError('TIP_INVALID', 400, '提交标识无效');
      let tip: StoredTip;
      try {
        // No look-up first: a retried submission is the rare case, and the unique index on
        // submission_key answers it (below) without a round trip on every new tip.
        tip = await insert(sub);
      } catch (err) {
        // The same key committed before (a retry, or a concurrent one): it is the same tip.
        if (err instanceof UniqueConstraintError) {
          const winner = await repo.findBySubmissionKey(sub.submissionKey).catch(() => null);
          if (winner) return receiptOf(winner);
        }
        deps.logger.error({ err }, 'tip could not be stored');
        throw unavailable('TIP_STORE_UNAVAILABLE', '系统繁忙，您的反映暂未提交成功，请稍后再试。', err);
      }
      deps.metrics.tipsSubmitted.inc({ colour: tip.colour });
      if (mediaToCopy(sub.attachments).length > 0) deps.mediaQueued?.();
      return receiptOf(tip);
    },
    async listMine(citizen) {
      const rows = await repo.byReporter(hashOf(citizen), 20);
      return rows.map((r) => citizenView(r));
    },
    async getMine(citizen, code) {
      // As typed by the citizen: full-width letters, spaces or dashes, O for 0 in the date.
      const tip = await repo.findByCode(normaliseTrackingCode(code));
      return tip && tip.reporterHash === hashOf(citizen) ? citizenView(tip) : undefined;
    },
    async rate(citizen, code, rating: CitizenRating) {
      return rateTip(citizenActionDeps, hashOf(citizen), code, rating);
    },
    async requestReview(citizen, code, reason) {
      return requestTipReview(citizenActionDeps, hashOf(citizen), code, reason);
    },
    async addToTip(citizen, code, addition) {
      try {
        return await addToTip({ ...citizenActionDeps, ...(deps.mediaQueued ? { mediaQueued: deps.mediaQueued } : {}) }, hashOf(citizen), normaliseTrackingCode(code), addition);
      } catch (err) {
        // The desk's own refusals say what to do; anything else is the store, and nothing was added.
        if (err instanceof AppError) throw err;
        deps.logger.error({ err }, 'tip addition could not be stored');
        throw unavailable('TIP_STORE_UNAVAILABLE', '系统繁忙，您补充的内容暂未保存，请稍后再发。', err);
      }
    },
    async holdNotices(citizen) {
      return notices.hold(hashOf(citizen));
    },
    async noticesDelivered(citizen, ids) {
      await notices.delivered(hashOf(citizen), ids);
    },
    async releaseNotices(citizen, ids) {
      await notices.release(hashOf(citizen), ids);
    },
    async touch(citizen, at) {
      const reporterHash = hashOf(citizen);
      const key = `contact-touched:${reporterHash}`;
      if (deps.state && !(await deps.state.add(key, '1', TOUCH_EVERY_SECONDS))) return;
      try {
        await touchContact(db, { reporterHash, channel: citizen.channel, lastMessageAt: at });
      } catch (err) {
        // Not written: the next message tries again.
        await deps.state?.delete(key).catch(() => undefined);
        throw err;
      }
    },
    async countSince(citizen, since) {
      return repo.countByReporterSince(hashOf(citizen), since);
    },
    async findReceipt(citizen, submissionKey) {
      // By key and reporter hash together: another citizen's key reads as no tip at all.
      const tip = await repo.receiptBySubmissionKey(submissionKey, hashOf(citizen));
      return tip ? { code: tip.code, colour: tip.colour as Colour, acknowledgeBy: tip.acknowledgeBy, concludeBy: tip.concludeBy } : undefined;
    },
  };
}

export type { CitizenTipView };
