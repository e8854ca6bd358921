// What citizens read without signing in: the alert pages and their JSON. Only published alerts
// exist here (anything else is 404). The current ones (valid-until ahead) come first, the graver
// first; expired ones follow, marked 已过期, a page at a time. Every answer is the same for every
// visitor (no cookie, no CSRF token), so it carries a strong ETag of its bytes, answers 304 to a
// matching If-None-Match, and may be kept by browsers and proxies for 5 minutes, like the article
// pages (whose layout and stylesheet these pages use).
import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import type { ArticleHtmlCache } from '../articles/cache.js';
import { PUBLIC_CACHE_CONTROL } from '../articles/public-routes.js';
import { notFound } from '../platform/errors.js';
import { parseInput } from '../tips/validation.js';
import type { Views } from '../web/index.js';
import { alertListPath, alertPath, publicAlert, type AlertNames } from './present.js';
import type { AlertRepository } from './repository.js';
import type { Alert } from './types.js';
import { idParam, publicListQuery } from './validation.js';

export interface AlertPageDeps {
  views: Views;
  repo: AlertRepository;
  cache: ArticleHtmlCache;
  names: AlertNames;
  /** Config `publicOrigin`: absolute links in meta tags and the JSON. */
  origin: string;
  /** Expired alerts per page. */
  pageSize: number;
  now: () => Date;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Sends the body with the public cache headers, or 304 when the client holds the same bytes. */
function send(ctx: Context, text: string, type: string): void {
  const body = Buffer.from(text);
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

/** The id of /alerts/:id, or undefined for anything that is not one (a 404 like any unknown alert). */
const idOf = (ctx: Context): number | undefined => {
  const raw = (ctx.params as Record<string, string>).id ?? '';
  const parsed = idParam.safeParse(raw);
  return parsed.success && /^[1-9]\d*$/.test(raw) ? parsed.data : undefined;
};

export function alertsPublicRouter(deps: AlertPageDeps): Router {
  const router = new Router();
  const { repo, names, origin } = deps;
  const listQuery = publicListQuery(names.counties);

  /** Errors on these routes render the HTML error page. */
  const htmlPage = async (ctx: Context, next: () => Promise<unknown>) => {
    ctx.state.htmlPage = true;
    await next();
  };

  const item = (a: Alert, now: Date) => ({ ...publicAlert(a, names, origin, now), href: alertPath(a.id) });

  /** Page 1 holds every current alert and the first expired ones; later pages only expired ones. */
  const listOf = async (q: { county?: string | undefined; page: number }, now: Date) => {
    const current = q.page === 1 ? await repo.current({ now, county: q.county }) : [];
    const expired = await repo.expired({ now, county: q.county, limit: deps.pageSize, offset: (q.page - 1) * deps.pageSize });
    return { current, expired: expired.items, expiredTotal: expired.total, page: q.page, pages: Math.max(1, Math.ceil(expired.total / deps.pageSize)) };
  };

  router.get('/alerts', htmlPage, async (ctx) => {
    const q = parseInput(listQuery, ctx.query);
    const now = deps.now();
    const list = await listOf(q, now);
    const countyName = q.county ? names.county(q.county) : undefined;
    const heading = countyName ? `${countyName}防骗预警` : '防骗预警';
    send(ctx, deps.views.render('alerts-list.njk', {
      title: heading,
      heading,
      description: '三明市最新的防骗预警：骗子正在用的手法，看到了请提醒家人。',
      canonical: `${origin}${alertListPath(q.county, q.page)}`,
      countyName,
      countyLinks: [
        { label: '全市', href: alertListPath(), active: !q.county },
        ...names.counties.map((c) => ({ label: c.name, href: alertListPath(c.code), active: c.code === q.county })),
      ],
      current: list.current.map((a) => item(a, now)),
      expired: list.expired.map((a) => item(a, now)),
      page: list.page,
      pages: list.pages,
      prevHref: list.page > 1 ? alertListPath(q.county, list.page - 1) : null,
      nextHref: list.page < list.pages ? alertListPath(q.county, list.page + 1) : null,
    }), HTML);
  });

  // Keyed by id alone: the query (WeChat adds ?from=… to shared links) does not change the page.
  router.get('/alerts/:id', htmlPage, async (ctx) => {
    const id = idOf(ctx);
    const alert = id === undefined ? undefined : await repo.publishedById(id);
    if (!alert) {
      ctx.type = HTML;
      ctx.body = deps.views.render('alerts-missing.njk', { title: '没有找到这条预警' });
      ctx.status = 404;
      return;
    }
    const now = deps.now();
    const a = item(alert, now);
    send(ctx, deps.views.render('alerts-show.njk', {
      title: alert.title,
      description: alert.summary,
      canonical: a.url,
      ogType: 'article',
      alert: a,
      // The renderer's output is the one markup a template receives: its own rules make it safe
      // (src/articles/render.ts: no raw HTML, only safe links and images), so it is not escaped again.
      body: new nunjucks.runtime.SafeString(await deps.cache.html(alert)),
      listHref: alertListPath(),
    }), HTML);
  });

  router.get('/api/alerts', async (ctx) => {
    const q = parseInput(listQuery, ctx.query);
    const now = deps.now();
    const list = await listOf(q, now);
    send(ctx, JSON.stringify({
      county: q.county ?? null,
      current: list.current.map((a) => publicAlert(a, names, origin, now)),
      expired: list.expired.map((a) => publicAlert(a, names, origin, now)),
      expiredTotal: list.expiredTotal,
      page: list.page,
      pages: list.pages,
    }), JSON_TYPE);
  });

  router.get('/api/alerts/:id', async (ctx) => {
    const id = idOf(ctx);
    const alert = id === undefined ? undefined : await repo.publishedById(id);
    if (!alert) throw notFound('ALERT_NOT_FOUND', '没有找到这条预警');
    send(ctx, JSON.stringify({ alert: { ...publicAlert(alert, names, origin, deps.now()), html: await deps.cache.html(alert) } }), JSON_TYPE);
  });

  return router;
}
