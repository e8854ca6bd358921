// The two writes of a citizen's message:
//  - a new tip: the tip, its `received` event, the replied notice and a row per photo or voice to
//    copy from WeChat (media-copy.ts) in one Sequelize transaction of INSERTs. The promise resolves only after the commit, so nobody is given
//    a tracking code for a tip that is not stored; a duplicate submission key or tracking code
//    rejects with Sequelize's UniqueConstraintError and leaves nothing behind (desk.ts decides
//    what it means). The INSERTs are written from the models' columns with placeholders
//    (db/sql.ts): the desk builds every column itself, and the models' instance building cost
//    more than the statements (docs/performance.md, "Intake").
//  - the contact time (citizen_contacts.last_message_at), which decides whether a push may use
//    the 48-hour customer-service window (notices.ts).
import type { InferAttributes, Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import { sqlOf, type Sql } from '../db/sql.js';
import type { CitizenContactRow, TipEventRow, TipMediaRow, TipModels, TipNoticeRow, TipRow } from './models.js';

/** Every column of a new tip (the id comes from the database). */
export type NewTipValues = Omit<InferAttributes<TipRow>, 'id'>;

/** The tip's `received` event, written with it (the tip id is filled in). */
export type NewTipEvent = Omit<InferAttributes<TipEventRow>, 'id' | 'tipId'>;

/** The reply notice written with a tip (the tip id is filled in). */
export type NewTipNotice = Omit<InferAttributes<TipNoticeRow>, 'id' | 'tipId'>;

/** tip_media.media_id's width (migration 024); WeChat's media ids are 64 characters. */
const MEDIA_ID_MAX = 256;

/** A media id longer than the column is none WeChat gave: it is not copied, and never fails the commit it came with. */
export const isCopyableMediaId = (mediaId: string): boolean => mediaId.length <= MEDIA_ID_MAX;

/** An attachment to copy from WeChat, written `pending` with the tip (the tip id is filled in). */
export type NewTipMedia = Pick<InferAttributes<TipMediaRow>, 'position' | 'mediaType' | 'mediaId'>;

export interface NewTip {
  tip: NewTipValues;
  event: NewTipEvent;
  notice: NewTipNotice | null;
  media: NewTipMedia[];
}

export type ContactTouch = Pick<InferAttributes<CitizenContactRow>, 'reporterHash' | 'channel' | 'lastMessageAt'>;

/**
 * Writes the tip, its event and its notice in one transaction; resolves with the tip's id once
 * committed. The times are stored as given, so the tip, its event and its notice carry the same
 * instant.
 */
export async function writeNewTip(db: Database, models: TipModels, { tip, event, notice, media }: NewTip): Promise<number> {
  const sql = sqlOf(db);
  return db.transaction(async (transaction) => {
    const tipId = await sql.insertRow(models.Tip, tip, transaction);
    await sql.insertRow(models.TipEvent, { ...event, tipId }, transaction);
    if (notice) await sql.insertRow(models.TipNotice, { ...notice, tipId }, transaction);
    for (const m of media) await insertPendingMedia(sql, models, tipId, m, tip.createdAt, transaction);
    return tipId;
  });
}

/** An attachment's row, `pending` until media-copy.ts copies it from WeChat; in the caller's transaction. */
export async function insertPendingMedia(sql: Sql, models: TipModels, tipId: number, m: NewTipMedia, at: Date, transaction: Transaction): Promise<void> {
  await sql.insertRow(models.TipMedia, {
    ...m, tipId, state: 'pending', contentType: null, data: null, attempts: 0, nextTryAt: at,
    lastError: null, copiedAt: null, createdAt: at, updatedAt: at,
  }, transaction);
}

/**
 * Records the time of the citizen's message: one upsert (written out, as the tip's INSERTs are),
 * the latest write winning.
 * The stored time is always a time the citizen did write, never a later one, so the 48-hour
 * window can only be judged closed early (a template instead of a custom message), never late.
 */
export async function touchContact(db: Database, contact: ContactTouch): Promise<void> {
  const sql = sqlOf(db);
  await sql.write(
    `INSERT INTO citizen_contacts (reporter_hash, channel, last_message_at, updated_at) VALUES (?, ?, ?, ?) ${sql.upsertSet('reporter_hash', ['channel', 'last_message_at', 'updated_at'])}`,
    [contact.reporterHash, contact.channel, contact.lastMessageAt, new Date()],
  );
}
