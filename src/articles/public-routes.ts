// What citizens read, without signing in: the article pages, their JSON, the Atom feed and the
// sitemap. Only published articles exist here (anything else is 404). Every answer is the same
// for everyone (no cookie is set, no CSRF token is rendered), so it carries an ETag, answers 304
// to a matching If-None-Match, and may be kept by browsers and proxies for 5 minutes.
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { notFound } from '../platform/errors.js';
import { parseInput } from '../tips/validation.js';
import type { Views } from '../web/index.js';
import type { ArticleHtmlCache } from './cache.js';
import { articleUrl, atomFeed, sitemap } from './feed.js';
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

/** Sends `body` with the shared cache headers, or 304 when the client holds the same bytes. */
function sendCacheable(ctx: Context, body: string, type: string): void {
  ctx.set('Cache-Control', PUBLIC_CACHE_CONTROL);
  ctx.type = type;
  ctx.etag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  ctx.status = 200; // ctx.fresh reads only 2xx answers
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = body;
}

function listHref(page: number, tag: string | undefined, words?: string): string {
  const q = new URLSearchParams();
  if (words) q.set('q', words);
  if (tag) q.set('tag', tag);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/articles?${s}` : '/articles';
}

/** An absolute address for a cover (covers may be paths of this site). */
function absolute(origin: string, url: string | null): string | null {
  if (!url) return null;
  return url.startsWith('/') && !url.startsWith('//') ? `${origin}${url}` : url;
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

  const page = (ctx: Context, template: string, data: Record<string, unknown>) => {
    ctx.state.htmlPage = true;
    sendCacheable(ctx, deps.views.render(template, data), 'text/html; charset=utf-8');
  };

  const missing = (ctx: Context) => {
    ctx.state.htmlPage = true;
    ctx.type = 'text/html; charset=utf-8';
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

  router.get('/articles', async (ctx) => {
    ctx.state.htmlPage = true;
    const q = parseInput(publicListQuery, ctx.query);
    const tag = q.q ? undefined : q.tag;
    const list = await listPage(q);
    page(ctx, 'articles-list.njk', {
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
    });
  });

  // Before /articles/:slug: neither name is a valid slug, but the order keeps that obvious.
  router.get('/articles/feed.atom', async (ctx) => {
    const articles = await repo.allPublished(FEED_SIZE);
    sendCacheable(ctx, atomFeed(origin, articles.map((a) => ({ article: a, html: cache.html(a) })), new Date()), 'application/atom+xml; charset=utf-8');
  });

  router.get('/sitemap.xml', async (ctx) => {
    sendCacheable(ctx, sitemap(origin, await repo.allPublished(SITEMAP_SIZE)), 'application/xml; charset=utf-8');
  });

  router.get('/articles/:slug', async (ctx) => {
    const slug = slugOf(ctx);
    const article = slug ? await repo.publishedBySlug(slug) : undefined;
    if (!article) {
      missing(ctx);
      return;
    }
    const a = publicArticle(article, origin);
    page(ctx, 'articles-show.njk', {
      title: article.title,
      description: article.summary,
      canonical: a.url,
      ogType: 'article',
      ogImage: a.cover,
      article: { ...a, tagLinks: article.tags.map((t) => ({ label: t, href: listHref(1, t) })) },
      // The renderer's output is the one markup a template receives: its own rules make it safe
      // (render.ts: no raw HTML, only safe links and images), so it is not escaped again.
      body: new nunjucks.runtime.SafeString(cache.html(article)),
    });
  });

  router.get('/api/articles', async (ctx) => {
    const q = parseInput(publicListQuery, ctx.query);
    const list = await listPage(q);
    const items = list.items.map(({ article, snippet }) => ({ ...publicArticle(article, origin), ...(snippet !== undefined ? { snippet } : {}) }));
    sendCacheable(ctx, JSON.stringify({ items, total: list.total, page: list.page, pages: list.pages, ...(q.q ? { q: q.q } : {}) }), 'application/json; charset=utf-8');
  });

  router.get('/api/articles/:slug', async (ctx) => {
    const slug = slugOf(ctx);
    const article = slug ? await repo.publishedBySlug(slug) : undefined;
    if (!article) throw notFound('ARTICLE_NOT_FOUND', '没有找到这篇文章');
    sendCacheable(ctx, JSON.stringify({ article: { ...publicArticle(article, origin), html: cache.html(article) } }), 'application/json; charset=utf-8');
  });

  return router;
}
