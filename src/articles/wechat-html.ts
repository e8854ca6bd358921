// Pure: the renderer's article HTML made into what a WeChat draft takes. Works on the renderer's
// own output only (raw HTML is off, so every tag below is one markdown-it wrote): the images'
// addresses are listed and swapped for WeChat's, the headings' "#" anchors go, and links become
// their text (WeChat articles refuse links outside mp.weixin.qq.com), followed by the address.

/** markdown-it's escapeHtml, undone: the address an attribute value stands for. */
function unescapeAttr(v: string): string {
  return v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const IMG_SRC = /<img src="([^"]*)"/g;
const HEADING_ANCHOR = /<a class="anchor" href="[^"]*" aria-label="[^"]*">#<\/a>/g;
const LINK = /<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g;

/** The addresses of the images in `html`, in order of first appearance, each once. */
export function imageSources(html: string): string[] {
  return [...new Set([...html.matchAll(IMG_SRC)].map((m) => unescapeAttr(m[1] ?? '')))];
}

/** An image already on WeChat's image host needs no upload. */
export function isWechatImage(src: string): boolean {
  try {
    const host = new URL(src).hostname;
    return host === 'mmbiz.qpic.cn' || host.endsWith('.qpic.cn');
  } catch {
    return false;
  }
}

const isWechatArticleLink = (href: string) => /^https:\/\/mp\.weixin\.qq\.com\//i.test(href);
const stripTags = (html: string) => html.replace(/<[^>]*>/g, '');

/**
 * The HTML for `draft/add`: every image's address replaced by its WeChat URL from `images`
 * (source address → URL; an image missing there is an error), heading anchors removed, links
 * other than WeChat articles turned into their text followed by the absolute address (relative
 * ones against `origin`) when the text does not already show it.
 */
export function wechatContent(html: string, images: ReadonlyMap<string, string>, origin: string): string {
  return html
    .replace(IMG_SRC, (_m, src: string) => {
      const source = unescapeAttr(src);
      const url = isWechatImage(source) ? source : images.get(source);
      if (url === undefined) throw new Error(`image not uploaded: ${source}`);
      return `<img src="${escapeAttr(url)}"`;
    })
    .replace(HEADING_ANCHOR, '')
    .replace(LINK, (_m, href: string, inner: string) => {
      const target = unescapeAttr(href);
      if (isWechatArticleLink(target)) return `<a href="${href}">${inner}</a>`;
      if (target.startsWith('#')) return inner;
      let absolute: string;
      try {
        absolute = new URL(target, `${origin}/`).toString();
      } catch {
        return inner;
      }
      const text = unescapeAttr(stripTags(inner)).trim();
      const shown = text === target || text === absolute || `mailto:${text}` === target;
      return shown ? inner : `${inner}（${escapeAttr(absolute.replace(/^mailto:/, ''))}）`;
    });
}
