import Router from '@koa/router';
import type { Database } from '../db/index.js';
import type { Metrics } from '../platform/metrics.js';

export function healthRouter(deps: { db: Database; metrics: Metrics }): Router {
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    try {
      await deps.db.ping();
      ctx.body = { status: 'ok', database: 'ok' };
    } catch (err) {
      ctx.state.log.error({ err }, 'health check: database unreachable');
      ctx.status = 503;
      ctx.body = { status: 'error', database: 'unreachable' };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}
