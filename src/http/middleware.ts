import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { AppError, isCoded } from '../platform/errors.js';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
    /** Set by the WeChat webhook: its errors must never reach WeChat as 5xx. */
    wechat?: boolean;
  }
}

/**
 * Request id (from X-Request-Id when sane) and a child logger carrying it. The child is made on
 * first use: most requests only write the access line, and a pino child per request shows up on
 * the webhook's hot path.
 */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const id = /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (child ??= logger.child({ reqId: id })),
      configurable: true,
      enumerable: true,
    });
    ctx.set('X-Request-Id', id);
    await next();
  };
}

/**
 * Counts, times and logs every request by its matched route (never the raw URL: it is an
 * unbounded label and its query can carry an openid).
 */
export function httpMetrics(metrics: Metrics, logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? 'unmatched' : ctx.path);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route }, seconds);
      logger.info({ reqId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    }
  };
}

/**
 * The one error boundary. Clients get `{ error: { code, message, fields? } }`; a stack trace
 * or database message never leaves the process. WeChat never gets a 5xx: it would retry and
 * then tell the citizen the account is broken.
 */
export function errorBoundary() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const appErr = toAppError(err);
      const log = ctx.state.log;
      if (appErr.status >= 500) log.error({ err, code: appErr.code }, 'request failed');
      else log.info({ code: appErr.code, status: appErr.status }, 'request refused');
      if (ctx.state.wechat && appErr.status >= 500) {
        ctx.status = 200;
        ctx.type = 'text/plain';
        ctx.body = 'success';
        return;
      }
      ctx.status = appErr.status;
      ctx.body = {
        error: {
          code: appErr.code,
          message: appErr.expose ? appErr.message : '服务器内部错误，请稍后再试',
          ...(appErr.fields ? { fields: appErr.fields } : {}),
        },
      };
    }
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
    // koa/raw-body errors (413 too large, 400 bad encoding) carry a status and are safe to name.
    const type = (err as { type?: unknown }).type;
    const code = status === 413 ? 'BODY_TOO_LARGE' : typeof type === 'string' ? type.toUpperCase().replace(/\W/g, '_') : 'BAD_REQUEST';
    return new AppError(code, status, status === 413 ? '请求体过大' : '请求无效');
  }
  return new AppError('INTERNAL', 500, 'internal error', { expose: false, cause: err });
}
