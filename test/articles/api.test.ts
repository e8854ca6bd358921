import { expect } from 'chai';
import request from 'supertest';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { bodyOf, errorOf } from '../support/api.js';
import { staffAgent, type Agent } from '../tips/helpers.js';
import type { staffArticleView } from '../../src/articles/routes.js';
import { articlesContext, ContentFolder } from './helpers.js';

type StaffArticle = Awaited<ReturnType<typeof staffArticleView>>;
interface ArticleBody { article: StaffArticle }
interface PublicList { items: Array<{ slug: string; title: string; tags: string[] }>; total: number; page: number; pages: number }

const draft = (slug: string, over: Record<string, unknown> = {}) => ({
  slug, title: '冒充客服退款诈骗', summary: '“客服”说要给你退款，先挂电话。', tags: ['反诈', '网购'], author: '市反诈中心',
  body: '## 怎么识别\n\n真正的退款不需要你[提供验证码](https://www.gov.cn)。', ...over,
});

describe(`articles: staff API, roles and public pages (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let now: Date;
  let writer: Agent;
  let reviewer: Agent;
  let admin: Agent;
  let triage: Agent;
  beforeEach(async () => {
    now = new Date('2026-04-30T20:00:00.000Z');
    ctx = await articlesContext(undefined, {}, { now: () => now });
    writer = (await staffAgent(ctx, { username: 'writer', role: 'editor' })).agent;
    reviewer = (await staffAgent(ctx, { username: 'reviewer', role: 'editor' })).agent;
    admin = (await staffAgent(ctx, { username: 'boss', role: 'admin' })).agent;
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  const create = async (agent: Agent, slug: string, over: Record<string, unknown> = {}) =>
    bodyOf<ArticleBody>(await agent.post('/api/staff/articles').send(draft(slug, over)).expect(201)).article;

  it('an editor writes and submits; the author may not publish; a second editor publishes; events and revisions are kept', async () => {
    const a = await create(writer, 'refund-scam');
    expect(a).to.include({ state: 'draft', revision: 1 });
    expect(a.allowedActions).to.include('submit').and.not.include('publish');
    expect(a.html).to.include('<h2 id="怎么识别">');

    // Drafts are not public.
    await request(ctx.callback).get('/articles/refund-scam').expect(404);
    await request(ctx.callback).get('/api/articles/refund-scam').expect(404);

    await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    const self = await writer.post(`/api/staff/articles/${a.id}/publish`).expect(403);
    expect(errorOf(self).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
    expect(errorOf(await triage.post(`/api/staff/articles/${a.id}/publish`).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await triage.get('/api/staff/articles').expect(403)).code).to.equal('FORBIDDEN');

    const published = bodyOf<ArticleBody>(await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(200)).article;
    expect(published).to.include({ state: 'published' });
    await request(ctx.callback).get('/articles/refund-scam').expect(200);

    // Publishing twice is a state error; unpublishing takes it off the public pages.
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(409)).code).to.equal('ARTICLE_BAD_STATE');
    await writer.post(`/api/staff/articles/${a.id}/unpublish`).expect(200);
    await request(ctx.callback).get('/articles/refund-scam').expect(404);

    // Editing an unpublished article makes it a draft again, with a new revision.
    const edited = bodyOf<ArticleBody>(await writer.put(`/api/staff/articles/${a.id}`).send({ ...draft('x'), slug: undefined, baseRevision: 1, body: '新的正文' }).expect(200)).article;
    expect(edited).to.include({ state: 'draft', revision: 2 });
    const stale = await writer.put(`/api/staff/articles/${a.id}`).send({ ...draft('x'), slug: undefined, baseRevision: 1, body: '又一版' }).expect(409);
    expect(errorOf(stale).code).to.equal('ARTICLE_STALE');

    const detail = bodyOf<{ events: Array<{ type: string; actorId: number | null }>; revisions: Array<{ revision: number }> }>(await admin.get(`/api/staff/articles/${a.id}`).expect(200));
    expect(detail.events.map((e) => e.type)).to.deep.equal(['created', 'submitted', 'published', 'unpublished', 'edited']);
    expect(detail.revisions.map((r) => r.revision)).to.deep.equal([1, 2]);

    expect(errorOf(await writer.post('/api/staff/articles').send(draft('refund-scam')).expect(409)).code).to.equal('ARTICLE_SLUG_TAKEN');
    expect(errorOf(await writer.post('/api/staff/articles').send(draft('Bad Slug')).expect(400)).code).to.equal('VALIDATION_FAILED');
    // A cover comes from this site only (uploaded first): another site's would be fetched when
    // publishing to WeChat, and shown from that site to every reader.
    for (const cover of ['https://example.org/c.png', '//example.org/c.png', '/\\example.org/c.png']) {
      const refused = errorOf(await writer.post('/api/staff/articles').send({ ...draft('with-cover'), cover }).expect(400));
      expect(refused.code, cover).to.equal('VALIDATION_FAILED');
    }
    await writer.post('/api/staff/articles').send({ ...draft('with-cover'), cover: '/articles/images/c.png' }).expect(201);
  });

  it('a live article is corrected only by a publisher, and the public page shows the new text at once', async () => {
    const a = await create(writer, 'live-one');
    await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    await admin.post(`/api/staff/articles/${a.id}/publish`).expect(200);
    expect((await request(ctx.callback).get('/articles/live-one').expect(200)).text).to.include('真正的退款');

    const fix = { ...draft('x'), slug: undefined, body: '更正后的正文：**不要**转账。' };
    expect(errorOf(await writer.put(`/api/staff/articles/${a.id}`).send(fix).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
    const fixed = bodyOf<ArticleBody>(await reviewer.put(`/api/staff/articles/${a.id}`).send(fix).expect(200)).article;
    expect(fixed).to.include({ state: 'published', revision: 2 });
    const page = (await request(ctx.callback).get('/articles/live-one').expect(200)).text;
    expect(page).to.include('<strong>不要</strong>').and.not.include('真正的退款');
  });

  it('with articles.selfPublish an editor publishes their own article', async () => {
    await ctx.close();
    ctx = await articlesContext(undefined, { articles: { selfPublish: true } });
    const solo = (await staffAgent(ctx, { username: 'solo', role: 'editor' })).agent;
    const a = await create(solo, 'solo-piece');
    await solo.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    await solo.post(`/api/staff/articles/${a.id}/publish`).expect(200);
  });

  describe('four eyes: nobody publishes text they wrote or changed alone', () => {
    let third: Agent;
    beforeEach(async () => {
      third = (await staffAgent(ctx, { username: 'third', role: 'editor' })).agent;
    });
    const put = (agent: Agent, id: number, body: string) => agent.put(`/api/staff/articles/${id}`).send({ ...draft('x'), slug: undefined, body });
    const detail = async (agent: Agent, id: number) => bodyOf<ArticleBody>(await agent.get(`/api/staff/articles/${id}`).expect(200)).article;

    it('an editor who rewrote another\'s draft may not publish or schedule it; a third editor publishes', async () => {
      const a = await create(writer, 'rewritten');
      await put(reviewer, a.id, '审核人自己改写的正文。').expect(200);
      await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);

      const refused = errorOf(await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(403));
      expect(refused).to.include({ code: 'ARTICLE_NEEDS_PUBLISHER', message: '自己写过或改过的文章需要另一位编辑或管理员审核发布' });
      expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/schedule`).send({ at: '2026-05-02T00:00:00Z' }).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
      // The buttons say the same: the detail view judges with the writers.
      expect((await detail(reviewer, a.id)).allowedActions).to.not.include('publish').and.not.include('schedule');
      expect((await detail(third, a.id)).allowedActions).to.include('publish').and.include('schedule');

      const published = bodyOf<ArticleBody>(await third.post(`/api/staff/articles/${a.id}/publish`).expect(200)).article;
      expect(published).to.include({ state: 'published', revision: 2 });
      expect((await request(ctx.callback).get('/articles/rewritten').expect(200)).text).to.include('审核人自己改写的正文。');
    });

    it('a writer of any revision since the last publication stays refused after the author edits again', async () => {
      const a = await create(writer, 'three-hands');
      await put(reviewer, a.id, '第二版：审核人改的。').expect(200);
      await put(writer, a.id, '第三版：作者又改回来。').expect(200);
      await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
      expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
      expect(errorOf(await writer.post(`/api/staff/articles/${a.id}/publish`).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
      await third.post(`/api/staff/articles/${a.id}/publish`).expect(200);
      // The admin may always publish.
      await reviewer.post(`/api/staff/articles/${a.id}/unpublish`).expect(200);
      await admin.post(`/api/staff/articles/${a.id}/publish`).expect(200);
    });

    it('after publication: a publisher corrects as before; a correction\'s writer may not publish it again alone', async () => {
      const a = await create(writer, 'corrected');
      await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
      await third.post(`/api/staff/articles/${a.id}/publish`).expect(200);
      // The revisions before the publication were reviewed by it: the publisher corrects the live text.
      expect(errorOf(await put(writer, a.id, '作者想改').expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
      expect(bodyOf<ArticleBody>(await put(reviewer, a.id, '更正后的正文。').expect(200)).article).to.include({ state: 'published', revision: 2 });
      expect((await request(ctx.callback).get('/articles/corrected').expect(200)).text).to.include('更正后的正文。');
      // A publisher may correct the live text again: a correction is theirs alone, as before.
      await put(reviewer, a.id, '再次更正后的正文。').expect(200);

      // Withdrawn and published again: the correction's writer is a writer of the text under review.
      await writer.post(`/api/staff/articles/${a.id}/unpublish`).expect(200);
      expect((await detail(reviewer, a.id)).allowedActions).to.not.include('publish');
      expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
      await third.post(`/api/staff/articles/${a.id}/publish`).expect(200);
      // A new publication starts a new window: the reviewer may correct again.
      await put(reviewer, a.id, '第二次更正。').expect(200);
    });

    it('with articles.selfPublish the rule is off: the editor who rewrote a draft publishes it', async () => {
      const refusedFirst = await create(writer, 'self-rewritten');
      await put(reviewer, refusedFirst.id, '改写').expect(200);
      await reviewer.post(`/api/staff/articles/${refusedFirst.id}/submit`).expect(200);
      expect(errorOf(await reviewer.post(`/api/staff/articles/${refusedFirst.id}/publish`).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');

      await ctx.close();
      ctx = await articlesContext(undefined, { articles: { selfPublish: true } });
      const a1 = (await staffAgent(ctx, { username: 'a1', role: 'editor' })).agent;
      const b1 = (await staffAgent(ctx, { username: 'b1', role: 'editor' })).agent;
      const a = await create(a1, 'self-rewritten');
      await put(b1, a.id, '改写').expect(200);
      await b1.post(`/api/staff/articles/${a.id}/submit`).expect(200);
      expect((await detail(b1, a.id)).allowedActions).to.include('publish');
      await b1.post(`/api/staff/articles/${a.id}/publish`).expect(200);
    });

    it('an imported article (no human author) stays publishable by any editor, except by one who changed it since', async () => {
      await ctx.close();
      const folder = new ContentFolder();
      folder.write({ slug: 'imported-one', title: '导入的文章', body: '导入的正文。' });
      try {
        ctx = await articlesContext(folder);
        const e1 = (await staffAgent(ctx, { username: 'e1', role: 'editor' })).agent;
        const e2 = (await staffAgent(ctx, { username: 'e2', role: 'editor' })).agent;
        const imported = await ctx.services.articles.repo.publishedBySlug('imported-one');
        expect(imported).to.include({ createdBy: null });
        const id = imported!.id;
        await e1.post(`/api/staff/articles/${id}/unpublish`).expect(200);
        expect((await detail(e1, id)).allowedActions).to.include('publish');
        await e1.post(`/api/staff/articles/${id}/publish`).expect(200);
        // A correction by e1, withdrawn: e1 wrote the text under review now, e2 did not.
        await put(e1, id, '编辑更正的正文。').expect(200);
        await e1.post(`/api/staff/articles/${id}/unpublish`).expect(200);
        expect(errorOf(await e1.post(`/api/staff/articles/${id}/publish`).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
        await e2.post(`/api/staff/articles/${id}/publish`).expect(200);
      } finally {
        folder.remove();
      }
    });
  });

  it('schedules a publication: the sweep publishes it when due, not before', async () => {
    const a = await create(writer, 'scheduled-piece');
    await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    expect(errorOf(await writer.post(`/api/staff/articles/${a.id}/schedule`).send({ at: '2026-05-02T00:00:00Z' }).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/schedule`).send({ at: '2026-04-30T00:00:00Z' }).expect(400)).code).to.equal('ARTICLE_SCHEDULE_PAST');
    const s = bodyOf<ArticleBody>(await reviewer.post(`/api/staff/articles/${a.id}/schedule`).send({ at: '2026-05-01T08:00:00+08:00' }).expect(200)).article;
    expect(s).to.include({ state: 'in_review' });
    expect(new Date(String(s.publishAt)).toISOString()).to.equal('2026-05-01T00:00:00.000Z');

    const articles = ctx.services.articles;
    expect(await articles.sweep(new Date('2026-04-30T23:59:59.000Z'))).to.deep.equal([]);
    await request(ctx.callback).get('/articles/scheduled-piece').expect(404);
    expect(await articles.sweep(new Date('2026-05-01T00:00:30.000Z'))).to.deep.equal(['scheduled-piece']);
    expect(await articles.sweep(new Date('2026-05-01T00:01:30.000Z'))).to.deep.equal([]);
    const live = await articles.repo.publishedBySlug('scheduled-piece');
    expect(live).to.include({ publishAt: null });
    expect(live!.publishedAt!.toISOString()).to.equal('2026-05-01T00:00:30.000Z');
    const events = bodyOf<{ events: Array<{ type: string; actorId: number | null; data: Record<string, unknown> | null }> }>(await admin.get(`/api/staff/articles/${a.id}`).expect(200)).events;
    expect(events.map((e) => e.type)).to.deep.equal(['created', 'submitted', 'scheduled', 'published']);
    expect(events[3]).to.deep.include({ actorId: null, data: { scheduled: true, publishAt: '2026-05-01T00:00:00.000Z' } });
  });

  it('editing a scheduled article cancels the schedule (it goes back to draft)', async () => {
    const a = await create(writer, 'changed-mind');
    await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    await reviewer.post(`/api/staff/articles/${a.id}/schedule`).send({ at: '2026-05-02T00:00:00Z' }).expect(200);
    await writer.put(`/api/staff/articles/${a.id}`).send({ ...draft('x'), slug: undefined, body: '改了' }).expect(200);
    expect(await ctx.services.articles.sweep(new Date('2026-05-03T00:00:00Z'))).to.deep.equal([]);
  });
});

describe(`articles: public pages, ETag, feed and sitemap (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let folder: ContentFolder;
  before(async () => {
    folder = new ContentFolder();
    for (let i = 1; i <= 12; i += 1) {
      folder.write({
        slug: `piece-${i}`, title: `第${i}篇 <文章> & “引号”`, body: `正文 ${i}\n\n## 小标题`, tags: i % 3 === 0 ? ['防诈_指南', '100%'] : ['平安'],
        date: `2025-01-${String(i).padStart(2, '0')}`, ...(i === 12 ? { cover: '/img/cover.png' } : {}),
      });
    }
    ctx = await articlesContext(folder);
    const writer = (await staffAgent(ctx, { username: 'writer', role: 'editor' })).agent;
    await writer.post('/api/staff/articles').send(draft('still-draft')).expect(201);
  });
  after(async () => {
    await ctx.close();
    folder.remove();
  });

  it('lists published articles newest first, ten a page, and by tag', async () => {
    const p1 = bodyOf<PublicList>(await request(ctx.callback).get('/api/articles').expect(200));
    expect(p1).to.include({ total: 12, page: 1, pages: 2 });
    expect(p1.items.map((a) => a.slug).slice(0, 3)).to.deep.equal(['piece-12', 'piece-11', 'piece-10']);
    const p2 = bodyOf<PublicList>(await request(ctx.callback).get('/api/articles?page=2').expect(200));
    expect(p2.items.map((a) => a.slug)).to.deep.equal(['piece-2', 'piece-1']);
    // LIKE's wildcards in a tag are plain characters.
    const tagged = bodyOf<PublicList>(await request(ctx.callback).get(`/api/articles?tag=${encodeURIComponent('防诈_指南')}`).expect(200));
    expect(tagged.items.map((a) => a.slug)).to.deep.equal(['piece-12', 'piece-9', 'piece-6', 'piece-3']);
    expect(bodyOf<PublicList>(await request(ctx.callback).get(`/api/articles?tag=${encodeURIComponent('防诈%')}`).expect(200)).total).to.equal(0);
    expect(bodyOf<PublicList>(await request(ctx.callback).get(`/api/articles?tag=100%25`).expect(200)).total).to.equal(4);

    const html = (await request(ctx.callback).get('/articles?page=2').expect(200)).text;
    expect(html).to.include('第 2 页，共 2 页').and.include('href="/articles/piece-1"').and.not.include('still-draft');
    expect(html).to.include('第1篇 &lt;文章&gt; &amp; “引号”');
    expect(html).not.to.match(/<script/i);
  });

  it('shows one article with description and Open Graph meta, and 404 for drafts and unknown slugs', async () => {
    const res = await request(ctx.callback).get('/articles/piece-12').expect(200);
    expect(res.headers['cache-control']).to.equal('public, max-age=300');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(res.headers['content-security-policy']).to.include("script-src 'self'");
    expect(res.text).to.include('<meta name="description" content="第12篇 &lt;文章&gt; &amp; “引号”的摘要">');
    expect(res.text).to.include('<meta property="og:title" content="第12篇 &lt;文章&gt; &amp; “引号”">');
    expect(res.text).to.include(`<meta property="og:image" content="${ctx.config.publicOrigin}/img/cover.png">`);
    expect(res.text).to.include(`<meta property="og:url" content="${ctx.config.publicOrigin}/articles/piece-12">`);
    expect(res.text).to.include('<time datetime="2025-01-12">2025-01-12</time>');
    expect(res.text).to.include('<h2 id="小标题">');
    expect(res.text).not.to.include('工作台');

    for (const path of ['/articles/still-draft', '/articles/no-such-thing', '/articles/NOT%20A%20SLUG']) {
      const miss = await request(ctx.callback).get(path).expect(404);
      expect(miss.text).to.include('没有找到这篇文章');
    }
    expect(errorOf(await request(ctx.callback).get('/api/articles/still-draft').expect(404)).code).to.equal('ARTICLE_NOT_FOUND');
    const one = bodyOf<{ article: { slug: string; html: string } }>(await request(ctx.callback).get('/api/articles/piece-3').expect(200));
    expect(one.article.html).to.include('<p>正文 3</p>');
  });

  it('answers 304 to a matching If-None-Match, on pages, JSON, the feed and the sitemap', async () => {
    for (const path of ['/articles', '/articles/piece-1', '/api/articles', '/api/articles/piece-1', '/articles/feed.atom', '/sitemap.xml']) {
      const first = await request(ctx.callback).get(path).expect(200);
      const etag = first.headers.etag as string;
      expect(etag, path).to.match(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control'], path).to.equal('public, max-age=300');
      const again = await request(ctx.callback).get(path).set('If-None-Match', etag).expect(304);
      expect(again.text ?? '', path).to.equal('');
      await request(ctx.callback).get(path).set('If-None-Match', '"other"').expect(200);
    }
  });

  it('serves an Atom feed and a sitemap of the published articles only', async () => {
    const feed = await request(ctx.callback).get('/articles/feed.atom').expect(200);
    expect(feed.headers['content-type']).to.equal('application/atom+xml; charset=utf-8');
    const atom = feed.text;
    expect(atom.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).to.equal(true);
    expect(atom.match(/<entry>/g)).to.have.length(12);
    expect(atom).to.include('<title>第1篇 &lt;文章&gt; &amp; “引号”</title>');
    expect(atom).to.include(`<id>${ctx.config.publicOrigin}/articles/piece-1</id>`);
    expect(atom).to.include('<content type="html">&lt;p&gt;正文 1&lt;/p&gt;');
    expect(atom).not.to.include('still-draft');

    const map = await request(ctx.callback).get('/sitemap.xml').expect(200);
    expect(map.headers['content-type']).to.equal('application/xml; charset=utf-8');
    expect(map.text.match(/<url>/g)).to.have.length(13);
    expect(map.text).to.include(`<loc>${ctx.config.publicOrigin}/articles/piece-12</loc>`);
    expect(map.text).not.to.include('still-draft');
  });
});
