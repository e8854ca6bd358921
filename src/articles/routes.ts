// The staff JSON API for articles: /api/staff/articles… Routes parse input (zod, strict), call
// the service and shape output; the rules decide who may do what. Behind the staff session and
// the app's CSRF guard (JSON bodies from the public origin).
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../http/body.js';
import { currentStaff, requireStaff } from '../staff/auth.js';
import type { SessionStore } from '../staff/sessions.js';
import { parseInput } from '../tips/validation.js';
import type { ArticleHtmlCache } from './cache.js';
import type { Article, ArticleRepository } from './repository.js';
import { allowedActions, assertCanArticle, type ArticleRuleOptions } from './rules.js';
import type { ArticleService } from './service.js';
import type { ArticleActor } from './types.js';
import { articleContentSchema, emptySchema, idParam, newArticleSchema, scheduleSchema, staffListQuery } from './validation.js';

export interface ArticleRouteDeps {
  sessions: SessionStore;
  service: ArticleService;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  options: ArticleRuleOptions;
}

const actorOf = (ctx: Context): ArticleActor => {
  const s = currentStaff(ctx);
  return { id: s.id, role: s.role };
};
const id = (ctx: Context) => parseInput(idParam, (ctx.params as Record<string, string>).id);

/**
 * An article for staff: its fields, the HTML the public sees, and what this staff member may do
 * now (`writers`: who wrote its text under review, see ArticleFacts; without them only the creator counts).
 */
export async function staffArticleView(article: Article, actor: ArticleActor, opts: ArticleRuleOptions, cache: ArticleHtmlCache, writers?: readonly number[]) {
  const { body, ...rest } = article;
  return { ...rest, body, html: await cache.html(article), allowedActions: allowedActions(actor, { ...article, writers }, opts) };
}

export function articlesStaffRouter(deps: ArticleRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff/articles' });
  const auth = requireStaff(deps.sessions);
  const json = jsonBody(512 * 1024);
  const s = deps.service;
  // One article's buttons match what the service allows: with the writers of its text under review.
  const view = async (ctx: Context, article: Article) => staffArticleView(
    article, actorOf(ctx), deps.options, deps.cache, (await s.publisherFacts(article)).writers);

  router.get('/', auth, async (ctx) => {
    const actor = actorOf(ctx);
    assertCanArticle(actor, 'article.read', undefined, deps.options);
    const q = parseInput(staffListQuery, ctx.query);
    const items = await deps.repo.listAll({ state: q.state, limit: q.limit });
    // The list judges by the creator only (no query per row); the service asks again with the writers.
    ctx.body = { items: items.map(({ body: _body, ...rest }) => ({ ...rest, allowedActions: allowedActions(actor, rest, deps.options) })) };
  });

  router.post('/', auth, json, async (ctx) => {
    const { cover, baseRevision: _ignored, ...input } = parseInput(newArticleSchema, ctx.request.body);
    const article = await s.create(actorOf(ctx), { ...input, coverUrl: cover ?? null });
    ctx.status = 201;
    ctx.body = { article: await view(ctx, article) };
  });

  router.get('/:id', auth, async (ctx) => {
    const { article, revisions, events } = await s.get(actorOf(ctx), id(ctx));
    ctx.body = { article: await view(ctx, article), revisions: revisions.map(({ body: _b, ...r }) => r), events };
  });

  router.put('/:id', auth, json, async (ctx) => {
    const { cover, baseRevision, ...input } = parseInput(articleContentSchema, ctx.request.body);
    const article = await s.update(actorOf(ctx), id(ctx), { ...input, coverUrl: cover ?? null }, baseRevision);
    ctx.body = { article: await view(ctx, article) };
  });

  const action = (name: 'submit' | 'publish' | 'unpublish') => router.post(`/:id/${name}`, auth, json, async (ctx) => {
    parseInput(emptySchema, ctx.request.body ?? {});
    ctx.body = { article: await view(ctx, await s[name](actorOf(ctx), id(ctx))) };
  });
  action('submit');
  action('publish');
  action('unpublish');

  router.post('/:id/schedule', auth, json, async (ctx) => {
    const { at } = parseInput(scheduleSchema, ctx.request.body);
    ctx.body = { article: await view(ctx, await s.schedule(actorOf(ctx), id(ctx), at ? new Date(at) : null)) };
  });

  return router;
}
