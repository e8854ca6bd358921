import type { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';
import { AppError, badRequest } from '../platform/errors.js';

// A fatal decoder keeps no state between whole-buffer decode() calls: one serves every request.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const tooLarge = () => new AppError('BODY_TOO_LARGE', 413, '请求体过大');

/**
 * The whole request body, at most `limit` bytes: 413 BODY_TOO_LARGE as soon as the declared
 * Content-Length or the bytes received pass it (the rest is not read), 400 REQUEST_ABORTED when
 * the client goes away before the end. Node's parser has already refused a malformed or
 * duplicated Content-Length, and ends the stream after exactly that many bytes.
 *
 * The webhook reads one small body per citizen message: three listeners, and no copy when the
 * body came in one chunk (it usually does).
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBody(req, limit, asBuffer);
}

/** The body as UTF-8 text, with the same limit (413); invalid UTF-8 is refused (400). */
export function readRequestText(req: IncomingMessage, limit: number): Promise<string> {
  return readBody(req, limit, asText);
}

const asBuffer = (buf: Buffer) => buf;

function asText(buf: Buffer): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw badRequest('BAD_ENCODING', '请求必须是 UTF-8 编码');
  }
}

function readBody<T>(req: IncomingMessage, limit: number, convert: (buf: Buffer) => T): Promise<T> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    stopReading(req);
    return Promise.reject(tooLarge());
  }
  return new Promise<T>((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let received = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limit) {
        settled = true;
        stopReading(req);
        reject(tooLarge());
      } else if (first === undefined) {
        first = chunk;
      } else {
        (more ??= [first]).push(chunk);
      }
    });
    // 'on', not 'once': 'end' comes once, and once() wraps every listener in another function.
    req.on('end', () => {
      if (settled) return;
      settled = true;
      try {
        resolve(convert(more ? Buffer.concat(more, received) : first ?? Buffer.alloc(0)));
      } catch (err) {
        reject(err);
      }
    });
    // The client went away mid-body: node ends the request with an 'aborted' error, so this
    // covers it and no 'close' listener is added to every request.
    req.on('error', () => {
      if (settled) return;
      settled = true;
      stopReading(req);
      reject(badRequest('REQUEST_ABORTED', '请求未完整发送'));
    });
  });
}

/**
 * What raw-body did on a refused body: stop pulling it off the socket. The client has the answer
 * (413) and closes; nothing more of the body is buffered meanwhile.
 */
function stopReading(req: IncomingMessage): void {
  req.pause();
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
