// Every citizen message asks whether notices wait for them (src/tips/notices.ts): this index makes
// that query read only the waiting (pending/failed) notices instead of every notice ever sent.
import type { Migration } from '../migrate.js';

export const tipNoticesWaitingMigration: Migration = {
  name: '005-tip-notices-waiting',
  async up(ctx) {
    await ctx.queryInterface.addIndex('tip_notices', ['state', 'reporter_hash'], { name: 'tip_notices_waiting' });
  },
  async down(ctx) {
    await ctx.queryInterface.removeIndex('tip_notices', 'tip_notices_waiting');
  },
};
