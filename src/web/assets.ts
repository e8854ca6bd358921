// Static assets (CSS, the little JavaScript, icons) served under content-hashed names, so a page
// can let browsers keep them for a year and a new release is fetched at once. Hashed at start
// from the files in src/web/assets: there is no build step.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';

export const ASSET_PREFIX = '/assets/';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset { body: Buffer; type: string; etag: string }

export interface Assets {
  /** The public URL of a source file name (`app.css` → `/assets/app.1a2b3c4d5e.css`); throws for an unknown name. */
  url(name: string): string;
  /** Koa middleware answering GET/HEAD under /assets/. */
  middleware(): (ctx: Context, next: Next) => Promise<void>;
}

export function loadAssets(dir: string): Assets {
  const byName = new Map<string, string>();
  const byUrl = new Map<string, Asset>();
  for (const file of readdirSync(dir)) {
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) continue;
    const body = readFileSync(path.join(dir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const url = `${ASSET_PREFIX}${path.basename(file, ext)}.${hash}${ext}`;
    byName.set(file, url);
    byUrl.set(url, { body, type, etag: `"${hash}"` });
  }
  return {
    url(name) {
      const url = byName.get(name);
      if (!url) throw new Error(`unknown asset ${name}`);
      return url;
    },
    middleware() {
      return async (ctx, next) => {
        const asset = ctx.path.startsWith(ASSET_PREFIX) ? byUrl.get(ctx.path) : undefined;
        if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
          await next();
          return;
        }
        sendImmutable(ctx, asset);
      };
    },
  };
}

/**
 * Bytes addressed by their own hash: they never change under that name, so browsers and proxies
 * keep them a year; 304 to a matching If-None-Match.
 */
export function sendImmutable(ctx: Context, file: { body: Buffer; type: string; etag: string }): void {
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.etag = file.etag;
  ctx.type = file.type;
  ctx.status = 200; // ctx.fresh reads only 2xx answers
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = file.body;
}
