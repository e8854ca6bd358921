// The push's account-wide state and what a long push needs to stay cheap (issue #19 review).
// alert_push_pace: one row per WeChat account ('account'): the next free send slot shared by every
// job (WeChat's limits are the account's, not a push's), the back-off while WeChat fails
// (hold_level, hold_reason; the hold ends at next_slot_at), the days a channel's daily limit
// was reached (custom_blocked_until, template_blocked_until), and today's template sends.
// alert_push_jobs.outcome_counts: skipped and failed by reason, moved with the rows, so staff's
// view never groups a job's rows; purged_at: its recipient rows were deleted after retention.
// alert_push_recipients.unsure_since: the first send whose outcome is unknown (a timeout), which
// bounds how long a template message may be tried again under its client_msg_id.
// The claim's index leads with what the claim filters on and orders by.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

export const alertPushPaceMigration: Migration = {
  name: '020-alert-push-pace',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('alert_push_pace', {
      id: { type: DataTypes.STRING(16), primaryKey: true, allowNull: false },
      next_slot_at: utcDate(false),
      hold_level: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      hold_reason: { type: DataTypes.STRING(40), allowNull: true },
      custom_blocked_until: utcDate(true),
      template_blocked_until: utcDate(true),
      template_day: { type: DataTypes.STRING(10), allowNull: true },
      template_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      updated_at: utcDate(false),
    }, tableOptions(ctx));
    const now = new Date();
    await qi.bulkInsert('alert_push_pace', [{ id: 'account', next_slot_at: now, hold_level: 0, template_count: 0, updated_at: now }]);

    await qi.addColumn('alert_push_jobs', 'outcome_counts', { type: DataTypes.TEXT, allowNull: true });
    await qi.addColumn('alert_push_jobs', 'purged_at', utcDate(true));
    await qi.addColumn('alert_push_recipients', 'unsure_since', utcDate(true));
    await qi.addIndex('alert_push_recipients', ['job_id', 'state', 'next_attempt_at', 'id'], { name: 'alert_push_recipients_due' });
    await qi.removeIndex('alert_push_recipients', 'alert_push_recipients_claim');
    await qi.addIndex('alert_push_jobs', ['finished_at'], { name: 'alert_push_jobs_finished' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.removeIndex('alert_push_jobs', 'alert_push_jobs_finished');
    await qi.addIndex('alert_push_recipients', ['job_id', 'state', 'id'], { name: 'alert_push_recipients_claim' });
    await qi.removeIndex('alert_push_recipients', 'alert_push_recipients_due');
    await qi.removeColumn('alert_push_recipients', 'unsure_since');
    await qi.removeColumn('alert_push_jobs', 'purged_at');
    await qi.removeColumn('alert_push_jobs', 'outcome_counts');
    await qi.dropTable('alert_push_pace');
  },
};
