// Citizen texts are stored with personal data masked and the originals sealed (src/tips/desk.ts).
// `texts_version` says which version of the masking rule a row went through: 0 for rows written
// before, so the reseal (src/tips/reseal.ts, run right after the migrations) finds them by index,
// masks what they hold in clear and seals the originals. A later rule bumps the version and the
// same reseal reaches every older row.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

export const tipsTextsVersionMigration: Migration = {
  name: '008-tips-texts-version',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.addColumn('tips', 'texts_version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
    await qi.addIndex('tips', ['texts_version', 'id'], { name: 'tips_texts_version' });
  },
  async down(ctx) {
    await ctx.queryInterface.removeIndex('tips', 'tips_texts_version');
    await ctx.queryInterface.removeColumn('tips', 'texts_version');
  },
};
