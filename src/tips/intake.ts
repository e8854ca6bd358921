// The two writes of the citizen's hot path, in raw parameterised SQL and grouped across citizens:
//  - new tips: the tip, its `received` event and the replied notice, written as three multi-row
//    INSERTs in one transaction for every tip submitted meanwhile (group commit, src/db/group-commit.ts).
//    Each submitter is answered only after the transaction that carried its tip has committed.
//    A batch that fails is retried member by member, so a duplicate submission key or a code
//    collision in one tip never fails another citizen's; the desk handles those per tip.
//  - citizen_contacts.last_message_at (touch): one multi-row upsert for the citizens seen meanwhile.
// Sequelize models cost more CPU than the round trip on this path (validation, hooks, instance
// building), so these statements go through sequelize.query with replacements only; the column
// names come from the model definitions, the values never become SQL text.
import { QueryTypes, type InferAttributes, type Transaction } from 'sequelize';
import { sqlValues, type Database } from '../db/index.js';
import { createGroupCommit, type ItemOutcome } from '../db/group-commit.js';
import type { CitizenContactRow, TipEventRow, TipModels, TipNoticeRow, TipRow } from './models.js';

/** Every column of a new tip (the id comes from the database). */
export type NewTipValues = Omit<InferAttributes<TipRow>, 'id'>;

/** A tip's event row as written with it (the tip id is found by the tip's code). */
export type NewTipEvent = Omit<InferAttributes<TipEventRow>, 'id' | 'tipId'>;

/** The reply notice row written with a tip (the tip id is found by the tip's code). */
export type NewTipNotice = Omit<InferAttributes<TipNoticeRow>, 'id' | 'tipId'>;

/** One submitted tip with what is written beside it; the event and notice find the tip by its code. */
export interface NewTip {
  tip: NewTipValues;
  event: NewTipEvent;
  notice: NewTipNotice | null;
}

export type ContactTouch = Omit<InferAttributes<CitizenContactRow>, 'updatedAt'>;

export interface IntakeWriter {
  /** Resolves once the tip, its event and notice are committed; rejects with the driver's error. */
  writeTip(tip: NewTip): Promise<void>;
  /** Resolves once the contact time is stored (the latest call for a citizen wins). */
  touch(contact: ContactTouch): Promise<void>;
  idle(): Promise<void>;
}

// Bounded so one statement stays small (tips carry transcripts) and SQLite's limits stay far away.
const MAX_TIPS_PER_BATCH = 32;
const MAX_CONTACTS_PER_BATCH = 200;

type Scalar = string | number | boolean | Date | null;

/** `(?, ?, …), (?, ?, …)`: placeholders only, never values. */
function rowsOf(rowCount: number, row: string): string {
  return Array.from({ length: rowCount }, () => row).join(', ');
}

