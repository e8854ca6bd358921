// Rendered article HTML in process memory (node-cache), keyed by article id and content hash:
// a key names one exact text, so an entry can never be stale; `invalidate` frees memory when an
// article is published, withdrawn or edited, and calls `onInvalidate` (the whole-page cache of
// page-cache.ts, which does go stale). Every instance keeps its own copy.
import NodeCache from 'node-cache';
import { renderMarkdown, type ImageSizeOf } from './render.js';

export interface ArticleHtmlCache {
  /** The HTML of this text of the article, rendered once (an upload's size never changes: its address is its hash). */
  html(article: { id: number; contentHash: string; body: string }): Promise<string>;
  /** Drops every entry of the article. */
  invalidate(articleId: number): void;
  close(): void;
}

export interface HtmlCacheOptions {
  ttlSeconds?: number;
  maxEntries?: number;
  onInvalidate?: () => void;
  /** The sizes of the images a text uses (images.ts `sizesIn`). */
  imageSizes?: (body: string) => Promise<ImageSizeOf>;
}

export function createHtmlCache(opts: HtmlCacheOptions = {}): ArticleHtmlCache {
  const cache = new NodeCache({ stdTTL: opts.ttlSeconds ?? 3600, checkperiod: 600, useClones: false });
  const maxEntries = opts.maxEntries ?? 2000;
  return {
    async html(article) {
      const key = `${article.id}:${article.contentHash}`;
      const hit = cache.get<string>(key);
      if (hit !== undefined) return hit;
      const html = renderMarkdown(article.body, opts.imageSizes ? await opts.imageSizes(article.body) : undefined);
      if (cache.getStats().keys >= maxEntries) cache.flushAll();
      cache.set(key, html);
      return html;
    },
    invalidate(articleId) {
      const prefix = `${articleId}:`;
      cache.del(cache.keys().filter((k) => k.startsWith(prefix)));
      opts.onInvalidate?.();
    },
    close() {
      cache.close();
    },
  };
}
