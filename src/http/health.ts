import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Database } from '../db/index.js';
import type { Metrics } from '../platform/metrics.js';
import { unauthorized } from '../platform/errors.js';

export interface HealthDeps {
  db: Database;
  metrics: Metrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; empty, /metrics is not served (404). */
  metricsToken: string;
}

const BEARER = /^Bearer +(\S+) *$/i;
const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when the Authorization header carries the token. Both sides are hashed first, so
 * timingSafeEqual compares equal-length buffers and the time says nothing of the token's length.
 */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const presented = header ? BEARER.exec(header)?.[1] : undefined;
  if (presented === undefined) return false;
  return timingSafeEqual(sha256(presented), expected);
}

export function healthRouter(deps: HealthDeps): Router {
  const router = new Router();
  // Public: load balancers and orchestrators probe it without credentials.
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
  // Metrics name routes, counts and timings an outsider should not read: bearer token only, and
  // with no token configured the route does not exist (no open /metrics by omission).
  if (deps.metricsToken !== '') {
    const expected = sha256(deps.metricsToken);
    router.get('/metrics', async (ctx) => {
      if (!bearerMatches(ctx.get('authorization') || undefined, expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw unauthorized('METRICS_UNAUTHENTICATED', '需要指标令牌：Authorization: Bearer <METRICS_TOKEN>');
      }
      ctx.type = deps.metrics.registry.contentType;
      ctx.body = await deps.metrics.registry.metrics();
    });
  }
  return router;
}
