// `staff.must_change_password`: an account whose password someone else chose (created or reset
// by an admin in the console, the generated first-start admin) must set its own before it can
// use any console page (src/staff/pages/guard.ts). Accounts from before keep working: false.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

export const staffPasswordChangeMigration: Migration = {
  name: '010-staff-password-change',
  async up(ctx) {
    await ctx.queryInterface.addColumn('staff', 'must_change_password', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  },
  async down(ctx) {
    await ctx.queryInterface.removeColumn('staff', 'must_change_password');
  },
};
