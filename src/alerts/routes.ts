// The staff JSON API for alerts: /api/staff/alerts… on the sessions and rights of the articles
// API (editors write, a publisher publishes), and the pushes of published alerts (progress,
// pause, resume, cancel). Routes parse input (zod, strict), call the service and shape output.
// Behind the staff session and the app's CSRF guard (JSON from the public origin).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ArticleHtmlCache } from '../articles/cache.js';
import type { ArticleRuleOptions } from '../articles/rules.js';
import type { ArticleActor } from '../articles/types.js';
import { jsonBody } from '../http/body.js';
import { currentStaff, requireStaff } from '../staff/auth.js';
import type { SessionStore } from '../staff/sessions.js';
import { parseInput } from '../tips/validation.js';
import { regionLabel, type AlertNames } from './present.js';
import type { PushDesk, PushSteer } from './push-desk.js';
import { SCAM_REVIEW_ACTIONS, type ScamReports } from './reports/service.js';
import { reviewInput } from './reports/validation.js';
import { alertActions, type AlertService } from './service.js';
import { isCurrent, SEVERITY_LABELS, type Alert, type CountyName } from './types.js';
import { alertContentSchema, candidatesQuery, contentOf, emptySchema, idParam, publishSchema, staffListQuery } from './validation.js';

export interface AlertRouteDeps {
  sessions: SessionStore;
  service: AlertService;
  reports: ScamReports;
  cache: ArticleHtmlCache;
  options: ArticleRuleOptions;
  names: AlertNames;
  counties: readonly CountyName[];
  now: () => Date;
  /** The pushes of published alerts; absent, publishing pushes nothing and there is no push to show. */
  desk?: PushDesk | undefined;
}

const actorOf = (ctx: Context): ArticleActor => {
  const s = currentStaff(ctx);
  return { id: s.id, role: s.role };
};
const id = (ctx: Context) => parseInput(idParam, (ctx.params as Record<string, string>).id);
const jobId = (ctx: Context) => parseInput(idParam, (ctx.params as Record<string, string>).jobId);

export const KIND_LABELS = { phone: '电话', url: '网址', account: '账号' } as const;

/**
 * An alert for staff: its fields with their names, the HTML the public sees, and what this staff
 * member may do now (`writers`: who wrote its text under review; without them only the creator counts).
 */
export async function staffAlertView(alert: Alert, actor: ArticleActor, deps: Pick<AlertRouteDeps, 'options' | 'cache' | 'names'>, now: Date, writers?: readonly number[]) {
  return {
    ...alert,
    fraudTypeName: deps.names.fraudType(alert.fraudType),
    severityLabel: SEVERITY_LABELS[alert.severity],
    region: regionLabel(alert.counties, deps.names),
    current: isCurrent(alert, now),
    html: await deps.cache.html(alert),
    allowedActions: alertActions(actor, { ...alert, writers }, deps.options),
  };
}

export function alertsStaffRouter(deps: AlertRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff/alerts' });
  const auth = requireStaff(deps.sessions);
  const json = jsonBody(256 * 1024);
  const schema = alertContentSchema(deps.counties);
  const s = deps.service;
  // One alert's buttons match what the service allows: with the writers of its text under review.
  const view = async (ctx: Context, alert: Alert) => staffAlertView(alert, actorOf(ctx), deps, deps.now(), (await s.publisherFacts(alert)).writers);

  router.get('/', auth, async (ctx) => {
    const actor = actorOf(ctx);
    const q = parseInput(staffListQuery, ctx.query);
    const items = await s.list(actor, { state: q.state, limit: q.limit });
    // The list judges by the creator only (no query per row); the service asks again with the writers.
    ctx.body = { items: items.map(({ body: _body, ...rest }) => ({ ...rest, region: regionLabel(rest.counties, deps.names), allowedActions: alertActions(actor, { ...rest, body: '' }, deps.options) })) };
  });

  router.post('/', auth, json, async (ctx) => {
    const input = contentOf(parseInput(schema, ctx.request.body));
    const alert = await s.create(actorOf(ctx), input);
    ctx.status = 201;
    ctx.body = { alert: await view(ctx, alert) };
  });

  // Before /:id, which would read the word as an id. The candidates to review, and what staff
  // confirmed (the latest first), each as long as `limit`.
  router.get('/candidates', auth, async (ctx) => {
    const actor = actorOf(ctx);
    s.assertReader(actor);
    const q = parseInput(candidatesQuery, ctx.query);
    const [items, confirmed] = await Promise.all([deps.reports.candidates(q.limit), deps.reports.confirmed(q.limit)]);
    ctx.body = {
      items: items.map((c) => ({ ...c, kindLabel: KIND_LABELS[c.kind] })),
      confirmed: confirmed.map((c) => ({ ...c, kindLabel: KIND_LABELS[c.kind] })),
      mayReview: deps.reports.mayReview(actor),
    };
  });

  // 确认是诈骗 / 不是诈骗: the identifier in the body (never in a URL, which access logs keep).
  for (const action of SCAM_REVIEW_ACTIONS) {
    router.post(`/candidates/${action}`, auth, json, async (ctx) => {
      const actor = actorOf(ctx);
      s.assertReader(actor);
      const { kind, identifier } = parseInput(reviewInput, ctx.request.body ?? {});
      const decision = await deps.reports.review(actor, kind, identifier, action);
      ctx.body = { decision: { ...decision, kindLabel: KIND_LABELS[decision.kind] } };
    });
  }

  router.get('/:id', auth, async (ctx) => {
    const { alert, revisions, events } = await s.get(actorOf(ctx), id(ctx));
    ctx.body = { alert: await view(ctx, alert), revisions: revisions.map(({ body: _b, ...r }) => r), events };
  });

  router.put('/:id', auth, json, async (ctx) => {
    const parsed = parseInput(schema, ctx.request.body);
    const alert = await s.update(actorOf(ctx), id(ctx), contentOf(parsed), parsed.baseRevision);
    ctx.body = { alert: await view(ctx, alert) };
  });

  const action = (name: 'submit' | 'unpublish') => router.post(`/:id/${name}`, auth, json, async (ctx) => {
    parseInput(emptySchema, ctx.request.body ?? {});
    ctx.body = { alert: await view(ctx, await s[name](actorOf(ctx), id(ctx))) };
  });
  action('submit');
  action('unpublish');

  // The body names the channels of the push that follows (default: customer-service messages).
  router.post('/:id/publish', auth, json, async (ctx) => {
    const { channels } = parseInput(publishSchema, ctx.request.body ?? {});
    ctx.body = { alert: await view(ctx, await s.publish(actorOf(ctx), id(ctx), { channels })) };
  });

  const desk = deps.desk;
  if (desk) {
    router.get('/:id/pushes', auth, async (ctx) => {
      const { alert } = await s.get(actorOf(ctx), id(ctx));
      ctx.body = { items: await desk.pushes(alert.id) };
    });

    const steer = (name: PushSteer) => router.post(`/pushes/:jobId/${name}`, auth, json, async (ctx) => {
      parseInput(emptySchema, ctx.request.body ?? {});
      const actor = actorOf(ctx);
      // Rights first: whoever may not read alerts learns nothing of the push, not even that it exists.
      s.assertReader(actor);
      const job = jobId(ctx);
      const { alert } = await s.get(actor, await desk.alertOf(job));
      s.assertCanSteerPush(actor, alert);
      ctx.body = { push: await desk.steer(job, name) };
    });
    steer('pause');
    steer('resume');
    steer('cancel');
  }

  return router;
}
