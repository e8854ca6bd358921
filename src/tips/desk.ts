// The citizen's side of the tips domain, as the bot sees it (TipDesk). A tip the citizen is told
// about is committed first; if the database cannot take it, submit throws TIP_STORE_UNAVAILABLE
// and nothing claims to be received.
import { Op, UniqueConstraintError } from 'sequelize';
import type { CitizenRef } from '../bot/types.js';
import type { CitizenRating, CitizenTipView, TipDesk, TipReceipt, TipSubmission } from '../bot/ports.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { AppError, unavailable } from '../platform/errors.js';
import type { IdentityVault } from './identity.js';
import type { NoticeCenter } from './notices.js';
import type { TipRepository, TipRow } from './repository.js';
import type { TipAnnouncerImpl } from './announcer.js';
import type { HolidayTable } from './rules/working-days.js';
import { acknowledgeBy, gradeColour } from './rules/colour.js';
import { deadlinesFor } from './rules/deadlines.js';
import { suggestDuplicates } from './rules/duplicates.js';
import { newTrackingCode } from './rules/tracking-code.js';
import { citizenNoticeFor } from './rules/citizen-notice.js';
import { COLOUR_RANK } from './clock.js';
import { citizenView } from './views.js';
import { rateTip, requestTipReview } from './citizen-actions.js';
import { categoryInfo, isCategory, type Colour } from './types.js';

export interface DeskDeps {
  db: Database;
  repo: TipRepository;
  vault: IdentityVault;
  notices: NoticeCenter;
  announcer: TipAnnouncerImpl;
  holidays: HolidayTable;
  metrics: Metrics;
  logger: Logger;
}

const MAX_DESCRIPTION = 10_000;

