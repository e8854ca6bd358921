// The tip record, its append-only event log, citizen notices and the citizen contact clock.
// Identity lives only in reporter_sealed (AES-GCM); reporter_hash (HMAC) is the lookup key.
// colour_rank (0 red, 1 yellow, 2 green) exists so the queue can ORDER BY an index, and due_at
// holds the deadline of the current state so "overdue" is a plain indexed comparison.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, timestamps, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });

export const tipsMigration: Migration = {
  name: '003-tips',
  async up(ctx) {
    const qi = ctx.queryInterface;
    const opts = tableOptions(ctx);
    await qi.createTable('tips', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      code: str(24, false),
      submission_key: str(128, false),
      category: str(16, false),
      legal_type: str(16, false),
      description: { type: DataTypes.TEXT, allowNull: false },
      transcript: { type: ctx.db.dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: false },
      attachments: { type: DataTypes.TEXT, allowNull: false },
      place_county_code: str(12),
      place_township_code: str(12),
      place_text: str(255),
      latitude: { type: DataTypes.DOUBLE, allowNull: true },
      longitude: { type: DataTypes.DOUBLE, allowNull: true },
      channel: str(24, false),
      reporter_hash: str(64, false),
      reporter_sealed: { type: DataTypes.TEXT, allowNull: false },
      identity_key_id: str(16, false),
      anonymous: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      danger: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      colour: str(8, false),
      colour_rank: { type: DataTypes.INTEGER, allowNull: false },
      computed_colour: str(8, false),
      colour_reason: str(255),
      state: str(16, false),
      unit_key: str(32),
      accused_unit_key: str(32),
      handler_county_code: str(12),
      handler_township_code: str(12),
      claimed_by: { type: DataTypes.INTEGER, allowNull: true },
      lease_until: utcDate(true),
      acknowledge_by: utcDate(false),
      assign_by: utcDate(false),
      conclude_by: utcDate(false),
      due_at: utcDate(true),
      extension_days: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      accepted_at: utcDate(true),
      assigned_at: utcDate(true),
      answered_at: utcDate(true),
      concluded_at: utcDate(true),
      reopened_at: utcDate(true),
      review_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      answer: { type: DataTypes.TEXT, allowNull: true },
      delivery_state: str(16, false),
      duplicate_of: str(24),
      rating: str(24),
      rated_at: utcDate(true),
      ...timestamps(),
    }, opts);
    await qi.addIndex('tips', ['code'], { name: 'tips_code', unique: true });
    await qi.addIndex('tips', ['submission_key'], { name: 'tips_submission_key', unique: true });
    await qi.addIndex('tips', ['reporter_hash'], { name: 'tips_reporter_hash' });
    await qi.addIndex('tips', ['state', 'colour_rank', 'created_at'], { name: 'tips_queue' });
    await qi.addIndex('tips', ['colour'], { name: 'tips_colour' });
    await qi.addIndex('tips', ['place_county_code'], { name: 'tips_place_county' });
    await qi.addIndex('tips', ['handler_county_code', 'handler_township_code'], { name: 'tips_handler_place' });
    await qi.addIndex('tips', ['unit_key'], { name: 'tips_unit_key' });
    await qi.addIndex('tips', ['created_at'], { name: 'tips_created_at' });
    await qi.addIndex('tips', ['due_at'], { name: 'tips_due_at' });

    await qi.createTable('tip_events', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tip_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tips', key: 'id' } },
      type: str(32, false),
      actor_type: str(16, false),
      actor_id: { type: DataTypes.INTEGER, allowNull: true },
      actor_name: str(64),
      from_state: str(16),
      to_state: str(16),
      reason: str(500),
      note: { type: DataTypes.TEXT, allowNull: true },
      data: { type: DataTypes.TEXT, allowNull: true },
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('tip_events', ['tip_id', 'id'], { name: 'tip_events_tip' });
    await qi.addIndex('tip_events', ['type', 'created_at'], { name: 'tip_events_type' });

    await qi.createTable('tip_notices', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tip_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tips', key: 'id' } },
      reporter_hash: str(64, false),
      citizen_channel: str(24, false),
      kind: str(16, false),
      text: { type: DataTypes.TEXT, allowNull: false },
      state: str(12, false),
      channel: str(12),
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      last_error: str(255),
      delivered_at: utcDate(true),
      ...timestamps(),
    }, opts);
    await qi.addIndex('tip_notices', ['reporter_hash', 'state'], { name: 'tip_notices_citizen' });
    await qi.addIndex('tip_notices', ['tip_id'], { name: 'tip_notices_tip' });

    await qi.createTable('citizen_contacts', {
      reporter_hash: { type: DataTypes.STRING(64), primaryKey: true },
      channel: str(24, false),
      last_message_at: utcDate(false),
      updated_at: utcDate(false),
    }, opts);
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.dropTable('citizen_contacts');
    await qi.dropTable('tip_notices');
    await qi.dropTable('tip_events');
    await qi.dropTable('tips');
  },
};
