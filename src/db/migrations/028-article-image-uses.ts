// `article_image_uses`: every article an image was uploaded for. The bytes are stored once
// (`article_images`, unique by hash), so the same picture uploaded for a second article adds no
// image row; without this table the second article's editor would not list it. Filled with each
// image's first article.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

export const articleImageUsesMigration: Migration = {
  name: '028-article-image-uses',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('article_image_uses', {
      article_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'articles', key: 'id' } },
      image_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'article_images', key: 'id' } },
      created_at: utcDate(false),
    }, tableOptions(ctx));
    await ctx.db.sequelize.query('INSERT INTO article_image_uses (article_id, image_id, created_at) SELECT article_id, id, created_at FROM article_images');
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('article_image_uses');
  },
};
