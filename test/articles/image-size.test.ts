import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { renderMarkdown } from '../../src/articles/render.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { tinyPng } from './editor-helpers.js';
import { articlesContext, ContentFolder } from './helpers.js';

describe(`articles: uploaded images are sized on the page (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let folder: ContentFolder;
  const png = tinyPng(640, 360);
  const name = `${createHash('sha256').update(png).digest('hex')}.png`;
  before(async () => {
    folder = new ContentFolder();
    ctx = await articlesContext(folder);
    folder.write({ slug: 'with-image', title: '图解刷单诈骗', body: `![流程图](/articles/images/${name})\n\n![外站图](https://example.org/a.png)` });
    await ctx.services.articles.importContent();
    const article = await ctx.services.articles.repo.publishedBySlug('with-image');
    await ctx.services.articles.images.save(article!.id, png, 1, new Date());
  });
  after(async () => {
    await ctx.close();
    folder.remove();
  });

  it('gives an upload its width and height, lazily loaded; an image of another site shows as its words', async () => {
    const page = (await request(ctx.callback).get('/articles/with-image').expect(200)).text;
    expect(page).to.match(new RegExp(`<img src="/articles/images/${name}" alt="流程图" width="640" height="360" loading="lazy" decoding="async">`));
    expect(page).to.include('外站图').and.not.include('example.org');
  });

  it('shows only images of this site, however another site is written', () => {
    // Whatever markdown-it makes of the address, a browser must read it as this site's.
    const site = 'https://site.example';
    for (const src of ['https://example.org/a.png', '//example.org/a.png', '/\\example.org/a.png', '\\\\example.org\\a.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)', ' //example.org/a.png']) {
      for (const [, shown] of renderMarkdown(`![外站](${src})`).matchAll(/<img src="([^"]*)"/g)) {
        expect(new URL(shown!.replace(/&amp;/g, '&'), `${site}/articles/x`).origin, `${src} → ${shown}`).to.equal(site);
      }
    }
    for (const src of ['https://example.org/a.png', '//example.org/a.png', 'data:image/png;base64,AAAA']) expect(renderMarkdown(`![外站](${src})`), src).to.not.include('<img');
    for (const src of ['/articles/images/a.png', 'a.png', '../img/a.png']) expect(renderMarkdown(`![本站](${src})`), src).to.include('<img');
  });

  it('renders without sizes when none is known (the renderer alone is pure)', () => {
    expect(renderMarkdown(`![a](/articles/images/${name})`)).to.not.include('width=');
    expect(renderMarkdown('![a](/x.png)', () => ({ width: 3, height: 4 }))).to.include('width="3" height="4"');
  });
});
