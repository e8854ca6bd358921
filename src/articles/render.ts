// The one Markdown renderer of articles (public page, JSON API, and the editor's preview): raw
// HTML off, links only to http(s), mailto and relative addresses, external links opened apart
// and without referrer, headings with Chinese-safe ids and anchors, lazy images from this site's
// own addresses only (another site's show as their words), sized when the caller knows their size
// (the uploads'). Pure: no I/O, one markdown-it instance for the process.
import MarkdownIt, { type Options } from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type Renderer from 'markdown-it/lib/renderer.mjs';

/** Address schemes a link may use; anything else is dropped and its text stays as text. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The scheme a browser would read from `url`, '' for a relative address, or undefined when it
 * cannot tell (a colon before the first / ? #, no valid scheme): such an address is refused.
 */
function schemeOf(url: string): string | undefined {
  const u = url.trim().toLowerCase();
  const m = /^([a-z][a-z0-9+.-]*):/.exec(u);
  if (m) return m[1];
  const firstColon = u.indexOf(':');
  if (firstColon === -1) return '';
  const firstDelimiter = u.search(/[/?#]/);
  return firstDelimiter !== -1 && firstDelimiter < firstColon ? '' : undefined;
}

export function isSafeLink(url: string): boolean {
  const s = schemeOf(url);
  return s !== undefined && (s === '' || LINK_SCHEMES.has(s));
}

/** A base no address of ours can leave: only an address of this site resolves within it. */
const SITE = 'https://site.invalid';

/**
 * An address of this site (`/articles/images/…`): resolved as a browser would (`//host`, `/\host`
 * and `\\host` name another site). Images come from this site only: one from another site would
 * tell that site which citizen read which article, the pages' Content-Security-Policy blocks it,
 * and publishing to WeChat would fetch whatever address an editor typed.
 */
export function isSiteAddress(url: string): boolean {
  try {
    return new URL(url.trim(), `${SITE}/articles/x`).origin === SITE && !/^\s*[a-z][a-z0-9+.-]*:/i.test(url);
  } catch {
    return false;
  }
}

/** A path of this site (`/articles/images/…`): what a cover must be. */
export function isSitePath(url: string): boolean {
  return url.startsWith('/') && isSiteAddress(url);
}

export function isSafeImage(url: string): boolean {
  return schemeOf(url) === '' && isSiteAddress(url);
}

/** http(s) or protocol-relative: a page of another site. */
function isExternal(url: string): boolean {
  return /^(https?:)?\/\//i.test(url.trim());
}

/** A heading's text as an id: letters (any script, so Chinese stays), digits, hyphens. */
export function headingSlug(text: string): string {
  const slug = text.normalize('NFKC').toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/[\s-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'section' : slug.slice(0, 80);
}

export interface ImageSize { width: number; height: number }
/** The size of the image at an address, when the caller knows it. */
export type ImageSizeOf = (src: string) => ImageSize | undefined;

interface RenderEnv {
  /** Ids given so far in this document: a repeat gets -2, -3… */
  ids: Map<string, number>;
  sizeOf?: ImageSizeOf | undefined;
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.validateLink = isSafeLink;

// Ids on headings, computed once per document from the heading's text.
md.core.ruler.push('heading_ids', (state) => {
  const env = state.env as RenderEnv;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i += 1) {
    const open = tokens[i];
    const inline = tokens[i + 1];
    if (open?.type !== 'heading_open' || !inline) continue;
    const base = headingSlug(inline.children?.filter((t) => t.type === 'text' || t.type === 'code_inline').map((t) => t.content).join('') ?? inline.content);
    const seen = env.ids.get(base) ?? 0;
    env.ids.set(base, seen + 1);
    open.attrSet('id', seen === 0 ? base : `${base}-${seen + 1}`);
  }
});

const renderToken = (tokens: Token[], idx: number, options: Options, _env: unknown, self: Renderer) => self.renderToken(tokens, idx, options);

md.renderer.rules.heading_close = (tokens, idx, options, env, self) => {
  const open = tokens[idx - 2];
  const id = open?.type === 'heading_open' ? open.attrGet('id') : null;
  const anchor = id ? `<a class="anchor" href="#${md.utils.escapeHtml(encodeURIComponent(id))}" aria-label="本节链接">#</a>` : '';
  return anchor + renderToken(tokens, idx, options, env, self);
};

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const href = token?.attrGet('href') ?? '';
  if (token && isExternal(href)) {
    token.attrSet('rel', 'noopener noreferrer nofollow');
    token.attrSet('target', '_blank');
  }
  return renderToken(tokens, idx, options, env, self);
};

md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (!token) return '';
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  if (!isSafeImage(token.attrGet('src') ?? '')) return md.utils.escapeHtml(alt);
  token.attrSet('alt', alt);
  // Width and height let the browser keep the image's room before it loads (no jumping text);
  // the stylesheet scales it to the column.
  const size = (env as RenderEnv).sizeOf?.(token.attrGet('src') ?? '');
  if (size) {
    token.attrSet('width', String(size.width));
    token.attrSet('height', String(size.height));
  }
  token.attrSet('loading', 'lazy');
  token.attrSet('decoding', 'async');
  return renderToken(tokens, idx, options, env, self);
};

/** The HTML of an article body. Everything the author wrote is text except Markdown's own marks. */
export function renderMarkdown(source: string, sizeOf?: ImageSizeOf): string {
  const env: RenderEnv = { ids: new Map(), sizeOf };
  return md.render(source, env);
}
