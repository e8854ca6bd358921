// The Atom feed and the sitemap of the published articles, as XML text. Pure: the articles,
// their HTML and the site's origin come in as arguments.
import type { Article } from './repository.js';

// Characters XML 1.0 does not allow at all, dropped rather than escaped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g; // eslint-disable-line no-control-regex

export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

export const FEED_TITLE = '平安三明 · 文章';

export function articleUrl(origin: string, slug: string): string {
  return `${origin}/articles/${encodeURIComponent(slug)}`;
}

/** Atom 1.0 (RFC 4287): newest first, the whole article as escaped HTML. */
export function atomFeed(origin: string, articles: ReadonlyArray<{ article: Article; html: string }>, now: Date): string {
  const updated = articles.reduce((max, { article }) => (article.updatedAt > max ? article.updatedAt : max), articles[0]?.article.updatedAt ?? now);
  const entries = articles.map(({ article: a, html }) => {
    const url = articleUrl(origin, a.slug);
    return [
      '  <entry>',
      `    <title>${xmlEscape(a.title)}</title>`,
      `    <id>${xmlEscape(url)}</id>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      `    <published>${(a.publishedAt ?? a.createdAt).toISOString()}</published>`,
      `    <updated>${a.updatedAt.toISOString()}</updated>`,
      `    <author><name>${xmlEscape(a.author)}</name></author>`,
      ...a.tags.map((t) => `    <category term="${xmlEscape(t)}"/>`),
      `    <summary>${xmlEscape(a.summary)}</summary>`,
      `    <content type="html">${xmlEscape(html)}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `  <title>${xmlEscape(FEED_TITLE)}</title>`,
    `  <id>${xmlEscape(`${origin}/articles`)}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(`${origin}/articles/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(`${origin}/articles`)}"/>`,
    `  <updated>${updated.toISOString()}</updated>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** sitemaps.org 0.9: the article list and every published article. */
export function sitemap(origin: string, articles: readonly Article[]): string {
  const urls = [
    `  <url><loc>${xmlEscape(`${origin}/articles`)}</loc></url>`,
    ...articles.map((a) => `  <url><loc>${xmlEscape(articleUrl(origin, a.slug))}</loc><lastmod>${a.updatedAt.toISOString()}</lastmod></url>`),
  ];
  return ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...urls, '</urlset>', ''].join('\n');
}
