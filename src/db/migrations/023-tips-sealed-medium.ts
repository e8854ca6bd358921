// A named reporter's seal holds the originals of the description (up to 10,000 characters) and of
// the whole transcript, as base64 of the ciphertext: a long tip with personal data in it passes
// MySQL's TEXT (64 KB) and would be refused at 确认. MEDIUMTEXT (16 MB) holds any tip the
// conversation can make. SQLite's TEXT has no such limit.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

export const tipsSealedMediumMigration: Migration = {
  name: '023-tips-sealed-medium',
  async up(ctx) {
    if (ctx.db.dialect !== 'mysql') return;
    await ctx.queryInterface.changeColumn('tips', 'reporter_sealed', { type: DataTypes.TEXT('medium'), allowNull: false });
  },
  async down(ctx) {
    if (ctx.db.dialect !== 'mysql') return;
    await ctx.queryInterface.changeColumn('tips', 'reporter_sealed', { type: DataTypes.TEXT, allowNull: false });
  },
};
