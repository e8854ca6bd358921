// Brings stored rows up to the current rules for citizen texts and keys:
// - rows written before the personal-data rule's current version (`texts_version`, migration 008)
//   get their texts masked and the originals sealed, as desk.ts does for new tips; the rule reads
//   the sealed originals where there are any, so a newer rule catches what an older one missed;
// - with `rotate`, rows sealed under any key but the current one are sealed again under it, so the
//   old key can be removed once `remaining` reaches 0.
// A citizen's own event texts (a review reason) are masked too, with their originals sealed in the
// event's data. Events are append-only for every other path: the guard triggers are lifted only
// for those rewrites, and always restored (migration 004).
import { Op } from 'sequelize';
import type { Database } from '../db/index.js';
import { createEventGuards, dropEventGuards } from '../db/migrations/004-tip-events-append-only.js';
import type { Logger } from '../platform/logger.js';
import { sealKeyId, type IdentityVault } from './identity.js';
import type { TipModels, TipRow } from './models.js';
import { PERSONAL_DATA_RULE_VERSION } from './rules/personal-data.js';
import { maskReason, maskTexts, sealedReasonOf, storedColourReason } from './sealed-texts.js';

export interface ResealDeps {
  db: Database;
  models: TipModels;
  vault: IdentityVault;
  logger: Logger;
}

export interface ResealReport {
  tips: number;
  events: number;
}

const BATCH = 200;

export async function resealStoredTexts(deps: ResealDeps, opts: { rotate?: boolean } = {}): Promise<ResealReport> {
  const { db, models, vault } = deps;
  const stale = opts.rotate
    ? { [Op.or]: [{ textsVersion: { [Op.lt]: PERSONAL_DATA_RULE_VERSION } }, { identityKeyId: { [Op.ne]: vault.currentKeyId } }] }
    : { textsVersion: { [Op.lt]: PERSONAL_DATA_RULE_VERSION } };
  const report: ResealReport = { tips: 0, events: 0 };
  const eventRewrites: Array<{ id: number; reason: string | null; data: string | null }> = [];
  let afterId = 0;
  for (;;) {
    const batch = await models.Tip.findAll({ attributes: ['id'], where: { id: { [Op.gt]: afterId }, ...stale }, order: [['id', 'ASC']], limit: BATCH });
    if (batch.length === 0) break;
    for (const { id } of batch) {
      await db.sequelize.transaction(async (t) => {
        const row = await models.Tip.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
        if (row) await resealTip(vault, row, t);
      });
      report.tips += 1;
      afterId = id;
    }
    eventRewrites.push(...await citizenEventRewrites(deps, batch.map((r) => r.id), opts.rotate === true));
  }
  if (eventRewrites.length) {
    await dropEventGuards(db);
    try {
      for (const e of eventRewrites) {
        await db.sequelize.query('UPDATE tip_events SET reason = ?, data = ? WHERE id = ?', { replacements: [e.reason, e.data, e.id] });
      }
    } finally {
      await createEventGuards(db);
    }
    report.events = eventRewrites.length;
  }
  if (report.tips || report.events) deps.logger.info({ tips: report.tips, events: report.events }, 'tips: stored texts resealed');
  return report;
}

async function resealTip(vault: IdentityVault, row: TipRow, transaction: import('sequelize').Transaction): Promise<void> {
  const identity = vault.decrypt(row.reporterSealed);
  const { texts: earlier, ...who } = identity;
  const masked = maskTexts({
    description: earlier?.description ?? row.description,
    transcript: earlier?.transcript ?? row.transcript,
    placeText: earlier?.placeText ?? row.placeText,
  }, { anonymous: row.anonymous });
  const keep = !row.anonymous && Object.keys(masked.originals).length > 0;
  // An anonymous citizen's seal holds the openid alone (identityToSeal): nothing else is kept.
  const seal = row.anonymous ? { citizenId: identity.citizenId } : { ...who, ...(keep ? { texts: masked.originals } : {}) };
  row.set({
    description: masked.description,
    transcript: masked.transcript,
    placeText: masked.placeText,
    colourReason: row.colourReason === null ? null : storedColourReason(row.colourReason, row.anonymous).slice(0, 255),
    reporterSealed: vault.encrypt(seal),
    identityKeyId: vault.currentKeyId,
    textsVersion: PERSONAL_DATA_RULE_VERSION,
  });
  // silent: updated_at is the tip's own history, not this upkeep's.
  await row.save({ transaction, silent: true });
}

async function citizenEventRewrites(deps: ResealDeps, tipIds: number[], rotate: boolean): Promise<Array<{ id: number; reason: string | null; data: string | null }>> {
  const { models, vault } = deps;
  const events = await models.TipEvent.findAll({ where: { tipId: tipIds, actorType: 'citizen', reason: { [Op.ne]: null } }, order: [['id', 'ASC']] });
  const anonymous = new Set((await models.Tip.findAll({ attributes: ['id'], where: { id: tipIds, anonymous: true } })).map((t) => t.id));
  const out: Array<{ id: number; reason: string | null; data: string | null }> = [];
  for (const e of events) {
    const sealed = sealedReasonOf(e.data);
    const original = sealed ? vault.openText(sealed) : e.reason ?? '';
    const stored = maskReason(vault, original, anonymous.has(e.tipId));
    const stale = stored.reason !== e.reason || (rotate && sealed !== undefined && sealKeyId(sealed) !== vault.currentKeyId);
    if (!stale) continue;
    const { sealedReason: _previous, ...rest } = e.data ? JSON.parse(e.data) as Record<string, unknown> : {};
    const next = stored.sealedReason ? { ...rest, sealedReason: stored.sealedReason } : rest;
    out.push({ id: e.id, reason: stored.reason, data: Object.keys(next).length ? JSON.stringify(next) : null });
  }
  // A received event keeps the colour's reasons, whose emergency cue quotes the citizen.
  const received = await models.TipEvent.findAll({ where: { tipId: tipIds, type: 'received', data: { [Op.ne]: null } }, order: [['id', 'ASC']] });
  for (const e of received) {
    const data = JSON.parse(e.data!) as { reasons?: unknown };
    const before: unknown = data.reasons;
    if (!Array.isArray(before)) continue;
    const reasons = before.map((r) => storedColourReason(String(r), anonymous.has(e.tipId)));
    if (reasons.every((r, i) => r === before[i])) continue;
    out.push({ id: e.id, reason: e.reason ?? null, data: JSON.stringify({ ...data, reasons }) });
  }
  return out;
}
