// The follower import (src/alerts/followers/import.ts) reads WeChat's whole list of followers
// and marks every listed row with the run's start in `listed_at`; once a run has read every page,
// a subscribed row it did not mark has unfollowed. No index: the one statement that reads it
// walks the subscribed rows once a run.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

export const followerImportMigration: Migration = {
  name: '022-follower-import',
  async up(ctx) {
    await ctx.queryInterface.addColumn('followers', 'listed_at', { type: DataTypes.DATE(3), allowNull: true });
  },
  async down(ctx) {
    // Plain DROP COLUMN on both: Sequelize's SQLite removeColumn rebuilds the table without its indexes.
    await ctx.db.sequelize.query('ALTER TABLE followers DROP COLUMN listed_at');
  },
};
