// `tips.additions_unseen_at`: when the citizen last added to the tip (补充) something whoever
// handles it (the handling unit once assigned, before that the staff member who claimed it) has
// not opened since. Empty for every tip before: nothing was added to them.
import type { Migration } from '../migrate.js';
import { utcDate } from './helpers.js';

export const tipAdditionsUnseenMigration: Migration = {
  name: '029-tip-additions-unseen',
  async up(ctx) {
    await ctx.queryInterface.addColumn('tips', 'additions_unseen_at', utcDate(true));
  },
  async down(ctx) {
    await ctx.queryInterface.removeColumn('tips', 'additions_unseen_at');
  },
};
