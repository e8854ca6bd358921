import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { Context, Next } from 'koa';
import { badRequest } from '../platform/errors.js';

// A fatal decoder keeps no state between whole-buffer decode() calls: one serves every request.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Reads the raw body as UTF-8 with a hard limit (413 above it), refusing invalid UTF-8 (400). */
export async function readRequestText(req: IncomingMessage, limit: number): Promise<string> {
  const length = req.headers['content-length'];
  const buf = await getRawBody(req, { limit, ...(length ? { length } : {}) });
  try {
    return utf8.decode(buf);
  } catch {
    throw badRequest('BAD_ENCODING', '请求必须是 UTF-8 编码');
  }
}

export function readText(ctx: Context, limit: number): Promise<string> {
  return readRequestText(ctx.req, limit);
}

/** JSON body parser for the staff API: `ctx.request.body` holds the parsed value (unknown). */
export function jsonBody(limit = 256 * 1024) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH' || ctx.method === 'DELETE') {
      const raw = await readText(ctx, limit);
      if (raw.trim() === '') {
        (ctx.request as { body?: unknown }).body = {};
      } else {
        if (!ctx.is('application/json')) throw badRequest('UNSUPPORTED_MEDIA_TYPE', '请求体必须是 JSON');
        try {
          (ctx.request as { body?: unknown }).body = JSON.parse(raw) as unknown;
        } catch {
          throw badRequest('BAD_JSON', '请求体不是有效的 JSON');
        }
      }
    }
    await next();
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}
