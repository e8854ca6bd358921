// Followers of the official account (issue #19): one row per openid, kept from subscribe and
// unsubscribe events and every message, with the county the follower is known to live in (and
// how it was learned), the last time they wrote (WeChat's 48-hour customer-service window) and
// whether WeChat's county tag on them is current. `follower_county_tags` remembers the WeChat
// tag id of each county's tag (「三明-沙县区」), so a restart never creates a tag twice.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, timestamps, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });

export const followersMigration: Migration = {
  name: '016-followers',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('followers', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      openid: str(64, false),
      subscribed: { type: DataTypes.BOOLEAN, allowNull: false },
      subscribed_at: utcDate(true),
      unsubscribed_at: utcDate(true),
      // A county's division code (content/sanming-divisions.json); how it was learned:
      // location (a location message's label), tip (a confirmed tip, with consent), asked.
      county_code: str(12),
      county_source: str(16),
      county_at: utcDate(true),
      // The county question is asked once: when it was, and when the follower said no.
      county_asked_at: utcDate(true),
      county_declined_at: utcDate(true),
      last_interaction_at: utcDate(true),
      // The county whose WeChat tag the follower carries now (null: none); tag_pending marks a
      // follower whose tag differs from county_code, for the sync job.
      tag_county_code: str(12),
      tag_pending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      tag_synced_at: utcDate(true),
      tag_error: str(120),
      ...timestamps(),
    }, tableOptions(ctx));
    await qi.addIndex('followers', ['openid'], { name: 'followers_openid', unique: true });
    await qi.addIndex('followers', ['tag_pending', 'id'], { name: 'followers_tag_pending' });
    await qi.addIndex('followers', ['subscribed', 'county_code', 'id'], { name: 'followers_region' });

    await qi.createTable('follower_county_tags', {
      county_code: { type: DataTypes.STRING(12), primaryKey: true },
      tag_id: { type: DataTypes.INTEGER, allowNull: false },
      tag_name: str(30, false),
      created_at: utcDate(false),
    }, tableOptions(ctx));
    await qi.addIndex('follower_county_tags', ['tag_id'], { name: 'follower_county_tags_tag', unique: true });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('follower_county_tags');
    await ctx.queryInterface.dropTable('followers');
  },
};