export function createDesk(deps: DeskDeps): TipDesk {
  const { db, repo, vault, notices } = deps;
  const hashOf = (c: CitizenRef) => vault.citizenHash(c.channel, c.id);

  const receiptOf = (tip: TipRow): TipReceipt => ({
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

  async function insert(sub: TipSubmission): Promise<TipRow> {
    const now = new Date();
    const reporterHash = hashOf(sub.citizen);
    const citizenWords = sub.transcript.filter((e) => e.from === 'citizen' && e.text).map((e) => e.text).join('\n');
    const earlier = await repo.byReporter(reporterHash, 20);
    const repeats = suggestDuplicates(
      { reporterHash, text: sub.description, category: sub.category, receivedAt: now },
      earlier.map((r) => ({ id: r.id, reporterHash: r.reporterHash, text: r.description, category: r.category as typeof sub.category, receivedAt: r.createdAt })),
    ).filter((s) => s.reason === 'same_reporter_similar').length;
    const grade = gradeColour({ category: sub.category, text: `${sub.description}\n${citizenWords}\n${sub.place.text ?? ''}`, repeatCount: repeats });
    const colour: Colour = sub.danger ? 'red' : grade.colour;
    const deadlines = deadlinesFor({ receivedAt: now, holidays: deps.holidays });
    const ackBy = acknowledgeBy(colour, now, deps.holidays);
    const place = await knownPlace(sub);
    const identity = { citizenId: sub.citizen.id, ...(sub.contact.name ? { name: sub.contact.name } : {}), ...(sub.contact.phone ? { phone: sub.contact.phone } : {}) };

    return db.transaction(async (t) => {
      const again = await repo.findBySubmissionKey(sub.submissionKey, t);
      if (again) return again;
      let code = newTrackingCode(now);
      for (let i = 0; i < 5 && (await repo.codeExists(code, t)); i += 1) code = newTrackingCode(now);
      const tip = await repo.models.Tip.create({
        code,
        submissionKey: sub.submissionKey,
        category: sub.category,
        legalType: categoryInfo(sub.category).defaultLegalType,
        description: sub.description.trim(),
        transcript: JSON.stringify(sub.transcript),
        attachments: JSON.stringify(sub.attachments),
        placeCountyCode: place.county,
        placeTownshipCode: place.township,
        placeText: sub.place.text ? sub.place.text.slice(0, 255) : null,
        latitude: sub.place.latitude ?? null,
        longitude: sub.place.longitude ?? null,
        channel: sub.citizen.channel,
        reporterHash,
        reporterSealed: vault.encrypt(identity),
        identityKeyId: vault.currentKeyId,
        anonymous: sub.contact.anonymous,
        danger: sub.danger,
        colour,
        colourRank: COLOUR_RANK[colour] ?? 2,
        computedColour: colour,
        colourReason: grade.reasons.length ? grade.reasons.join('；').slice(0, 255) : null,
        state: 'received',
        unitKey: null, accusedUnitKey: null, handlerCountyCode: null, handlerTownshipCode: null,
        claimedBy: null, leaseUntil: null,
        acknowledgeBy: ackBy,
        assignBy: deadlines.assignBy,
        concludeBy: deadlines.concludeBy,
        // The clock of a fresh tip: the earlier of the colour's target and the 15-day assignment.
        dueAt: ackBy.getTime() < deadlines.assignBy.getTime() ? ackBy : deadlines.assignBy,
        acceptedAt: null, assignedAt: null, answeredAt: null, concludedAt: null, reopenedAt: null,
        answer: null,
        deliveryState: 'not_assigned',
        duplicateOf: null, rating: null, ratedAt: null,
        createdAt: now, updatedAt: now,
      }, { transaction: t });
      await repo.appendEvent({
        tipId: tip.id, type: 'received', actor: { type: 'citizen' }, toState: 'received', at: now,
        data: { colour, reasons: grade.reasons, danger: sub.danger },
      }, t);
      const text = citizenNoticeFor('received', { trackingCode: code });
      if (text) await notices.recordReplied(tip, 'received', text, t);
      return tip;
    });
  }

  return {
    async submit(sub) {
      if (!isCategory(sub.category)) throw new AppError('TIP_INVALID', 400, '事项类别无效');
      if (!sub.description.trim() || sub.description.length > MAX_DESCRIPTION) throw new AppError('TIP_INVALID', 400, '请填写反映内容');
      if (!sub.submissionKey || sub.submissionKey.length > 128) throw new AppError('TIP_INVALID', 400, '提交标识无效');
      let tip: TipRow;
      try {
        const existing = await repo.findBySubmissionKey(sub.submissionKey);
        if (existing) return receiptOf(existing);
        tip = await insert(sub);
      } catch (err) {
        // A concurrent retry with the same key committed first: it is the same tip.
        if (err instanceof UniqueConstraintError) {
          const winner = await repo.findBySubmissionKey(sub.submissionKey).catch(() => null);
          if (winner) return receiptOf(winner);
        }
        deps.logger.error({ err }, 'tip could not be stored');
        throw unavailable('TIP_STORE_UNAVAILABLE', '系统繁忙，您的反映暂未提交成功，请稍后再试。', err);
      }
      deps.metrics.tipsSubmitted.inc({ colour: tip.colour });
      void deps.announcer.announceNew(tip).catch((err: unknown) => deps.logger.warn({ err }, 'announcement failed'));
      return receiptOf(tip);
    },
    async listMine(citizen) {
      const rows = await repo.byReporter(hashOf(citizen), 20);
      return rows.map((r) => citizenView(r));
    },
    async getMine(citizen, code) {
      const tip = await repo.findByCode(code.trim().toUpperCase());
      return tip && tip.reporterHash === hashOf(citizen) ? citizenView(tip) : undefined;
    },
    async rate(citizen, code, rating: CitizenRating) {
      return rateTip({ db, repo, notices, holidays: deps.holidays }, hashOf(citizen), code, rating);
    },
    async requestReview(citizen, code, reason) {
      return requestTipReview({ db, repo, notices, holidays: deps.holidays }, hashOf(citizen), code, reason);
    },
    async takePendingNotices(citizen) {
      return notices.takePending(hashOf(citizen));
    },
    async touch(citizen, at) {
      await repo.models.CitizenContact.upsert({ reporterHash: hashOf(citizen), channel: citizen.channel, lastMessageAt: at });
    },
    async countSince(citizen, since) {
      return repo.models.Tip.count({ where: { reporterHash: hashOf(citizen), createdAt: { [Op.gte]: since } } });
    },
  };
}

export type { CitizenTipView };
