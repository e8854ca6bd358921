// Rows a citizen's 「举报」 stored before card and ID numbers were refused as scam identifiers: a
// pasted scam text is addressed to its reader, so an "account" of 12 digits or more was most often
// the citizen's own bank card or ID number. They are deleted from the reports and from staff's
// review list. Nothing is given back by `down`: personal data removed is not put back.
// (A victim's own mobile number cannot be told from a scammer's afterwards; the 180-day purge
// removes what is left.)
import { QueryTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

/** As src/alerts/reports/identifiers.ts's CARD_DIGITS when this was written. */
const CARD_DIGITS = /^\d{12,}[Xx]?$/;
const CHUNK = 500;

export const scamReportsCardsMigration: Migration = {
  name: '025-scam-reports-cards',
  async up(ctx) {
    const { sequelize } = ctx.db;
    for (const table of ['scam_reports', 'scam_identifiers']) {
      const rows = await sequelize.query<{ id: number; identifier: string }>(
        `SELECT id, identifier FROM ${table} WHERE kind = 'account'`, { type: QueryTypes.SELECT },
      );
      const ids = rows.filter((r) => CARD_DIGITS.test(String(r.identifier))).map((r) => Number(r.id));
      for (let i = 0; i < ids.length; i += CHUNK) {
        await sequelize.query(`DELETE FROM ${table} WHERE id IN (?)`, { replacements: [ids.slice(i, i + CHUNK)] });
      }
    }
  },
  async down() {},
};
