// Chinese search of articles (issue #18): `article_search` holds one row per published article,
// its normalised title, summary + tags and body (plain text) and the bigram/word tokens the
// full-text index serves (see src/articles/search.ts for the design and its limits). SQLite: an
// FTS5 table (unicode61 over the ASCII tokens; rowid = articles.id). MariaDB/MySQL: InnoDB with a
// FULLTEXT index on `tokens` (the default parser: MariaDB has no ngram parser), the texts in
// utf8mb4_bin so LIKE and REPLACE compare exactly what the normaliser wrote.
import type { Migration } from '../migrate.js';
import { rebuildSearchIndex } from '../../articles/search.js';

export const articleSearchMigration: Migration = {
  name: '013-article-search',
  async up(ctx) {
    const q = (sql: string) => ctx.db.sequelize.query(sql);
    if (ctx.db.dialect === 'sqlite') {
      await q(`CREATE VIRTUAL TABLE article_search USING fts5(
        tokens, title_text UNINDEXED, meta_text UNINDEXED, body_text UNINDEXED, tokenize = 'unicode61')`);
    } else {
      await q(`CREATE TABLE article_search (
        article_id INT NOT NULL PRIMARY KEY,
        title_text TEXT COLLATE utf8mb4_bin NOT NULL,
        meta_text TEXT COLLATE utf8mb4_bin NOT NULL,
        body_text MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
        tokens MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
        FULLTEXT KEY article_search_tokens (tokens)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    }
    await rebuildSearchIndex(ctx.db.sequelize);
  },
  async down(ctx) {
    await ctx.db.sequelize.query('DROP TABLE IF EXISTS article_search');
  },
};