export function createIntakeWriter(db: Database, models: TipModels): IntakeWriter {
  const qi = db.sequelize.getQueryInterface();
  const quote = (name: string) => qi.quoteIdentifier(name);
  const fieldsOf = (model: { getAttributes(): Record<string, { field?: string }> }, attrs: readonly string[]) => {
    const all = model.getAttributes();
    return attrs.map((a) => {
      const field = all[a]?.field;
      if (!field) throw new Error(`intake: no column for ${a}`);
      return quote(field);
    });
  };

  const tipAttrs = Object.keys(models.Tip.getAttributes()).filter((a) => a !== 'id') as Array<keyof NewTipValues & string>;
  const tipColumns = fieldsOf(models.Tip, tipAttrs);
  const tipRow = `(${tipColumns.map(() => '?').join(', ')})`;
  const tipsTable = quote('tips');
  const tipIdByCode = `(SELECT ${quote('id')} FROM ${tipsTable} WHERE ${quote('code')} = ?)`;

  const eventAttrs = ['type', 'actorType', 'actorId', 'actorName', 'fromState', 'toState', 'reason', 'note', 'data', 'createdAt'] as const;
  const eventColumns = [quote('tip_id'), ...fieldsOf(models.TipEvent, eventAttrs)];
  const eventRow = `(${tipIdByCode}, ${eventAttrs.map(() => '?').join(', ')})`;

  const noticeAttrs = ['reporterHash', 'citizenChannel', 'kind', 'text', 'state', 'channel', 'attempts', 'lastError', 'deliveredAt', 'createdAt', 'updatedAt'] as const;
  const noticeColumns = [quote('tip_id'), ...fieldsOf(models.TipNotice, noticeAttrs)];
  const noticeRow = `(${tipIdByCode}, ${noticeAttrs.map(() => '?').join(', ')})`;

  const insertSql = (table: string, columns: string[], row: string, n: number) =>
    `INSERT INTO ${quote(table)} (${columns.join(', ')}) VALUES ${rowsOf(n, row)}`;

  async function insertTips(batch: readonly NewTip[], t: Transaction): Promise<void> {
    const tipValues: Scalar[] = [];
    for (const { tip } of batch) for (const a of tipAttrs) tipValues.push((tip[a] ?? null) as Scalar);
    await db.sequelize.query(insertSql('tips', tipColumns, tipRow, batch.length), { replacements: sqlValues(db.dialect, tipValues), type: QueryTypes.INSERT, transaction: t });

    const eventValues: Scalar[] = [];
    for (const { tip, event } of batch) {
      eventValues.push(tip.code);
      for (const a of eventAttrs) eventValues.push(event[a]);
    }
    await db.sequelize.query(insertSql('tip_events', eventColumns, eventRow, batch.length), { replacements: sqlValues(db.dialect, eventValues), type: QueryTypes.INSERT, transaction: t });

    const withNotice = batch.filter((b): b is NewTip & { notice: NewTipNotice } => b.notice !== null);
    if (withNotice.length === 0) return;
    const noticeValues: Scalar[] = [];
    for (const { tip, notice } of withNotice) {
      noticeValues.push(tip.code);
      for (const a of noticeAttrs) noticeValues.push(notice[a]);
    }
    await db.sequelize.query(insertSql('tip_notices', noticeColumns, noticeRow, withNotice.length), { replacements: sqlValues(db.dialect, noticeValues), type: QueryTypes.INSERT, transaction: t });
  }

  const writeBatch = (batch: readonly NewTip[]) => db.transaction((t) => insertTips(batch, t));

  const tips = createGroupCommit<NewTip, void>(async (batch): Promise<Array<ItemOutcome<void>>> => {
    try {
      await writeBatch(batch);
      return batch.map(() => ({ ok: true, value: undefined }));
    } catch (err) {
      if (batch.length === 1) return [{ ok: false, error: err }];
    }
    // The batch rolled back as a whole: find out which tip was at fault by writing each alone,
    // one after the other (concurrent inserts of one duplicate key can deadlock in InnoDB).
    const outcomes: Array<ItemOutcome<void>> = [];
    for (const one of batch) {
      try {
        await writeBatch([one]);
        outcomes.push({ ok: true, value: undefined });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }, { maxBatch: MAX_TIPS_PER_BATCH });

  const contactColumns = fieldsOf(models.CitizenContact, ['reporterHash', 'channel', 'lastMessageAt', 'updatedAt']);
  const contactUpdate = contactColumns.slice(1);
  const upsertTail = db.dialect === 'mysql'
    ? ` ON DUPLICATE KEY UPDATE ${contactUpdate.map((c) => `${c} = VALUES(${c})`).join(', ')}`
    : ` ON CONFLICT(${contactColumns[0]!}) DO UPDATE SET ${contactUpdate.map((c) => `${c} = excluded.${c}`).join(', ')}`;

  const contacts = createGroupCommit<ContactTouch, void>(async (batch) => {
    // One row per citizen, the latest call winning (a row may not appear twice in one upsert).
    const latest = new Map<string, ContactTouch>();
    for (const c of batch) latest.set(c.reporterHash, c);
    const now = new Date();
    const values: Scalar[] = [];
    for (const c of latest.values()) values.push(c.reporterHash, c.channel, c.lastMessageAt, now);
    const sql = `INSERT INTO ${quote('citizen_contacts')} (${contactColumns.join(', ')}) VALUES ${rowsOf(latest.size, '(?, ?, ?, ?)')}${upsertTail}`;
    await db.sequelize.query(sql, { replacements: sqlValues(db.dialect, values), type: QueryTypes.INSERT });
    return batch.map(() => ({ ok: true, value: undefined }));
  }, { maxBatch: MAX_CONTACTS_PER_BATCH });

  return {
    writeTip: (tip) => tips.write(tip),
    touch: (contact) => contacts.write(contact),
    async idle() {
      await Promise.all([tips.idle(), contacts.idle()]);
    },
  };
}
