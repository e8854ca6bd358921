// The public pages in Chromium: the feed and sitemap parse as XML, an article made of every XSS
// attempt runs no script, and the article page reads on a phone-sized screen.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, startConsole, type ConsoleServer } from '../support/browser.js';
import { ContentFolder } from './helpers.js';
import { XSS_ATTEMPTS } from './xss-attempts.js';

describe('articles in Chromium: well-formed feed and sitemap, inert XSS, phone layout', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let folder: ContentFolder;
  before(async () => {
    folder = new ContentFolder();
    folder.write({ slug: 'guide', title: '防范冒充客服诈骗', body: '## 怎么识别\n\n客服**不会**让你下载会议软件。\n\n![示意图](/img/none.png)\n\n[国家反诈中心](https://www.gov.cn)', tags: ['反诈'] });
    folder.write({ slug: 'xss', title: 'XSS <script>alert(1)</script>', body: XSS_ATTEMPTS.map(([, md]) => md).join('\n\n'), tags: ['<b>x</b>'] });
    server = await startConsole({ articles: { contentDir: folder.dir } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    folder?.remove();
  });

  for (const path of ['/articles/feed.atom', '/sitemap.xml']) {
    it(`${path} is well-formed XML`, async () => {
      const page = await browser.newPage();
      const text = await (await fetch(`${server.baseUrl}${path}`)).text();
      const result = await page.evaluate((xml) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        return { errors: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI };
      }, text);
      expect(result.errors).to.equal(0);
      expect(result.root).to.equal(path.endsWith('.atom') ? 'feed' : 'urlset');
      await page.close();
    });
  }

  it('runs no script from an article made of every attempt', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(`${server.baseUrl}/articles/xss`);
    // Hover and click every link of the body: no handler, no javascript: target.
    for (const link of await page.locator('.article-body a').all()) {
      const href = (await link.getAttribute('href')) ?? '';
      expect(href).to.match(/^(https?:|mailto:|\/|#|[^:]*$)/i);
      await link.hover();
    }
    expect(await page.locator('.article-body script, .article-body iframe, .article-body svg').count()).to.equal(0);
    expect(await page.title()).to.equal('XSS <script>alert(1)</script> · 平安三明');
    expect(dialogs).to.deep.equal([]);
    await context.close();
  });

  it('reads on a phone: no sideways scrolling, title and body visible', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', isMobile: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/articles/guide`);
    expect(await page.locator('h1.article-title').textContent()).to.equal('防范冒充客服诈骗');
    expect(await page.locator('.article-body img').getAttribute('loading')).to.equal('lazy');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).to.be.at.most(0);
    await screenshot(page, 'article-phone');
    await page.goto(`${server.baseUrl}/articles`);
    await screenshot(page, 'articles-list-phone');
    await context.close();
  });
});
