import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
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

// Made-up request ids: a random prefix per process and a counter. Unique across processes and
// restarts like a UUID, for a tenth of the cost (randomUUID builds its string from 16 pieces,
// ~500 bytes of garbage on every webhook request). They correlate log lines; they guard nothing.
const ID_PREFIX = randomBytes(8).toString('hex');
let idCounter = 0;

/** The caller's X-Request-Id when it is sane, else a fresh one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming)) return incoming;
  idCounter += 1;
  return `${ID_PREFIX}-${idCounter.toString(36)}`;
}

/** `{ log }` whose child logger (carrying the request id) is made on first use. */
class LazyRequestLog {
  private child: Logger | undefined;
  constructor(private readonly logger: Logger, private readonly reqId: string) {}
  get log(): Logger {
    return (this.child ??= this.logger.child({ reqId: this.reqId }));
  }
}

export function lazyRequestLog(logger: Logger, reqId: string): { log: Logger } {
  return new LazyRequestLog(logger, reqId);
}

/**
 * Request id (from X-Request-Id when sane) and a child logger carrying it. The child is made on
 * first use: most requests only write the access line.
 */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const id = requestIdFrom(ctx.get('x-request-id'));
    ctx.state.requestId = id;
    const lazy = lazyRequestLog(logger, id);
    Object.defineProperty(ctx.state, 'log', { get: () => lazy.log, configurable: true, enumerable: true });
    ctx.set('X-Request-Id', id);
    await next();
  };
}

export interface RequestRecord {
  reqId: string;
  method: string;
  /** The matched route, never the raw URL (an unbounded label whose query can carry an openid). */
  route: string;
  status: number;
  seconds: number;
}

export type RequestRecorder = (r: RequestRecord) => void;

/**
 * One request's counter, latency and access line: shared by Koa and the webhook's own path.
 * The access line is written by accessLine: only the fields above.
 */
export function requestRecorder(metrics: Metrics, logger: Logger): RequestRecorder {
  const access = accessLine(logger);
  return (r) => {
    metrics.httpRequests.inc({ method: r.method, route: r.route, status: String(r.status) });
    metrics.httpDuration.observe({ method: r.method, route: r.route }, r.seconds);
    access({ reqId: r.reqId, method: r.method, route: r.route, status: r.status, ms: Math.round(r.seconds * 1e4) / 10 });
  };
}

/**
 * Counts, times and logs every request by its matched route (never the raw URL: it is an
 * unbounded label and its query can carry an openid).
 */
export function httpMetrics(metrics: Metrics, logger: Logger) {
  const record = requestRecorder(metrics, logger);
  return async (ctx: Context, next: Next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? 'unmatched' : ctx.path);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      record({ reqId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, seconds });
    }
  };
}

/**
 * The one error boundary. Clients get `{ error: { code, message, fields? } }`; a stack trace
 * or database message never leaves the process. (The WeChat webhook is not behind Koa; it uses
 * logFailure and errorBody directly and turns a 5xx into 'success'.)
 */
export function errorBoundary() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const appErr = logFailure(ctx.state.log, err);
      ctx.status = appErr.status;
      ctx.body = errorBody(appErr);
    }
  };
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
