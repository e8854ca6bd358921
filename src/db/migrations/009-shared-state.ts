// The SharedStore's table when no Redis is configured (src/db/sql-store.ts): conversation records,
// message dedupe, counters and locks, each with its expiry in epoch milliseconds. Keys compare as
// bytes (openids are case-sensitive), hence the binary collation on MariaDB.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions } from './helpers.js';

export const sharedStateMigration: Migration = {
  name: '009-shared-state',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('shared_state', {
      state_key: { type: DataTypes.STRING(191).BINARY, primaryKey: true, allowNull: false },
      state_value: { type: ctx.db.dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: false },
      expires_at: { type: DataTypes.BIGINT, allowNull: false },
    }, tableOptions(ctx));
    await qi.addIndex('shared_state', ['expires_at'], { name: 'shared_state_expires_at' });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('shared_state');
  },
};
