// Reads of the articles tables, and the row → Article shape every reader gets.
import { literal, Op, QueryTypes, type InferAttributes, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import type { ArticleModels, ArticleRevisionRow, ArticleRow, EventColumns } from './models.js';
import { dropSearchRow, planSearch, searchIds, snippet, syncSearchRow } from './search.js';
import { ARTICLE_STATES, type ArticleEvent, type ArticleState } from './types.js';

/** An article as every reader gets it: the row, with its tags parsed and its state checked. */
export type Article = Omit<InferAttributes<ArticleRow>, 'tags' | 'state'> & { tags: string[]; state: ArticleState };

/** One kept text of an article. */
export type ArticleRevision = Omit<InferAttributes<ArticleRevisionRow>, 'id' | 'articleId' | 'tags'> & { tags: string[] };

export interface ArticlePage {
  items: Article[];
  total: number;
  page: number;
  pages: number;
}

/** A JSON array of strings stored as text (tags; an alert's counties); anything else reads as `[]`. */
export function parseStringArray(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

const asState = (v: string): ArticleState => ((ARTICLE_STATES as readonly string[]).includes(v) ? v as ArticleState : 'draft');

export function toArticle(row: ArticleRow): Article {
  return {
    id: row.id, slug: row.slug, title: row.title, summary: row.summary, coverUrl: row.coverUrl, tags: parseStringArray(row.tags),
    author: row.author, body: row.body, state: asState(row.state), revision: row.revision, contentHash: row.contentHash,
    publishAt: row.publishAt, publishedAt: row.publishedAt, createdBy: row.createdBy, updatedBy: row.updatedBy,
    createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

function toRevision(row: ArticleRevisionRow): ArticleRevision {
  return {
    revision: row.revision, title: row.title, summary: row.summary, coverUrl: row.coverUrl, tags: parseStringArray(row.tags),
    author: row.author, body: row.body, contentHash: row.contentHash, createdBy: row.createdBy, createdAt: row.createdAt,
  };
}

/** An event log row as readers get it (articles' and alerts'); unreadable `data` reads as null. */
export function toEvent(row: EventColumns): ArticleEvent {
  let data: Record<string, unknown> | null = null;
  if (row.data) {
    try {
      data = JSON.parse(row.data) as Record<string, unknown>;
    } catch {
      data = null;
    }
  }
  return { type: row.type, actorId: row.actorId, fromState: row.fromState, toState: row.toState, revision: row.revision, data, at: row.createdAt };
}

/** Where a record's text history lies: the articles' tables, or the alerts' (src/alerts). Constants, never input. */
export interface HistoryTables {
  revisions: 'article_revisions' | 'alert_revisions';
  events: 'article_events' | 'alert_events';
  /** The owner's column in both. */
  key: 'article_id' | 'alert_id';
}

export const ARTICLE_HISTORY: HistoryTables = { revisions: 'article_revisions', events: 'article_events', key: 'article_id' };

/**
 * The staff who wrote the text under review of record `id` (ArticleFacts.writers): the writers of
 * its revisions after the one last published (the latest `published` event's revision; every
 * revision if never published), the import's (null) left out. One query with bound values; in
 * `t`, under the record's lock, so no revision comes in between.
 */
export async function writersSince(sequelize: Sequelize, tables: HistoryTables, id: number, t?: Transaction): Promise<number[]> {
  const { revisions, events, key } = tables;
  const rows = await sequelize.query<{ writer: number | string }>(
    `SELECT DISTINCT r.created_by AS writer FROM ${revisions} r
      WHERE r.${key} = :id AND r.created_by IS NOT NULL
        AND r.revision > COALESCE((SELECT MAX(e.revision) FROM ${events} e WHERE e.${key} = :id AND e.type = :published), 0)`,
    { replacements: { id, published: 'published' }, type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
  );
  return rows.map((r) => Number(r.writer));
}

/** A LIKE pattern for the quoted tag inside the JSON text, with `!` as the escape character. */
function tagPattern(tag: string): string {
  return `%${JSON.stringify(tag).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export interface ArticleSearchResult {
  items: Array<{ article: Article; snippet: string }>;
  total: number;
}

/** The text fields the search index reads: a save that changes none of them leaves it alone. */
const SEARCHED_FIELDS = ['state', 'title', 'summary', 'tags', 'body'] as const;
const indexedModels = new WeakSet<object>();

/** The Sequelize instance a model was defined on (the articles' and the alerts' hand-written queries). */
export function sequelizeOf(model: { name: string; sequelize?: Sequelize | undefined }): Sequelize {
  if (!model.sequelize) throw new Error(`the ${model.name} model is not defined on a Sequelize instance`);
  return model.sequelize;
}

/**
 * Keeps `article_search` current from the model itself, in the saving transaction: every
 * create, every save that changes a searched field, every destroy. (A bulk `Article.update`
 * without `individualHooks` would bypass it: articles are saved row by row.)
 */
function keepSearchIndex(Article: ArticleModels['Article']): void {
  if (indexedModels.has(Article)) return;
  indexedModels.add(Article);
  const sequelize = sequelizeOf(Article);
  const sync = (row: ArticleRow, t: Transaction | null | undefined) => syncSearchRow(sequelize, {
    id: row.id, state: row.state, title: row.title, summary: row.summary, tags: row.tags, body: row.body,
  }, t);
  Article.addHook('afterCreate', 'articleSearch', async (row: ArticleRow, options: { transaction?: Transaction | null }) => {
    await sync(row, options.transaction);
  });
  Article.addHook('afterUpdate', 'articleSearch', async (row: ArticleRow, options: { transaction?: Transaction | null }) => {
    if (SEARCHED_FIELDS.some((f) => row.changed(f))) await sync(row, options.transaction);
  });
  Article.addHook('afterDestroy', 'articleSearch', async (row: ArticleRow, options: { transaction?: Transaction | null }) => {
    await dropSearchRow(sequelize, row.id, options.transaction);
  });
}

export function createArticleRepository(models: ArticleModels) {
  const { Article, ArticleRevision, ArticleEvent } = models;
  keepSearchIndex(Article);
  return {
    models,

    async byId(id: number, t?: Transaction): Promise<ArticleRow | null> {
      return Article.findByPk(id, t ? { transaction: t, lock: t.LOCK.UPDATE } : {});
    },

    async bySlug(slug: string, t?: Transaction): Promise<ArticleRow | null> {
      return Article.findOne({ where: { slug }, ...(t ? { transaction: t, lock: t.LOCK.UPDATE } : {}) });
    },

    /** A published article by slug, or undefined (drafts and withdrawn articles do not exist publicly). */
    async publishedBySlug(slug: string): Promise<Article | undefined> {
      const row = await Article.findOne({ where: { slug, state: 'published' } });
      return row ? toArticle(row) : undefined;
    },

    /** Published articles, newest first, optionally with a tag. */
    async listPublished(opts: { page: number; pageSize: number; tag?: string | undefined }): Promise<ArticlePage> {
      // The tag's JSON spelling inside the JSON text, as a bound value (`?`), `!` escaping LIKE's wildcards.
      const where: WhereOptions = opts.tag
        ? { [Op.and]: [{ state: 'published' }, literal("tags LIKE ? ESCAPE '!'")] }
        : { state: 'published' };
      const { rows, count } = await Article.findAndCountAll({
        where, order: [['publishedAt', 'DESC'], ['id', 'DESC']], limit: opts.pageSize, offset: (opts.page - 1) * opts.pageSize,
        ...(opts.tag ? { replacements: [tagPattern(opts.tag)] } : {}),
      });
      return { items: rows.map(toArticle), total: count, page: opts.page, pages: Math.max(1, Math.ceil(count / opts.pageSize)) };
    },

    /** Every article for the staff list, last changed first. */
    async listAll(opts: { state?: ArticleState | undefined; limit: number }): Promise<Article[]> {
      const rows = await Article.findAll({
        where: opts.state ? { state: opts.state } : {}, order: [['updatedAt', 'DESC'], ['id', 'DESC']], limit: opts.limit,
      });
      return rows.map(toArticle);
    },

    /** Ids of articles whose scheduled publication is due. */
    async dueIds(now: Date): Promise<number[]> {
      const rows = await Article.findAll({ attributes: ['id'], where: { state: 'in_review', publishAt: { [Op.lte]: now } }, order: [['publishAt', 'ASC']] });
      return rows.map((r) => r.id);
    },

    async revisions(articleId: number): Promise<ArticleRevision[]> {
      const rows = await ArticleRevision.findAll({ where: { articleId }, order: [['revision', 'ASC']] });
      return rows.map(toRevision);
    },

    async events(articleId: number): Promise<ArticleEvent[]> {
      const rows = await ArticleEvent.findAll({ where: { articleId }, order: [['id', 'ASC']] });
      return rows.map(toEvent);
    },

    /** Who wrote the text under review (see `writersSince`). */
    writers(articleId: number, t?: Transaction): Promise<number[]> {
      return writersSince(sequelizeOf(Article), ARTICLE_HISTORY, articleId, t);
    },

    /** The latest revision, or the latest one the import wrote (`createdBy` null). */
    async latestRevision(articleId: number, opts: { importedOnly: boolean }, t?: Transaction): Promise<ArticleRevision | undefined> {
      const row = await ArticleRevision.findOne({
        where: opts.importedOnly ? { articleId, createdBy: null } : { articleId }, order: [['revision', 'DESC']], ...(t ? { transaction: t } : {}),
      });
      return row ? toRevision(row) : undefined;
    },

    /**
     * Published articles with every word of `q` (Chinese, English or both; see search.ts), best
     * first: relevance (title above summary and tags above body), then newest. Each with a
     * plain-text snippet of the body around the first word found (or the summary).
     */
    async searchArticles(q: string, opts: { limit: number; offset: number }): Promise<ArticleSearchResult> {
      const plan = planSearch(q);
      const { hits, total } = await searchIds(sequelizeOf(Article), plan, opts);
      if (hits.length === 0) return { items: [], total };
      const rows = await Article.findAll({ where: { id: hits.map((h) => h.id), state: 'published' } });
      const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
      const items = hits.flatMap((h) => {
        const article = byId.get(h.id);
        return article ? [{ article, snippet: snippet(article.body, article.summary, plan.terms) }] : [];
      });
      return { items, total };
    },

    /** Published articles for the feed and sitemap, newest first. */
    async allPublished(limit: number): Promise<Article[]> {
      const rows = await Article.findAll({ where: { state: 'published' }, order: [['publishedAt', 'DESC'], ['id', 'DESC']], limit });
      return rows.map(toArticle);
    },
  };
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>;
