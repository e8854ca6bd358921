import type { RequestListener } from 'node:http';
import Koa, { type Middleware } from 'koa';
import type Router from '@koa/router';
import type { Logger } from './platform/logger.js';
import type { Metrics } from './platform/metrics.js';
import { answeredAs, requestContext, httpMetrics, errorBoundary, noStoreUnder, type HtmlErrorPage } from './http/middleware.js';
import { clientAddress } from './http/client-address.js';
import { csrfGuard } from './http/csrf.js';
import { pageHeaders } from './web/security.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** Routers in mount order: the WeChat webhook, health, the staff API. */
  routers: Router[];
  /** Trusted proxies (config `trustProxy`): only their X-Forwarded-For gives the client address. */
  trustProxy?: readonly string[];
  /** Config `publicOrigin`: state-changing requests must come from it (csrfGuard; absent: none does). */
  publicOrigin?: string;
  /** Paths the CSRF guard leaves alone: signed server-to-server endpoints (the WeChat webhook). */
  csrfExempt?: readonly string[];
  /** The web base's hashed assets and HTML error page, when the app serves pages. */
  web?: { assets: Middleware; errorPage: HtmlErrorPage; formPrefixes: readonly string[] };
  /**
   * Answers kept whole (the public article pages' cache): in front of everything, as a caching
   * proxy would be; what it does not hold goes through the app as usual.
   */
  pageCache?: Middleware;
}

export interface App {
  koa: Koa;
  /** The request listener for http.createServer and supertest. */
  callback(): RequestListener;
}

/** Where every staff API router is mounted: its answers are for one signed-in member only. */
const STAFF_API_PREFIX = '/api/staff';

/** Builds the app from its dependencies. Reads no environment and opens no port. */
export function createApp(deps: AppDeps): App {
  // Koa's `proxy` alone believes any client's X-Forwarded-*: it is on only with trusted proxies,
  // and clientAddress drops those headers from every other peer.
  const trustProxy = deps.trustProxy ?? [];
  const koa = new Koa({ proxy: trustProxy.length > 0 });
  // Errors are logged by the boundary with the request id; Koa's own printer would duplicate them.
  koa.silent = true;
  if (deps.pageCache) koa.use(deps.pageCache);
  koa.use(clientAddress(trustProxy));
  koa.use(requestContext(deps.logger));
  koa.use(httpMetrics(deps.metrics, deps.logger));
  // Around the boundary, so its refusals carry the header too.
  koa.use(noStoreUnder(STAFF_API_PREFIX));
  koa.use(errorBoundary(deps.web?.errorPage));
  if (deps.web) {
    koa.use(pageHeaders());
    koa.use(answeredAs('assets', deps.web.assets));
  }
  koa.use(csrfGuard(deps.publicOrigin, deps.csrfExempt, deps.web?.formPrefixes));
  for (const router of deps.routers) {
    koa.use(router.routes());
    koa.use(router.allowedMethods());
  }
  return {
    koa,
    callback: () => koa.callback(),
  };
}
