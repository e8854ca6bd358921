import { randomUUID } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { accessLine, type Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { AppError, isCoded } from '../platform/errors.js';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/** The caller's X-Request-Id when it is sane, else a fresh one. */
function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Request id (from X-Request-Id when sane) and a child logger carrying it. */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const id = requestIdFrom(ctx.get('x-request-id'));
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ reqId: id });
    ctx.set('X-Request-Id', id);
    await next();
  };
}

/** Where @koa/router puts the pattern of the route that answered (and csrf.ts its refusal's name). */
type RoutedContext = Context & { _matchedRoute?: string };

/**
 * The route label of an answer no route pattern made: a 404, and what the routers'
 * allowedMethods answer themselves (OPTIONS, 405, 501) for any path at all.
 */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Runs `middleware` and labels the answers it gives without passing the request on with `route`,
 * a fixed name (e.g. the hashed assets): such an answer has no route pattern, and the path is
 * never a label.
 */
export function answeredAs(route: string, middleware: Middleware): Middleware {
  return async (ctx, next) => {
    let passedOn = false;
    await middleware(ctx, async () => {
      passedOn = true;
      await next();
    });
    if (!passedOn) (ctx as RoutedContext)._matchedRoute = route;
  };
}

/**
 * Counts, times and logs every request by its matched route (never the raw URL: it is an
 * unbounded label and its query can carry an openid). The access line has fixed fields only.
 */
export function httpMetrics(metrics: Metrics, logger: Logger) {
  const access = accessLine(logger);
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as RoutedContext)._matchedRoute ?? UNMATCHED_ROUTE;
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route }, seconds);
      access({ reqId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, ms: Math.round(seconds * 1e4) / 10 });
    }
  };
}

/**
 * `Cache-Control: no-store` on every answer under `prefix`, refusals included, set after the
 * routes so none can lose it: no browser or proxy keeps what a signed-in member was shown (a
 * reporter's identity, once revealed). Matched as the routers match, in any case, and by the
 * pattern of the route that answered as well as by the path.
 */
export function noStoreUnder(prefix: string) {
  const base = prefix.toLowerCase();
  const under = (path: string | undefined) => {
    const p = path?.toLowerCase();
    return p !== undefined && (p === base || p.startsWith(`${base}/`));
  };
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } finally {
      if (under(ctx.path) || under((ctx as RoutedContext)._matchedRoute)) ctx.set('Cache-Control', 'no-store');
    }
  };
}

/**
 * The one error boundary. Clients get `{ error: { code, message, fields? } }`; a stack trace
 * or database message never leaves the process. (The WeChat webhook turns a 5xx of its own into
 * 'success' before it gets here: WeChat must never see one.)
 */
export function errorBoundary(htmlPage?: HtmlErrorPage) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      // No route answered: the same error format as every other refusal.
      if (ctx.status === 404 && ctx.body == null) throw new AppError('NOT_FOUND', 404, '没有找到该页面或接口');
    } catch (err) {
      const appErr = logFailure(ctx.state.log, err);
      ctx.status = appErr.status;
      if (htmlPage && wantsHtml(ctx)) htmlPage(ctx, appErr);
      else ctx.body = errorBody(appErr);
    }
  };
}

/** Renders an error as an HTML page (the web base's error page). */
export type HtmlErrorPage = (ctx: Context, err: AppError) => void;

/** Pages get an HTML error page; the API, the webhook and scripts get JSON. */
function wantsHtml(ctx: Context): boolean {
  if (ctx.state.htmlPage === true) return true;
  if (ctx.path.startsWith('/api/') || ctx.path === '/api') return false;
  return ctx.accepts('json', 'html') === 'html';
}

/** Maps any thrown value to an AppError and logs it: 5xx at error with the cause, the rest at info. */
export function logFailure(log: Logger, err: unknown): AppError {
  const appErr = toAppError(err);
  if (appErr.status >= 500) log.error({ err, code: appErr.code }, 'request failed');
  else log.info({ code: appErr.code, status: appErr.status }, 'request refused');
  return appErr;
}

/** What a client sees of an error: the stable code, and the message only when it is safe. */
export function errorBody(appErr: AppError): { error: { code: string; message: string; fields?: AppError['fields'] } } {
  return {
    error: {
      code: appErr.code,
      message: appErr.expose ? appErr.message : '服务器内部错误，请稍后再试',
      ...(appErr.fields ? { fields: appErr.fields } : {}),
    },
  };
}

const CODE_STATUS: Record<string, number> = { FORBIDDEN: 403, NOT_FOUND: 404, UNAUTHENTICATED: 401 };

/** System and driver codes (ECONNRESET, ER_DUP_ENTRY, SQLITE_BUSY) are never shown to clients. */
const INTERNAL_CODE = /^(ER_|SQLITE|E[A-Z]+$)/;

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = (err as { status?: unknown })?.status;
  // Domain errors (TipRuleError, PolicyError, ...) carry a stable code and their own status.
  if (isCoded(err) && !INTERNAL_CODE.test(err.code)) {
    const s = typeof err.status === 'number' ? err.status : CODE_STATUS[err.code] ?? 400;
    return new AppError(err.code, s, err.message, { expose: s < 500, cause: err });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Koa's errors (ctx.throw, 413 too large, 400 bad encoding) carry a status and are safe to name.
    const type = (err as { type?: unknown }).type;
    const code = status === 413 ? 'BODY_TOO_LARGE' : typeof type === 'string' ? type.toUpperCase().replace(/\W/g, '_') : 'BAD_REQUEST';
    return new AppError(code, status, status === 413 ? '请求体过大' : '请求无效');
  }
  return new AppError('INTERNAL', 500, 'internal error', { expose: false, cause: err });
}
