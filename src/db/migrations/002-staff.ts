// Staff accounts and their sessions. A session row holds only the SHA-256 of the cookie token:
// a leaked database cannot be replayed as logins.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, timestamps, utcDate } from './helpers.js';

export const staffMigration: Migration = {
  name: '002-staff',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('staff', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      display_name: { type: DataTypes.STRING(64), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      unit_key: { type: DataTypes.STRING(32), allowNull: true },
      county_code: { type: DataTypes.STRING(12), allowNull: true },
      township_code: { type: DataTypes.STRING(12), allowNull: true },
      active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      last_login_at: utcDate(true),
      ...timestamps(),
    }, tableOptions(ctx));
    await qi.createTable('staff_sessions', {
      token_hash: { type: DataTypes.STRING(64), primaryKey: true },
      staff_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'staff', key: 'id' }, onDelete: 'CASCADE' },
      created_at: utcDate(false),
      expires_at: utcDate(false),
    }, tableOptions(ctx));
    await qi.addIndex('staff_sessions', ['staff_id'], { name: 'staff_sessions_staff_id' });
    await qi.addIndex('staff_sessions', ['expires_at'], { name: 'staff_sessions_expires_at' });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('staff_sessions');
    await ctx.queryInterface.dropTable('staff');
  },
};
