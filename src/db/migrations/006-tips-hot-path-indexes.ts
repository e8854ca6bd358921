// Indexes for the per-tip hot paths:
//  - tips_reporter_recent (reporter_hash, created_at) serves the desk's "this citizen's latest
//    tips" (duplicate hints and the daily limit) in index order, and replaces tips_reporter_hash,
//    of which it is an extension.
//  - tips_lease (state, lease_until) lets claim-next ask "is any lease expired?" with one index
//    probe instead of reading every claimed tip.
import type { Migration } from '../migrate.js';

export const tipsHotPathIndexesMigration: Migration = {
  name: '006-tips-hot-path-indexes',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.addIndex('tips', ['reporter_hash', 'created_at'], { name: 'tips_reporter_recent' });
    await qi.removeIndex('tips', 'tips_reporter_hash');
    await qi.addIndex('tips', ['state', 'lease_until'], { name: 'tips_lease' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.removeIndex('tips', 'tips_lease');
    await qi.addIndex('tips', ['reporter_hash'], { name: 'tips_reporter_hash' });
    await qi.removeIndex('tips', 'tips_reporter_recent');
  },
};
