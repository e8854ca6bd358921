// Whole public answers (an article page, the list, the feed, the sitemap, the JSON) kept in
// process memory, so a popular page is served with no query, no template and no hash.
//
// Invariants:
//  - One generation value in the shared store names the current set of published articles. Any
//    change to an article (service, scheduled sweep, import) writes a new one, and every instance
//    drops its entries when it sees it. An instance reads the generation at most once per
//    `checkEveryMs`, so another instance may serve the previous answer for up to that long after
//    a change; the instance that made the change drops its own entries at once.
//  - An answer rendered while a change landed is never kept: `fill` stores only under the epoch
//    the miss was seen in.
//  - A generation this instance's own write replaced, read before that write landed, is not taken
//    for a change: it would drop the entries a second time.
//  - Entries also expire after `ttlSeconds`, which bounds the harm of a generation write that
//    failed (the change itself is committed either way). A hit does not extend that.
//  - At most `maxEntries` are kept: a new one pushes out the entry least recently served, never
//    the rest, so requests for many rarely read answers cannot empty the cache of popular ones.
import { randomBytes } from 'node:crypto';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Context, Next } from 'koa';
import type { Logger } from '../platform/logger.js';
import type { SharedStore } from '../platform/shared-store.js';

export interface CachedAnswer {
  /** Encoded once: sending a Buffer spares a UTF-8 length count and encoding per request. */
  body: Buffer;
  /** The Content-Type header. */
  type: string;
  /** The strong ETag value, without quotes. */
  etag: string;
  /**
   * Every header the page stack set on it (type, ETag, security, Cache-Control), as sent; filled by
   * the middleware, so a kept answer is sent with one `ctx.set`.
   */
  headers?: Readonly<Record<string, string>>;
  /** The route that made it (`/articles/:slug`): the metrics label of its hits. */
  route?: string;
}

/** What a miss hands back to `fill`: the epoch it was seen in. */
export interface Miss { epoch: number }

export interface PageCache {
  /** The kept answer, or the miss to fill. Reads the shared generation when a check is due. */
  lookup(key: string): Promise<CachedAnswer | Miss>;
  /** Keeps `answer` unless a change landed since the miss. */
  fill(key: string, miss: Miss, answer: CachedAnswer): void;
  /** Drops every entry here and tells the other instances. */
  invalidate(): Promise<void>;
  /** Waits for the generation writes under way (the store closes after). */
  close(): Promise<void>;
}

export interface PageCacheOptions {
  store: SharedStore;
  logger: Logger;
  ttlSeconds?: number;
  checkEveryMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const GENERATION_KEY = 'articles:pages:generation';
// The generation only has to outlive every entry; a year keeps it through any quiet spell.
const GENERATION_TTL_SECONDS = 365 * 24 * 3600;

export const isMiss = (x: CachedAnswer | Miss): x is Miss => 'epoch' in x;

export function createPageCache(opts: PageCacheOptions): PageCache {
  const ttl = opts.ttlSeconds ?? 300;
  const checkEveryMs = opts.checkEveryMs ?? 1000;
  const maxEntries = opts.maxEntries ?? 1000;
  const now = opts.now ?? Date.now;
  // In the order they were last served (a Map iterates in insertion order): the first is evicted.
  const entries = new Map<string, { answer: CachedAnswer; expiresAt: number }>();
  let epoch = 0;
  let seen: string | undefined;
  let checkedAt = -Infinity;
  let checking: Promise<void> | undefined;
  const writing = new Set<Promise<void>>();

  const flush = () => {
    epoch += 1;
    entries.clear();
  };

  const get = (key: string): CachedAnswer | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= now()) return undefined;
    entries.set(key, entry);
    return entry.answer;
  };

  // The generations this instance's own writes replaced. Read while such a write is on its way,
  // one is old news: believing it would drop the entries kept since, and again once the write is
  // read back. Forgotten once the store holds what this instance wrote.
  const replaced = new Set<string | undefined>();

  // One read of the shared generation at a time; a failed read keeps the entries (they expire).
  const check = async () => {
    try {
      const current = await opts.store.get(GENERATION_KEY);
      if (current === seen) {
        if (writing.size === 0) replaced.clear();
      } else if (!replaced.has(current)) {
        seen = current;
        flush();
      }
    } catch (err) {
      opts.logger.warn({ err }, 'article page cache: the generation could not be read');
    }
  };

  return {
    async lookup(key) {
      if (now() - checkedAt >= checkEveryMs) {
        checkedAt = now();
        checking ??= check().finally(() => { checking = undefined; });
      }
      if (checking) await checking;
      return get(key) ?? { epoch };
    },
    fill(key, miss, answer) {
      if (miss.epoch !== epoch) return;
      entries.delete(key);
      for (const oldest of entries.keys()) {
        if (entries.size < maxEntries) break;
        entries.delete(oldest);
      }
      entries.set(key, { answer, expiresAt: now() + ttl * 1000 });
    },
    async invalidate() {
      flush();
      const next = randomBytes(9).toString('base64url');
      replaced.add(seen);
      seen = next;
      const write = opts.store.set(GENERATION_KEY, next, GENERATION_TTL_SECONDS).catch((err: unknown) => {
        opts.logger.error({ err }, 'article page cache: the new generation could not be written; other instances keep old pages until they expire');
      });
      writing.add(write);
      await write.finally(() => writing.delete(write));
    },
    async close() {
      await Promise.all([...writing, checking]);
      entries.clear();
    },
  };
}

