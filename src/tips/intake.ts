// The two writes of a citizen's message, through the Sequelize models:
//  - a new tip: the tip, its `received` event and the replied notice in one transaction. The
//    promise resolves only after the commit, so nobody is given a tracking code for a tip that
//    is not stored; a duplicate submission key or tracking code rejects with Sequelize's
//    UniqueConstraintError and leaves nothing behind (desk.ts decides what it means).
//  - the contact time (citizen_contacts.last_message_at), which decides whether a push may use
//    the 48-hour customer-service window (notices.ts).
import type { InferAttributes } from 'sequelize';
import type { Database } from '../db/index.js';
import type { CitizenContactRow, TipEventRow, TipModels, TipNoticeRow, TipRow } from './models.js';

/** Every column of a new tip (the id comes from the database). */
export type NewTipValues = Omit<InferAttributes<TipRow>, 'id'>;

/** The tip's `received` event, written with it (the tip id is filled in). */
export type NewTipEvent = Omit<InferAttributes<TipEventRow>, 'id' | 'tipId'>;

/** The reply notice written with a tip (the tip id is filled in). */
export type NewTipNotice = Omit<InferAttributes<TipNoticeRow>, 'id' | 'tipId'>;

export interface NewTip {
  tip: NewTipValues;
  event: NewTipEvent;
  notice: NewTipNotice | null;
}

export type ContactTouch = Pick<InferAttributes<CitizenContactRow>, 'reporterHash' | 'channel' | 'lastMessageAt'>;

/**
 * Writes the tip, its event and its notice in one transaction; resolves with the stored tip once
 * committed. The times given are stored as given (`silent`: updatedAt is not replaced by the
 * clock), so the tip, its event and its notice carry the same instant.
 */
export async function writeNewTip(db: Database, models: TipModels, { tip, event, notice }: NewTip): Promise<TipRow> {
  return db.transaction(async (transaction) => {
    const row = await models.Tip.create(tip, { transaction, silent: true });
    await models.TipEvent.create({ ...event, tipId: row.id }, { transaction });
    if (notice) await models.TipNotice.create({ ...notice, tipId: row.id }, { transaction, silent: true });
    return row;
  });
}

/**
 * Records the time of the citizen's message: one upsert per message, the latest write winning.
 * The stored time is always a time the citizen did write, never a later one, so the 48-hour
 * window can only be judged closed early (a template instead of a custom message), never late.
 */
export async function touchContact(models: TipModels, contact: ContactTouch): Promise<void> {
  await models.CitizenContact.upsert(contact);
}
