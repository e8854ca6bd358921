// Articles (issue #18): the current text of each article with its publishing state, every saved
// revision, and who did what when. `tags` is a JSON array in text (few tags, few articles: the
// tag filter is a LIKE on the quoted tag). `publish_at` is set while a publication is scheduled.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });

export const articlesMigration: Migration = {
  name: '012-articles',
  async up(ctx) {
    const qi = ctx.queryInterface;
    const opts = tableOptions(ctx);
    const body = { type: ctx.db.dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: false };
    await qi.createTable('articles', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      slug: str(120, false),
      title: str(200, false),
      summary: str(500, false),
      cover_url: str(1000),
      tags: { type: DataTypes.TEXT, allowNull: false },
      author: str(100, false),
      body,
      state: str(16, false),
      revision: { type: DataTypes.INTEGER, allowNull: false },
      content_hash: str(64, false),
      publish_at: utcDate(true),
      published_at: utcDate(true),
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      updated_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: utcDate(false),
      updated_at: utcDate(false),
    }, opts);
    await qi.addIndex('articles', ['slug'], { name: 'articles_slug', unique: true });
    await qi.addIndex('articles', ['state', 'published_at'], { name: 'articles_state_published' });
    await qi.addIndex('articles', ['state', 'publish_at'], { name: 'articles_state_publish_at' });

    await qi.createTable('article_revisions', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      article_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'articles', key: 'id' } },
      revision: { type: DataTypes.INTEGER, allowNull: false },
      title: str(200, false),
      summary: str(500, false),
      cover_url: str(1000),
      tags: { type: DataTypes.TEXT, allowNull: false },
      author: str(100, false),
      body,
      content_hash: str(64, false),
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('article_revisions', ['article_id', 'revision'], { name: 'article_revisions_number', unique: true });

    await qi.createTable('article_events', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      article_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'articles', key: 'id' } },
      type: str(24, false),
      actor_id: { type: DataTypes.INTEGER, allowNull: true },
      from_state: str(16),
      to_state: str(16),
      revision: { type: DataTypes.INTEGER, allowNull: true },
      data: { type: DataTypes.TEXT, allowNull: true },
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('article_events', ['article_id', 'id'], { name: 'article_events_article' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.dropTable('article_events');
    await qi.dropTable('article_revisions');
    await qi.dropTable('articles');
  },
};
