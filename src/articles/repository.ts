// Reads of the articles tables, and the row → Article shape every reader gets.
import { literal, Op, type Transaction, type WhereOptions } from 'sequelize';
import type { ArticleEventRow, ArticleModels, ArticleRevisionRow, ArticleRow } from './models.js';
import { ARTICLE_STATES, type ArticleState } from './types.js';

export interface Article {
  id: number;
  slug: string;
  title: string;
  summary: string;
  coverUrl: string | null;
  tags: string[];
  author: string;
  body: string;
  state: ArticleState;
  revision: number;
  contentHash: string;
  publishAt: Date | null;
  publishedAt: Date | null;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleRevision {
  revision: number;
  title: string;
  summary: string;
  coverUrl: string | null;
  tags: string[];
  author: string;
  body: string;
  contentHash: string;
  createdBy: number | null;
  createdAt: Date;
}

export interface ArticleEvent {
  type: string;
  actorId: number | null;
  fromState: string | null;
  toState: string | null;
  revision: number | null;
  data: Record<string, unknown> | null;
  at: Date;
}

export interface ArticlePage {
  items: Article[];
  total: number;
  page: number;
  pages: number;
}

function parseTags(text: string): string[] {
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
    id: row.id, slug: row.slug, title: row.title, summary: row.summary, coverUrl: row.coverUrl, tags: parseTags(row.tags),
    author: row.author, body: row.body, state: asState(row.state), revision: row.revision, contentHash: row.contentHash,
    publishAt: row.publishAt, publishedAt: row.publishedAt, createdBy: row.createdBy, updatedBy: row.updatedBy,
    createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

function toRevision(row: ArticleRevisionRow): ArticleRevision {
  return {
    revision: row.revision, title: row.title, summary: row.summary, coverUrl: row.coverUrl, tags: parseTags(row.tags),
    author: row.author, body: row.body, contentHash: row.contentHash, createdBy: row.createdBy, createdAt: row.createdAt,
  };
}

function toEvent(row: ArticleEventRow): ArticleEvent {
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

/** A LIKE pattern for the quoted tag inside the JSON text, with `!` as the escape character. */
function tagPattern(tag: string): string {
  return `%${JSON.stringify(tag).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export function createArticleRepository(models: ArticleModels) {
  const { Article, ArticleRevision, ArticleEvent } = models;
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

    /** The latest revision, or the latest one the import wrote (`createdBy` null). */
    async latestRevision(articleId: number, opts: { importedOnly: boolean }, t?: Transaction): Promise<ArticleRevision | undefined> {
      const row = await ArticleRevision.findOne({
        where: opts.importedOnly ? { articleId, createdBy: null } : { articleId }, order: [['revision', 'DESC']], ...(t ? { transaction: t } : {}),
      });
      return row ? toRevision(row) : undefined;
    },

    /** Published articles for the feed and sitemap, newest first. */
    async allPublished(limit: number): Promise<Article[]> {
      const rows = await Article.findAll({ where: { state: 'published' }, order: [['publishedAt', 'DESC'], ['id', 'DESC']], limit });
      return rows.map(toArticle);
    },
  };
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>;
