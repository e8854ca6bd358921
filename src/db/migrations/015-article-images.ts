// Images of articles (issue #18, editor pages): the bytes themselves, in the database, so every
// instance serves every upload without a shared disk. Addressed by the SHA-256 of the bytes
// (unique): the public URL /articles/images/<sha256>.<ext> names one exact image forever.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

export const articleImagesMigration: Migration = {
  name: '015-article-images',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('article_images', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      // The article it was first uploaded for (the same bytes are stored once).
      article_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'articles', key: 'id' } },
      mime: { type: DataTypes.STRING(16), allowNull: false },
      width: { type: DataTypes.INTEGER, allowNull: false },
      height: { type: DataTypes.INTEGER, allowNull: false },
      size: { type: DataTypes.INTEGER, allowNull: false },
      // MEDIUMBLOB on MariaDB (BLOB stops at 64 KB); uploads are at most 2 MB.
      data: { type: ctx.db.dialect === 'mysql' ? DataTypes.BLOB('medium') : DataTypes.BLOB, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: utcDate(false),
    }, tableOptions(ctx));
    await qi.addIndex('article_images', ['sha256'], { name: 'article_images_sha256', unique: true });
    await qi.addIndex('article_images', ['article_id'], { name: 'article_images_article' });
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('article_images');
  },
};
