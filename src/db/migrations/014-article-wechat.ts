// Publishing articles to WeChat (issue #18): one row per editor's request to turn a published
// article (id + revision) into a WeChat draft, then publish it (freepublish) or mass-send it.
// Each step records what it got from WeChat as it completes (uploaded images, cover material,
// draft media_id, publish_id / msg_id, final status), so a retry resumes where a failure stopped
// and never makes a second draft or a second send. A mass send holds a quota slot of its China
// day: unique (quota_day, quota_slot) keeps the daily count right across instances.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull });

export const articleWechatMigration: Migration = {
  name: '014-article-wechat',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('article_wechat', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      article_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'articles', key: 'id' } },
      revision: int(false),
      channel: str(16, false),
      tag_id: int(),
      to_all: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      // The mass send's clientmsgid: WeChat refuses a second send with it (45065).
      client_msg_id: str(64, false),
      requested_by: int(false),
      state: str(16, false),
      // While a run holds the request (state `working`); an expired lease may be taken over.
      lease_until: utcDate(true),
      // JSON object: source address → WeChat image URL, for every image uploaded so far.
      images: { type: DataTypes.TEXT, allowNull: false },
      images_at: utcDate(true),
      cover_media_id: str(128),
      cover_url: str(1000),
      cover_at: utcDate(true),
      draft_media_id: str(128),
      draft_at: utcDate(true),
      publish_id: str(32),
      msg_id: str(32),
      msg_data_id: str(32),
      submitted_at: utcDate(true),
      quota_day: str(10),
      quota_slot: int(),
      wechat_status: str(24),
      wechat_article_id: str(128),
      article_url: str(1000),
      finished_at: utcDate(true),
      error_step: str(16),
      error_code: int(),
      error_message: str(600),
      error_at: utcDate(true),
      attempts: int(false),
      created_at: utcDate(false),
      updated_at: utcDate(false),
    }, tableOptions(ctx));
    await qi.addIndex('article_wechat', ['article_id', 'id'], { name: 'article_wechat_article' });
    await qi.addIndex('article_wechat', ['state'], { name: 'article_wechat_state' });
    await qi.addIndex('article_wechat', ['client_msg_id'], { name: 'article_wechat_client_msg', unique: true });
    await qi.addIndex('article_wechat', ['quota_day', 'quota_slot'], { name: 'article_wechat_quota_slot', unique: true });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('article_wechat');
  },
};
