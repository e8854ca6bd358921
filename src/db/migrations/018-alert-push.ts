// Pushing an anti-fraud alert to followers (issue #19). A job is one push of one alert (alert_id:
// the alert's id, taken as a plain number so this table does not depend on how alerts are
// stored) to the followers of its region by the channels chosen; its recipients are the followers
// as they were when it started, one row per follower and channel. unique (alert_id, openid,
// channel): one alert never goes twice to a follower by the same channel, whatever the jobs.
// The job row is also the push's rate limiter (next_slot_at) and holds its counters.
// alert_push_mass: the mass sends (one per county tag, or one to all followers) of a job.
// wechat_mass_quota: the account's daily mass-send quota, one slot per send, shared with article
// publishing (src/articles/mass-quota.ts); the slots article requests held are copied in.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, timestamps, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = true, defaultValue?: number) => ({ type: DataTypes.INTEGER, allowNull, ...(defaultValue === undefined ? {} : { defaultValue }) });

export const alertPushMigration: Migration = {
  name: '018-alert-push',
  async up(ctx) {
    const qi = ctx.queryInterface;
    const opts = tableOptions(ctx);

    await qi.createTable('wechat_mass_quota', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      // The China-time day (YYYY-MM-DD) and the slot (1..wechat.massQuotaPerDay) of one send.
      quota_day: str(10, false),
      quota_slot: int(false),
      // Who holds it: `article:<clientmsgid>` or `alert:<clientmsgid>`.
      holder: str(80, false),
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('wechat_mass_quota', ['quota_day', 'quota_slot'], { name: 'wechat_mass_quota_slot', unique: true });
    await qi.addIndex('wechat_mass_quota', ['holder'], { name: 'wechat_mass_quota_holder' });
    await ctx.db.sequelize.query(
      `INSERT INTO wechat_mass_quota (quota_day, quota_slot, holder, created_at)
       SELECT quota_day, quota_slot, ${ctx.db.dialect === 'mysql' ? "CONCAT('article:', client_msg_id)" : "'article:' || client_msg_id"}, created_at
       FROM article_wechat WHERE quota_day IS NOT NULL AND quota_slot IS NOT NULL`,
    );

    await qi.createTable('alert_push_jobs', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      alert_id: int(false),
      title: str(200, false),
      summary: str(600, false),
      url: str(1000, false),
      // JSON array of county codes; NULL: all of Sanming.
      counties: { type: DataTypes.TEXT, allowNull: true },
      // Comma-separated: custom, mass, template.
      channels: str(40, false),
      // queued (the recipients are being listed), running, paused, cancelled, done.
      state: str(16, false),
      rate_per_second: { type: DataTypes.DOUBLE, allowNull: false },
      // The next free send slot: a claim of k recipients moves it on by k / rate.
      next_slot_at: utcDate(false),
      // The recipients snapshot, taken in chunks of followers.id up to the last id at the start:
      // the last id done, that end, and until when a process holds the taking of it.
      snapshot_after: int(false, 0),
      snapshot_upto: int(false, 0),
      snapshot_lease_until: utcDate(true),
      total_count: int(false, 0),
      sent_count: int(false, 0),
      skipped_count: int(false, 0),
      failed_count: int(false, 0),
      created_by: int(),
      started_at: utcDate(true),
      finished_at: utcDate(true),
      ...timestamps(),
    }, opts);
    await qi.addIndex('alert_push_jobs', ['state', 'id'], { name: 'alert_push_jobs_state' });
    await qi.addIndex('alert_push_jobs', ['alert_id'], { name: 'alert_push_jobs_alert' });

    await qi.createTable('alert_push_recipients', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      job_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'alert_push_jobs', key: 'id' } },
      alert_id: int(false),
      openid: str(64, false),
      channel: str(16, false),
      // queued, sending (claimed and being sent: a stale one is not sent again), sent, skipped, failed.
      state: str(16, false),
      attempts: int(false, 0),
      next_attempt_at: utcDate(false),
      reason: str(40),
      errcode: int(),
      claimed_by: str(64),
      claim_expires_at: utcDate(true),
      sent_at: utcDate(true),
    }, opts);
    await qi.addIndex('alert_push_recipients', ['alert_id', 'openid', 'channel'], { name: 'alert_push_recipients_once', unique: true });
    await qi.addIndex('alert_push_recipients', ['job_id', 'state', 'id'], { name: 'alert_push_recipients_claim' });
    await qi.addIndex('alert_push_recipients', ['state', 'claim_expires_at'], { name: 'alert_push_recipients_stale' });

    await qi.createTable('alert_push_mass', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      job_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'alert_push_jobs', key: 'id' } },
      alert_id: int(false),
      // A county code (its tag), or `all`.
      target: str(12, false),
      tag_id: int(),
      // The send's clientmsgid: WeChat refuses a second send with it (45065), so a retry is safe.
      client_msg_id: str(64, false),
      state: str(16, false),
      attempts: int(false, 0),
      next_attempt_at: utcDate(false),
      reason: str(40),
      errcode: int(),
      msg_id: str(32),
      quota_day: str(10),
      quota_slot: int(),
      claimed_by: str(64),
      claim_expires_at: utcDate(true),
      sent_at: utcDate(true),
    }, opts);
    await qi.addIndex('alert_push_mass', ['alert_id', 'target'], { name: 'alert_push_mass_once', unique: true });
    await qi.addIndex('alert_push_mass', ['client_msg_id'], { name: 'alert_push_mass_client_msg', unique: true });
    await qi.addIndex('alert_push_mass', ['job_id', 'state'], { name: 'alert_push_mass_job' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.dropTable('alert_push_mass');
    await qi.dropTable('alert_push_recipients');
    await qi.dropTable('alert_push_jobs');
    await qi.dropTable('wechat_mass_quota');
  },
};
