// What citizens read, without signing in: the article pages, their JSON, the Atom feed and the
// sitemap. Only published articles exist here (anything else is 404). Every answer is the same
// for everyone (no cookie is set, no CSRF token is rendered), so it carries an ETag, answers 304
// to a matching If-None-Match, may be kept by browsers and proxies for 5 minutes, and is kept
// whole by the page cache (page-cache.ts), which serves it in front of the routers under the key
// `publicAnswerKey` gives. Search answers are not kept: their words are unbounded; nor are empty
// list pages (a tag no article has, a page past the last).
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { notFound } from '../platform/errors.js';
import { parseInput } from '../tips/validation.js';
import type { Views } from '../web/index.js';
import type { ArticleHtmlCache } from './cache.js';
import { articleUrl, atomFeed, sitemap } from './feed.js';
import { isSitePath } from './render.js';
import { sendAnswer, type AnswerKey, type CachedAnswer } from './page-cache.js';
import type { Article, ArticleRepository } from './repository.js';
import { publicListQuery, slugParam } from './validation.js';

export interface PublicRouteDeps {
  views: Views;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  /** Config `publicOrigin`: absolute links in meta tags, the feed and the sitemap. */
  origin: string;
  pageSize: number;
}

export const PUBLIC_CACHE_CONTROL = 'public, max-age=300';
const FEED_SIZE = 50;
const SITEMAP_SIZE = 5000;
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const answerOf = (text: string, type: string): CachedAnswer => {
  const body = Buffer.from(text);
  return { body, type, etag: createHash('sha256').update(body).digest('base64url').slice(0, 27) };
};

/** Sends the answer with the shared cache headers and, unless told not to, hands it to the page cache to keep. */
function send(ctx: Context, answer: CachedAnswer, keep = true): void {
  ctx.set('Cache-Control', PUBLIC_CACHE_CONTROL);
  if (keep) (ctx.state as { publicAnswer?: CachedAnswer }).publicAnswer = answer;
  sendAnswer(ctx, answer);
}

/**
 * Whether a list answer is kept: only one that lists articles, or the bare first page. The tag
 * and page are the visitor's to choose; an empty page kept for each would push out the pages
 * people read.
 */
const keepList = (q: { page: number; tag?: string | undefined }, shown: number): boolean => shown > 0 || (q.page === 1 && !q.tag);

const SLUG_PATH = /^\/(api\/)?articles\/([^/]+)$/;
const LIST_PATHS: Readonly<Record<string, string>> = { '/articles': 'list', '/api/articles': 'api-list' };

/**
 * The page cache's key of a public answer: what the answer depends on, never the raw query
 * (WeChat appends ?from=… to shared links). Search answers and malformed requests are not kept.
 */
export const publicAnswerKey: AnswerKey = (path, query) => {
  if (path === '/articles/feed.atom') return 'feed';
  if (path === '/sitemap.xml') return 'sitemap';
  const list = LIST_PATHS[path];
  if (list) {
    const q = publicListQuery.safeParse(query());
    return q.success && !q.data.q ? `${list}:${q.data.page}:${q.data.tag ?? ''}` : undefined;
  }
  const m = SLUG_PATH.exec(path);
  if (!m || m[2] === 'images') return undefined;
  return `${m[1] ? 'api' : 'page'}:${m[2]!}`;
};

