// Scam identifiers citizens report from the chat (src/alerts/reports): one row per identifier and
// citizen, so the distinct citizens behind an identifier are its row count. The citizen is a keyed
// hash (HMAC) of their channel id, never the openid. `identifier` is the normalised phone number
// (digits), URL (host + path) or account (as typed), compared byte for byte on both databases
// (BINARY: MariaDB's default collation would fold case and merge two accounts).
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

export const scamReportsMigration: Migration = {
  name: '019-scam-reports',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('scam_reports', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      identifier: { type: DataTypes.STRING(255).BINARY, allowNull: false },
      citizen_hash: { type: DataTypes.STRING(64), allowNull: false },
      // The citizen's first report of it, and their latest.
      created_at: utcDate(false),
      updated_at: utcDate(false),
    }, tableOptions(ctx));
    // One row per (identifier, citizen); its prefix serves the counts and the lookups of a check.
    await qi.addIndex('scam_reports', ['kind', 'identifier', 'citizen_hash'], { name: 'scam_reports_identity', unique: true });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('scam_reports');
  },
};
