// Staff's review of the identifiers citizens report (src/alerts/reports): one row per identifier
// staff decided on, `confirmed` (a scam: 鉴诈 warns everyone of it) or `dismissed` (not one), who
// decided and when. No citizen data: the row outlives the reports it was decided on. Two indexes
// on `scam_reports` serve the daily cap per citizen and the retention purge.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

export const scamReportReviewMigration: Migration = {
  name: '021-scam-report-review',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('scam_identifiers', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      // Compared byte for byte, like scam_reports.identifier, which it is joined with.
      identifier: { type: DataTypes.STRING(255).BINARY, allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      // The staff member's id (no foreign key: a staff row may be removed, the decision stays).
      decided_by: { type: DataTypes.INTEGER, allowNull: false },
      decided_at: utcDate(false),
      // Distinct citizens who had reported it when staff decided.
      citizens: { type: DataTypes.INTEGER, allowNull: false },
    }, tableOptions(ctx));
    await qi.addIndex('scam_identifiers', ['kind', 'identifier'], { name: 'scam_identifiers_identity', unique: true });
    await qi.addIndex('scam_identifiers', ['state', 'decided_at'], { name: 'scam_identifiers_state' });
    // A citizen's new reports of one Beijing day (the cap), and the rows past retention.
    await qi.addIndex('scam_reports', ['citizen_hash', 'created_at'], { name: 'scam_reports_citizen_day' });
    await qi.addIndex('scam_reports', ['updated_at'], { name: 'scam_reports_updated' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.removeIndex('scam_reports', 'scam_reports_updated');
    await qi.removeIndex('scam_reports', 'scam_reports_citizen_day');
    await qi.dropTable('scam_identifiers');
  },
};
