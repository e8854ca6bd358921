// Markdown written to attack the page: every attempt must come out inert. "Inert" is checked on
// the HTML itself: only the renderer's own tags and attributes, every href and src an http(s),
// mailto (links only) or relative address, and no text that a browser would turn into markup.
import { expect } from 'chai';
import { isSafeImage, isSafeLink, renderMarkdown } from '../../src/articles/render.js';
import { XSS_ATTEMPTS } from './xss-attempts.js';

const TAGS = new Set(['p', 'a', 'img', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'br', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's']);
const ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'id', 'class', 'rel', 'target', 'loading', 'decoding', 'aria-label', 'start', 'style']);

const decode = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Why `html` is not inert, or undefined. */
export function inertProblem(html: string): string | undefined {
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const tag = (m[1] ?? '').toLowerCase();
    if (!TAGS.has(tag)) return `tag <${tag}>`;
    const attrs = m[2] ?? '';
    // Attributes as the serializer writes them: name="value", values never contain a raw quote.
    const rest = attrs.replace(/\s([a-z-]+)="([^"]*)"/g, (_all, name: string, value: string) => {
      if (!ATTRIBUTES.has(name)) throw new Error(`attribute ${name} on <${tag}>`);
      const v = decode(value);
      if (name === 'href' && !isSafeLink(v)) throw new Error(`href ${v}`);
      if (name === 'src' && !isSafeImage(v)) throw new Error(`src ${v}`);
      if (name === 'style' && !/^text-align:(left|right|center)$/.test(v)) throw new Error(`style ${v}`);
      return '';
    });
    if (rest.trim() !== '' && rest.trim() !== '/') return `unexpected markup in <${tag}${attrs}>`;
  }
  return undefined;
}

describe('article rendering: XSS attempts in Markdown are rendered inert', () => {
  it(`has at least 30 attempts (${XSS_ATTEMPTS.length})`, () => {
    expect(XSS_ATTEMPTS.length).to.be.at.least(30);
  });

  for (const [name, source] of XSS_ATTEMPTS) {
    it(name, () => {
      const html = renderMarkdown(source);
      let problem: string | undefined;
      try {
        problem = inertProblem(html);
      } catch (err) {
        problem = (err as Error).message;
      }
      expect(problem, html).to.equal(undefined);
      expect(html.toLowerCase()).not.to.match(/(href|src)="\s*(javascript|vbscript|data|file):/);
    });
  }

  it('keeps the safe forms working: http(s), mailto and relative links, lazy images, external links marked', () => {
    const html = renderMarkdown('[a](https://gov.cn/x) [b](/articles/x) [c](mailto:zfw@sm.gov.cn) [d](#top) ![e](/img/a.png)');
    expect(html).to.include('<a href="https://gov.cn/x" rel="noopener noreferrer nofollow" target="_blank">a</a>');
    expect(html).to.include('<a href="/articles/x">b</a>');
    expect(html).to.include('<a href="mailto:zfw@sm.gov.cn">c</a>');
    expect(html).to.include('<a href="#top">d</a>');
    expect(html).to.include('<img src="/img/a.png" alt="e" loading="lazy" decoding="async">');
  });

  it('gives headings Chinese-safe ids, unique within the article, with an anchor', () => {
    const html = renderMarkdown('## 如何 举报？\n\n## 如何 举报？\n\n## !!!');
    expect(html).to.include('<h2 id="如何-举报">');
    expect(html).to.include('<h2 id="如何-举报-2">');
    expect(html).to.include('<h2 id="section">');
    expect(html).to.include('class="anchor" href="#%E5%A6%82%E4%BD%95-%E4%B8%BE%E6%8A%A5"');
  });

  it('drops a refused link or image to its text', () => {
    expect(renderMarkdown('![照片](javascript:x)')).not.to.include('<img');
    expect(renderMarkdown('[点这里](javascript:x)')).to.include('[点这里](javascript:x)');
  });
});