/** Where a public answer is kept: a key of what changes it, or undefined when it is not kept. */
export type AnswerKey = (path: string, query: () => ParsedUrlQuery) => string | undefined;

// Headers that belong to one request, or that Koa sets again with the body.
const PER_REQUEST = new Set(['x-request-id', 'content-length', 'date']);

/** Sends a kept answer with its headers, or 304 when the client holds the same bytes. */
export function sendAnswer(ctx: Context, answer: CachedAnswer): void {
  if (answer.headers) {
    ctx.set(answer.headers);
  } else {
    ctx.type = answer.type;
    ctx.etag = answer.etag;
  }
  ctx.status = 200; // ctx.fresh reads only 2xx answers
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = answer.body;
}

/** Told of every answer served from the cache (the metrics count it under its route). */
export type HitCounter = (hit: { method: string; route: string; status: number }) => void;

/**
 * Serves kept public answers in front of the whole app, as a caching proxy would: a hit gets the
 * kept bytes and headers and is counted (`onHit`), with no request id, access line or duration
 * sample, since nothing of ours runs to log or time. A miss goes through the app like any request,
 * and what the public routes answer (they put it in `ctx.state.publicAnswer`) is kept with the
 * headers the page stack set. An answer that sets a cookie is never kept: it would belong to one
 * browser. Anything that goes wrong on a hit falls through to the app, which answers as usual.
 */
export function pageCacheMiddleware(pages: PageCache, keyOf: AnswerKey, onHit?: HitCounter) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const key = ctx.method === 'GET' || ctx.method === 'HEAD' ? keyOf(ctx.path, () => ctx.query) : undefined;
    if (key === undefined) {
      await next();
      return;
    }
    const found = await pages.lookup(key);
    if (!isMiss(found)) {
      try {
        sendAnswer(ctx, found);
        onHit?.({ method: ctx.method, route: found.route ?? 'page-cache', status: ctx.status });
        return;
      } catch {
        ctx.body = null;
        ctx.status = 404;
      }
    }
    await next();
    const answer = (ctx.state as { publicAnswer?: CachedAnswer }).publicAnswer;
    if (!answer || !isMiss(found) || ctx.response.get('Set-Cookie')) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.response.headers)) {
      if (!PER_REQUEST.has(name) && typeof value === 'string') headers[name] = value;
    }
    const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute;
    pages.fill(key, found, { ...answer, headers, ...(route ? { route } : {}) });
  };
}
