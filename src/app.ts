import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from './platform/logger.js';
import type { Metrics } from './platform/metrics.js';
import { requestContext, httpMetrics, errorBoundary } from './http/middleware.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** Routers in mount order: health, the WeChat webhook, the staff API. */
  routers: Router[];
}

/** Builds the Koa app from its dependencies. Reads no environment and opens no port. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Errors are logged by the boundary with the request id; Koa's own printer would duplicate them.
  app.silent = true;
  app.use(requestContext(deps.logger));
  app.use(httpMetrics(deps.metrics, deps.logger));
  app.use(errorBoundary());
  for (const router of deps.routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
