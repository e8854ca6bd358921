// Staff-room announcements (Wechaty): red tips (new, or raised to red), tips handed to a unit,
// and tips whose deadline is near. Only code, colour, category, county and unit: never the
// reporter. Read from the event log, so the bot process hears of tips every process takes in
// (the official-account webhook runs in the web server's). A 检举控告 tip (isSensitiveTip), or any
// tip naming an accused unit, is never announced: a staff room may hold members of that unit.
import { Op } from 'sequelize';
import type { AnnouncementBatch, TipAnnouncement, TipAnnouncer, TipCategoryKey } from '../bot/ports.js';
import type { TipRepository } from './repository.js';
import type { TipRow } from './models.js';
import { isSensitiveTip } from './policy.js';
import { isColour, OPEN_STATES, type Category, type LegalType } from './types.js';


/** The events that are announced: a tip received, its colour changed, its assignment. */
const ANNOUNCED_EVENTS = ['received', 'colour_changed', 'assign'];

function parseData(data: string | null): Record<string, unknown> {
  if (!data) return {};
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// A 检举控告, or any tip naming the unit it is about (the policy hides either from that unit).
const sensitive = (tip: TipRow) =>
  isSensitiveTip({ legalType: tip.legalType as LegalType, category: tip.category as Category }) || tip.accusedUnitKey !== null;

export function createAnnouncer(repo: TipRepository): TipAnnouncer {
  const { Tip, TipEvent } = repo.models;
  const toAnnouncement = async (tip: TipRow, kind: TipAnnouncement['kind']): Promise<TipAnnouncement> => ({
    kind,
    code: tip.code,
    colour: isColour(tip.colour) ? tip.colour : 'green',
    category: tip.category as TipCategoryKey,
    countyName: await repo.unitName(tip.handlerCountyCode ?? tip.placeCountyCode),
    ...(tip.dueAt ? { dueAt: tip.dueAt } : {}),
  });
  return {
    async listSince(cursor, limit = 100): Promise<AnnouncementBatch> {
      if (cursor === null) {
        const last: unknown = await TipEvent.max('id');
        return { cursor: typeof last === 'number' ? last : Number(last ?? 0), items: [] };
      }
      const events = await TipEvent.findAll({
        where: { id: { [Op.gt]: cursor }, type: { [Op.in]: ANNOUNCED_EVENTS } },
        order: [['id', 'ASC']],
        limit,
      });
      if (events.length === 0) return { cursor, items: [] };
      const tips = new Map((await Tip.findAll({ where: { id: { [Op.in]: [...new Set(events.map((e) => e.tipId))] } } })).map((t) => [t.id, t]));
      const items: AnnouncementBatch['items'] = [];
      const add = (eventId: number, announcement: TipAnnouncement) => items.push({ eventId, announcement });
      for (const e of events) {
        const tip = tips.get(e.tipId);
        if (!tip || sensitive(tip)) continue;
        const data = parseData(e.data);
        // The colour it came in with (the received event records it); raised later: its own event.
        if (e.type === 'received' && data.colour === 'red') add(e.id, await toAnnouncement(tip, 'new_red'));
        if (e.type === 'colour_changed' && data.to === 'red' && data.from !== 'red') add(e.id, await toAnnouncement(tip, 'new_red'));
        if (e.type === 'assign') {
          const unitKey = typeof data.unitKey === 'string' ? data.unitKey : tip.unitKey;
          add(e.id, { ...(await toAnnouncement(tip, 'assigned')), unitName: await repo.unitName(unitKey) });
        }
      }
      return { cursor: events[events.length - 1]!.id, items };
    },
    async listDueSoon(withinHours) {
      const now = new Date();
      const rows = await Tip.findAll({
        where: { state: { [Op.in]: [...OPEN_STATES] }, dueAt: { [Op.gte]: now, [Op.lte]: new Date(now.getTime() + withinHours * 3_600_000) } },
        order: [['dueAt', 'ASC']],
        limit: 100,
      });
      return Promise.all(rows.filter((r) => !sensitive(r)).map((r) => toAnnouncement(r, 'due_soon')));
    },
  };
}