function listHref(page: number, tag: string | undefined, words?: string): string {
  const q = new URLSearchParams();
  if (words) q.set('q', words);
  if (tag) q.set('tag', tag);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/articles?${s}` : '/articles';
}

/** The absolute address of a cover, a path of this site; one of another site (saved before they were refused) is left out. */
function absolute(origin: string, url: string | null): string | null {
  return url && isSitePath(url) ? `${origin}${url}` : null;
}

/** The public JSON of an article (no body source, no staff ids). */
export function publicArticle(a: Article, origin: string) {
  return {
    slug: a.slug, title: a.title, summary: a.summary, cover: absolute(origin, a.coverUrl), tags: a.tags, author: a.author,
    publishedAt: a.publishedAt, updatedAt: a.updatedAt, url: articleUrl(origin, a.slug),
  };
}

const slugOf = (ctx: Context): string | undefined => {
  const raw = (ctx.params as Record<string, string>).slug ?? '';
  return slugParam.safeParse(raw).success ? raw : undefined;
};

export function articlesPublicRouter(deps: PublicRouteDeps): Router {
  const router = new Router();
  const { repo, cache, origin } = deps;

  /** Errors on these routes render the HTML error page. */
  const htmlPage = async (ctx: Context, next: () => Promise<unknown>) => {
    ctx.state.htmlPage = true;
    await next();
  };

  const html = (ctx: Context, template: string, data: Record<string, unknown>, keep = true) =>
    send(ctx, answerOf(deps.views.render(template, data), HTML), keep);

  const missing = (ctx: Context) => {
    ctx.type = HTML;
    ctx.body = deps.views.render('articles-missing.njk', { title: '没有找到这篇文章' });
    ctx.status = 404;
  };

  /** A page of the list: the search results when there are words (the tag is then ignored), else by date. */
  const listPage = async (q: { page: number; tag?: string | undefined; q?: string | undefined }) => {
    if (!q.q) {
      const list = await repo.listPublished({ page: q.page, pageSize: deps.pageSize, tag: q.tag });
      return { ...list, items: list.items.map((article) => ({ article, snippet: undefined as string | undefined })) };
    }
    const found = await repo.searchArticles(q.q, { limit: deps.pageSize, offset: (q.page - 1) * deps.pageSize });
    return { items: found.items, total: found.total, page: q.page, pages: Math.max(1, Math.ceil(found.total / deps.pageSize)) };
  };

  router.get('/articles', htmlPage, async (ctx) => {
    const q = parseInput(publicListQuery, ctx.query);
    const tag = q.q ? undefined : q.tag;
    const list = await listPage(q);
    html(ctx, 'articles-list.njk', {
      title: q.q ? `搜索“${q.q}” · 文章` : tag ? `${tag} · 文章` : '文章',
      description: '平安三明发布的文章：防范诈骗、反映问题、平安建设。',
      canonical: `${origin}${listHref(q.page, tag, q.q)}`,
      tag,
      q: q.q,
      total: list.total,
      items: list.items.map(({ article: a, snippet }) => ({
        ...publicArticle(a, origin), snippet, href: `/articles/${a.slug}`, tagLinks: a.tags.map((t) => ({ label: t, href: listHref(1, t) })),
      })),
      page: list.page,
      pages: list.pages,
      prevHref: list.page > 1 ? listHref(list.page - 1, tag, q.q) : null,
      nextHref: list.page < list.pages ? listHref(list.page + 1, tag, q.q) : null,
    }, keepList({ page: q.page, tag }, list.items.length));
  });

  // Before /articles/:slug: neither name is a valid slug, but the order keeps that obvious.
  router.get('/articles/feed.atom', async (ctx) => {
    const articles = await repo.allPublished(FEED_SIZE);
    const entries = await Promise.all(articles.map(async (a) => ({ article: a, html: await cache.html(a) })));
    send(ctx, answerOf(atomFeed(origin, entries, new Date()), 'application/atom+xml; charset=utf-8'));
  });

  router.get('/sitemap.xml', async (ctx) => {
    send(ctx, answerOf(sitemap(origin, await repo.allPublished(SITEMAP_SIZE)), 'application/xml; charset=utf-8'));
  });

  router.get('/articles/:slug', htmlPage, async (ctx) => {
    const slug = slugOf(ctx);
    const article = slug ? await repo.publishedBySlug(slug) : undefined;
    if (!article) {
      missing(ctx);
      return;
    }
    const a = publicArticle(article, origin);
    html(ctx, 'articles-show.njk', {
      title: article.title,
      description: article.summary,
      canonical: a.url,
      ogType: 'article',
      ogImage: a.cover,
      article: { ...a, tagLinks: article.tags.map((t) => ({ label: t, href: listHref(1, t) })) },
      // The renderer's output is the one markup a template receives: its own rules make it safe
      // (render.ts: no raw HTML, only safe links and images), so it is not escaped again.
      body: new nunjucks.runtime.SafeString(await cache.html(article)),
    });
  });

  router.get('/api/articles', async (ctx) => {
    const q = parseInput(publicListQuery, ctx.query);
    const list = await listPage(q);
    const items = list.items.map(({ article, snippet }) => ({ ...publicArticle(article, origin), ...(snippet !== undefined ? { snippet } : {}) }));
    send(ctx, answerOf(JSON.stringify({ items, total: list.total, page: list.page, pages: list.pages, ...(q.q ? { q: q.q } : {}) }), JSON_TYPE), keepList(q, items.length));
  });

  router.get('/api/articles/:slug', async (ctx) => {
    const slug = slugOf(ctx);
    const article = slug ? await repo.publishedBySlug(slug) : undefined;
    if (!article) throw notFound('ARTICLE_NOT_FOUND', '没有找到这篇文章');
    send(ctx, answerOf(JSON.stringify({ article: { ...publicArticle(article, origin), html: await cache.html(article) } }), JSON_TYPE));
  });

  return router;
}
