// Copies of a tip's photos and voice, taken from WeChat's temporary media, which WeChat keeps
// only 3 days while a tip may wait 15 for assignment. One row per attachment, written in the
// tip's own transaction as `pending`; the copier (src/tips/media-copy.ts) fills `data` and marks
// it `copied`, or `failed` once WeChat no longer has it. `next_try_at` both schedules a retry and
// leases a row to the one instance copying it.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, timestamps, utcDate } from './helpers.js';

export const tipMediaMigration: Migration = {
  name: '024-tip-media',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('tip_media', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tip_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tips', key: 'id' } },
      position: { type: DataTypes.INTEGER, allowNull: false },
      media_type: { type: DataTypes.STRING(8), allowNull: false },
      media_id: { type: DataTypes.STRING(256), allowNull: false },
      state: { type: DataTypes.STRING(12), allowNull: false },
      content_type: { type: DataTypes.STRING(100), allowNull: true },
      // WeChat's temporary media are at most 10 MB (images) and 2 MB (voice).
      data: { type: ctx.db.dialect === 'mysql' ? DataTypes.BLOB('medium') : DataTypes.BLOB, allowNull: true },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_try_at: utcDate(false),
      last_error: { type: DataTypes.STRING(255), allowNull: true },
      copied_at: utcDate(true),
      ...timestamps(),
    }, tableOptions(ctx));
    await qi.addIndex('tip_media', ['tip_id', 'position'], { name: 'tip_media_position', unique: true });
    await qi.addIndex('tip_media', ['state', 'next_try_at'], { name: 'tip_media_due' });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('tip_media');
  },
};
