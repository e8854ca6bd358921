// Staff-room announcements (Wechaty): new red tips as they are committed, and tips whose
// deadline is near. Only code, colour, category and county: never the reporter.
import { Op } from 'sequelize';
import type { TipAnnouncement, TipAnnouncer, TipCategoryKey } from '../bot/ports.js';
import type { Logger } from '../platform/logger.js';
import type { TipRepository } from './repository.js';
import type { TipRow } from './models.js';
import { isColour } from './types.js';

const OPEN_STATES = ['received', 'claimed', 'assigned', 'in_progress', 'extended', 'reopened'];

/** What an announcement needs of a tip (the desk has no model instance of a tip it just stored). */
export type AnnouncedTip = Pick<TipRow, 'code' | 'colour' | 'category' | 'handlerCountyCode' | 'placeCountyCode' | 'dueAt'>;

export interface TipAnnouncerImpl extends TipAnnouncer {
  /** Called by the desk after commit. */
  announceNew(tip: AnnouncedTip): Promise<void>;
}

export function createAnnouncer(repo: TipRepository, logger: Logger): TipAnnouncerImpl {
  const listeners = new Set<(a: TipAnnouncement) => void>();
  const toAnnouncement = async (tip: AnnouncedTip, kind: TipAnnouncement['kind']): Promise<TipAnnouncement> => ({
    kind,
    code: tip.code,
    colour: isColour(tip.colour) ? tip.colour : 'green',
    category: tip.category as TipCategoryKey,
    countyName: await repo.unitName(tip.handlerCountyCode ?? tip.placeCountyCode),
    ...(tip.dueAt ? { dueAt: tip.dueAt } : {}),
  });
  return {
    onNewTip(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async announceNew(tip) {
      if (tip.colour !== 'red' || listeners.size === 0) return;
      const a = await toAnnouncement(tip, 'new_red');
      for (const l of listeners) {
        // A broken listener must not keep the others (or the citizen's confirmation) waiting.
        try { l(a); } catch (err) { logger.warn({ err }, 'tip announcement listener failed'); }
      }
    },
    async listDueSoon(withinHours) {
      const now = new Date();
      const rows = await repo.models.Tip.findAll({
        where: { state: { [Op.in]: OPEN_STATES }, dueAt: { [Op.gte]: now, [Op.lte]: new Date(now.getTime() + withinHours * 3_600_000) } },
        order: [['dueAt', 'ASC']],
        limit: 100,
      });
      return Promise.all(rows.map((r) => toAnnouncement(r, 'due_soon')));
    },
  };
}
