// Staff actions on articles and the scheduled sweep. Each runs in one transaction: lock the row,
// ask the rules who may act and where the state goes, write the row, a revision for every change
// of text, and an event. The rendered HTML of the article is dropped from the cache after commit.
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { ArticleHtmlCache } from './cache.js';
import type { ArticleRow } from './models.js';
import { toArticle, type Article, type ArticleRepository } from './repository.js';
import {
  ArticleRuleError, assertCanArticle, assertScheduleTime, contentHash, isDue, normaliseTags, transition,
  type ArticleAction, type ArticleRuleOptions,
} from './rules.js';
import type { ArticleActor, ArticleContent, ArticleEventType, ArticleFacts, ArticleState } from './types.js';

export interface ArticleServiceDeps {
  db: Database;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  options: ArticleRuleOptions;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface NewArticle extends ArticleContent {
  slug: string;
}

const notFound = () => new ArticleRuleError('ARTICLE_NOT_FOUND', 404, '没有找到这篇文章');
const slugTaken = () => new ArticleRuleError('ARTICLE_SLUG_TAKEN', 409, '这个网址名已被其他文章使用');
const stale = () => new ArticleRuleError('ARTICLE_STALE', 409, '文章已被别人修改，请刷新后再改');

/** What `lockedChange` needs of a table of records with an HTML cache (articles, alerts). */
export interface LockedChangeDeps<Row, Shape> {
  db: Database;
  /** The row, locked for update in `t`. */
  byId: (id: number, t: Transaction) => Promise<Row | null>;
  toShape: (row: Row) => Shape;
  notFound: () => Error;
  cache: Pick<ArticleHtmlCache, 'invalidate'>;
  clock: () => Date;
}

/**
 * A change of one record: lock its row and run `fn` in one transaction, return the row's shape;
 * the cache entry goes after commit, once the change is there to be read.
 */
export function lockedChange<Row, Shape>(deps: LockedChangeDeps<Row, Shape>) {
  return async (id: number, fn: (row: Row, t: Transaction, now: Date) => Promise<void>): Promise<Shape> => {
    const now = deps.clock();
    const shape = await deps.db.transaction(async (t) => {
      const row = await deps.byId(id, t);
      if (!row) throw deps.notFound();
      await fn(row, t, now);
      return deps.toShape(row);
    });
    deps.cache.invalidate(id);
    return shape;
  };
}

function contentOf(row: ArticleRow): ArticleContent {
  return { title: row.title, summary: row.summary, body: row.body, tags: toArticle(row).tags, author: row.author, coverUrl: row.coverUrl };
}

export function createArticleService(deps: ArticleServiceDeps) {
  const { db, repo, cache, options } = deps;
  const { ArticleRevision, ArticleEvent, Article } = repo.models;
  const clock = deps.now ?? (() => new Date());

  async function event(t: Transaction, row: ArticleRow, type: ArticleEventType, actorId: number | null, from: ArticleState | null, at: Date, data?: Record<string, unknown>) {
    await ArticleEvent.create({
      articleId: row.id, type, actorId, fromState: from, toState: row.state, revision: row.revision,
      data: data ? JSON.stringify(data) : null, createdAt: at,
    }, { transaction: t });
  }

  async function revision(t: Transaction, row: ArticleRow, actorId: number | null, at: Date) {
    await ArticleRevision.create({
      articleId: row.id, revision: row.revision, title: row.title, summary: row.summary, coverUrl: row.coverUrl, tags: row.tags,
      author: row.author, body: row.body, contentHash: row.contentHash, createdBy: actorId, createdAt: at,
    }, { transaction: t });
  }

  /**
   * `article` with the writers of its text under review (`ArticleFacts.writers`), for the
   * publisher rights; in `t` when given, under the row's lock.
   */
  async function withWriters(article: Article, t?: Transaction): Promise<Article & Required<Pick<ArticleFacts, 'writers'>>> {
    return { ...article, writers: await repo.writers(article.id, t) };
  }

  const onArticle = lockedChange({ db, byId: (id, t) => repo.byId(id, t), toShape: toArticle, notFound, cache, clock });

  /** A state change without new text: submit, publish, unpublish. */
  function step(action: ArticleAction, right: 'article.submit' | 'article.publish' | 'article.unpublish') {
    return (actor: ArticleActor, id: number) => onArticle(id, async (row, t, now) => {
      const facts = right === 'article.publish' ? await withWriters(toArticle(row), t) : toArticle(row);
      assertCanArticle(actor, right, facts, options);
      const tr = transition(facts.state, action);
      row.state = tr.to;
      if (tr.to === 'published') row.publishedAt = now;
      if (action !== 'submit') row.publishAt = null;
      row.updatedAt = now;
      row.updatedBy = actor.id;
      await row.save({ transaction: t });
      await event(t, row, tr.event, actor.id, tr.from, now);
    });
  }

  function applyContent(row: ArticleRow, c: ArticleContent, hash: string) {
    row.title = c.title;
    row.summary = c.summary;
    row.body = c.body;
    row.tags = JSON.stringify(normaliseTags(c.tags));
    row.author = c.author;
    row.coverUrl = c.coverUrl;
    row.contentHash = hash;
  }

  return {
    async create(actor: ArticleActor, input: NewArticle): Promise<Article> {
      assertCanArticle(actor, 'article.write', undefined, options);
      const now = clock();
      try {
        return await db.transaction(async (t) => {
          if (await repo.bySlug(input.slug, t)) throw slugTaken();
          const tags = normaliseTags(input.tags);
          const row = await Article.create({
            slug: input.slug, title: input.title, summary: input.summary, coverUrl: input.coverUrl, tags: JSON.stringify(tags),
            author: input.author, body: input.body, state: 'draft', revision: 1, contentHash: contentHash({ ...input, tags }),
            publishAt: null, publishedAt: null, createdBy: actor.id, updatedBy: actor.id, createdAt: now, updatedAt: now,
          }, { transaction: t });
          await revision(t, row, actor.id, now);
          await event(t, row, 'created', actor.id, null, now);
          return toArticle(row);
        });
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw slugTaken();
        throw err;
      }
    },

    /**
     * New text: a revision, and back to draft unless a publisher corrects a live article.
     * `baseRevision`, when given, must still be the latest (409 ARTICLE_STALE otherwise).
     */
    update(actor: ArticleActor, id: number, input: ArticleContent, baseRevision?: number): Promise<Article> {
      return onArticle(id, async (row, t, now) => {
        const facts = toArticle(row);
        assertCanArticle(actor, 'article.write', facts, options);
        if (baseRevision !== undefined && baseRevision !== row.revision) throw stale();
        const tr = transition(facts.state, 'edit');
        const hash = contentHash(input);
        if (hash === row.contentHash && tr.to === facts.state) return;
        applyContent(row, input, hash);
        row.state = tr.to;
        row.publishAt = tr.to === 'draft' ? null : row.publishAt;
        row.revision += 1;
        row.updatedAt = now;
        row.updatedBy = actor.id;
        await row.save({ transaction: t });
        await revision(t, row, actor.id, now);
        await event(t, row, 'edited', actor.id, tr.from, now);
      });
    },

    submit: step('submit', 'article.submit'),
    publish: step('publish', 'article.publish'),
    unpublish: step('unpublish', 'article.unpublish'),

    /** Publishes an article in review at `at` (sweep), or with null, cancels the schedule. */
    schedule(actor: ArticleActor, id: number, at: Date | null): Promise<Article> {
      return onArticle(id, async (row, t, now) => {
        const facts = await withWriters(toArticle(row), t);
        assertCanArticle(actor, 'article.schedule', facts, options);
        const tr = transition(facts.state, at ? 'schedule' : 'unschedule');
        if (at) assertScheduleTime(at, now);
        row.publishAt = at;
        row.updatedAt = now;
        row.updatedBy = actor.id;
        await row.save({ transaction: t });
        await event(t, row, tr.event, actor.id, tr.from, now, at ? { publishAt: at.toISOString() } : undefined);
      });
    },

    /** Publishes every scheduled article that is due; returns their slugs. Safe on several instances. */
    async sweep(now = clock()): Promise<string[]> {
      const published: string[] = [];
      for (const id of await repo.dueIds(now)) {
        const slug = await db.transaction(async (t) => {
          const row = await repo.byId(id, t);
          // Re-read under the lock: another instance, or an edit, may have got there first.
          if (!row || !isDue(toArticle(row), now)) return undefined;
          const scheduledFor = row.publishAt;
          row.state = 'published';
          row.publishedAt = now;
          row.publishAt = null;
          row.updatedAt = now;
          await row.save({ transaction: t });
          await event(t, row, 'published', null, 'in_review', now, { scheduled: true, publishAt: scheduledFor?.toISOString() ?? null });
          return row.slug;
        });
        if (slug) {
          cache.invalidate(id);
          published.push(slug);
        }
      }
      if (published.length) deps.logger.info({ published }, 'scheduled articles published');
      return published;
    },

    /** The article as it is, for staff. */
    async get(actor: ArticleActor, id: number) {
      const row = await repo.byId(id);
      if (!row) throw notFound();
      const article = toArticle(row);
      assertCanArticle(actor, 'article.read', article, options);
      return { article, revisions: await repo.revisions(id), events: await repo.events(id) };
    },

    /**
     * `article` as the publisher rights judge it (with `writers`): for one article's buttons
     * (`allowedActions`), so that they offer what the actions above allow.
     */
    publisherFacts: (article: Article) => withWriters(article),

    /** Writes used by the import (import.ts): the system as actor, no rights asked. */
    system: { revision, event, applyContent, contentOf },
  };
}

export type ArticleService = ReturnType<typeof createArticleService>;
