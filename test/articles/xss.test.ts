// Markdown written to attack the page: every attempt must come out inert. "Inert" is checked on
// the HTML itself: only the renderer's own tags and attributes, every href and src an http(s),
// mailto (links only) or relative address, and no text that a browser would turn into markup.
import { expect } from 'chai';
import { isSafeImage, isSafeLink, renderMarkdown } from '../../src/articles/render.js';

export const XSS_ATTEMPTS: ReadonlyArray<readonly [string, string]> = [
  ['inline javascript: link', '[click](javascript:alert(1))'],
  ['upper/mixed case scheme', '[click](JaVaScRiPt:alert(1))'],
  ['scheme with leading spaces in angle brackets', '[click](<  javascript:alert(1)>)'],
  ['tab inside the scheme', '[click](java\tscript:alert(1))'],
  ['newline entity inside the scheme', '[click](java&#10;script:alert(1))'],
  ['decimal entities for the scheme', '[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))'],
  ['hex entities for the scheme', '[click](&#x6A;avascript&#x3A;alert(1))'],
  ['named entity colon', '[click](javascript&colon;alert(1))'],
  ['percent-encoded colon', '[click](javascript%3Aalert(1))'],
  ['vbscript: link', '[click](vbscript:msgbox(1))'],
  ['data: HTML link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['file: link', '[click](file:///etc/passwd)'],
  ['autolink javascript:', '<javascript:alert(1)>'],
  ['autolink data:', '<data:text/html,<script>alert(1)</script>>'],
  ['reference link javascript:', '[click][x]\n\n[x]: javascript:alert(1)'],
  ['reference link with title', '[click][y]\n\n[y]: javascript:alert(1) "t"'],
  ['image javascript: src', '![x](javascript:alert(1))'],
  ['image data: svg src', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['image data: png src', '![x](data:image/png;base64,iVBORw0KGgo=)'],
  ['image onerror in title', '![x](/a.png "\\" onerror=\\"alert(1))'],
  ['image alt breaking out', '![" onerror="alert(1)](/a.png)'],
  ['image mailto src', '![x](mailto:a@b.cn)'],
  ['image reference with javascript:', '![x][img]\n\n[img]: javascript:alert(1)'],
  ['raw script tag', '<script>alert(1)</script>'],
  ['raw img onerror', '<img src=x onerror=alert(1)>'],
  ['raw iframe', '<iframe src="javascript:alert(1)"></iframe>'],
  ['raw svg onload', '<svg onload=alert(1)>'],
  ['inline raw html in a paragraph', 'hello <b onclick="alert(1)">there</b>'],
  ['html comment', '<!-- --><script>alert(1)</script>'],
  ['nested brackets', '[[click](javascript:alert(1))](https://example.com)'],
  ['link text is a link', '[<a href="javascript:alert(1)">x</a>](https://example.com)'],
  ['title attribute breakout', '[x](https://example.com "a\\" onmouseover=\\"alert(1)")'],
  ['href with quote breakout', '[x](https://example.com/"onmouseover="alert(1))'],
  ['linkify of javascript:', 'javascript:alert(1)'],
  ['full-width letters in the scheme', '[x](ｊａｖａｓｃｒｉｐｔ:alert(1))'],
  ['bidi override in the scheme', '[x](\u202Ejavascript:alert(1))'],
  ['zero-width space in the scheme', '[x](java\u200Bscript:alert(1))'],
  ['protocol-relative with backslashes', '[x](\\\\evil.example/\\x)'],
  ['html entity script', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['code span with script', '`<script>alert(1)</script>`'],
  ['fenced code with html', '```html\n<script>alert(1)</script>\n```'],
  ['heading with html', '# <img src=x onerror=alert(1)>'],
  ['table cell with html', '| a |\n|---|\n| <script>alert(1)</script> |'],
  ['mailto with javascript after', '[x](mailto:javascript:alert(1))'],
  ['colon-led relative path', '[x](javascript:/alert(1))'],
];

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
