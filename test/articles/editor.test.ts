// The editor pages over HTTP, as a browser without JavaScript uses them: the 「预览」 post (the
// same renderer, the text kept), the live-preview fragment, a save from a stale revision, the
// author's refused publish, scheduling in Beijing time, the revision diff, and image upload
// (bytes checked, not names; served with a year's cache).
import { expect } from 'chai';
import request from 'supertest';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, type Agent } from '../tips/helpers.js';
import { renderMarkdown } from '../../src/articles/render.js';
import { consoleAgent, editorialStaff, tinyPng } from './editor-helpers.js';
import { articlesContext } from './helpers.js';

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const textareaOf = (html: string) => unescape(/<textarea id="f-body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');
const previewOf = (html: string) => /<div id="preview"[^>]*>([\s\S]*?)<\/div>\s*<\/div>\s*<\/div>/.exec(html)?.[1]?.trim() ?? '';
const baseOf = (html: string) => /name="baseRevision" value="(\d*)"/.exec(html)?.[1] ?? '';

const fields = (over: Record<string, string> = {}) => ({
  title: '冒充客服退款诈骗', slug: 'refund-scam', summary: '“客服”说要给你退款，先挂电话。', author: '市反诈中心', tags: '反诈，网购',
  cover: '', body: '## 怎么识别\n\n真正的退款不需要你提供验证码。\n\n<script>alert(1)</script>', ...over,
});

describe(`articles: editor pages over HTTP (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let now: Date;
  let writer: { agent: Agent; token: string };
  let reviewer: { agent: Agent; token: string };
  let third: { agent: Agent; token: string };
  const origin = () => ctx.config.publicOrigin;
  const post = (who: { agent: Agent; token: string }, path: string, body: Record<string, string>) =>
    who.agent.post(path).set('Origin', origin()).type('form').send({ _csrf: who.token, ...body });

  before(async () => {
    now = new Date('2026-04-30T02:00:00.000Z');
    ctx = await articlesContext(undefined, {}, { now: () => now });
    ({ writer, reviewer } = await editorialStaff(ctx));
    await addStaff(ctx, { username: 'third', role: 'editor', displayName: '张编辑' });
    third = await consoleAgent(ctx, 'third');
  });
  after(async () => { await ctx.close(); });

  let id = 0;
  it('previews without JavaScript: the same renderer, beside the text, which is kept', async () => {
    const res = await post(writer, '/staff/articles/new', { ...fields(), intent: 'preview' }).expect(200);
    expect(textareaOf(res.text)).to.equal(fields().body);
    expect(previewOf(res.text)).to.equal(renderMarkdown(fields().body).trim());
    expect(res.text).to.contain('<h2 id="怎么识别">');
    // The raw HTML in the body is text in the preview, never a script element.
    expect(res.text).not.to.contain('<script>alert(1)</script>');
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Nothing was saved.
    expect(await ctx.services.articles.repo.listAll({ limit: 10 })).to.have.length(0);

    // The live preview's fragment is the renderer's output for the posted text, CRLF or not.
    const fragment = await post(writer, '/staff/articles/preview', { body: '# 标题\r\n\r\n[链接](javascript:alert(1))' }).expect(200);
    expect(fragment.type).to.equal('text/html');
    expect(fragment.text).to.equal(renderMarkdown('# 标题\n\n[链接](javascript:alert(1))'));
    expect(fragment.text).not.to.contain('href="javascript');
    // Without the page's token it is refused.
    await writer.agent.post('/staff/articles/preview').set('Origin', origin()).type('form').send({ body: 'x' }).expect(403);
  });

  it('saves a new article as a draft; a bad slug is shown beside its field with the text kept', async () => {
    const bad = await post(writer, '/staff/articles/new', { ...fields({ slug: 'Bad Slug' }), intent: 'save' }).expect(400);
    expect(bad.text).to.contain('id="f-slug-error"');
    expect(textareaOf(bad.text)).to.equal(fields().body);
    const ok = await post(writer, '/staff/articles/new', { ...fields(), intent: 'save' }).expect(303);
    const m = /^\/staff\/articles\/(\d+)\/edit\?done=created$/.exec(ok.headers.location ?? '');
    expect(m, ok.headers.location).to.not.equal(null);
    id = Number(m![1]);
    const article = (await ctx.services.articles.repo.byId(id))!;
    expect(article.state).to.equal('draft');
    expect(JSON.parse(article.tags)).to.deep.equal(['反诈', '网购']);
    const list = await writer.agent.get('/staff/articles').expect(200);
    expect(list.text).to.contain('冒充客服退款诈骗').and.contain('草稿').and.contain('王编辑');
  });

  it('a save from a stale revision is refused with a clear message, the text kept; saving again overwrites', async () => {
    const mine = await writer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    const theirs = await reviewer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(baseOf(mine.text)).to.equal('1');
    await post(reviewer, `/staff/articles/${id}/edit`, { ...fields({ body: '审核人改的正文' }), baseRevision: baseOf(theirs.text), intent: 'save' }).expect(303);

    const myText = '## 怎么识别\n\n我的新段落。';
    const stale = await post(writer, `/staff/articles/${id}/edit`, { ...fields({ body: myText }), baseRevision: '1', intent: 'save' }).expect(409);
    expect(stale.text).to.contain('别人保存了新的版本（第 2 版）').and.contain('你的修改还在下面，没有保存');
    expect(textareaOf(stale.text)).to.equal(myText);
    expect(baseOf(stale.text)).to.equal('2');
    expect((await ctx.services.articles.repo.byId(id))!.body).to.equal('审核人改的正文');

    await post(writer, `/staff/articles/${id}/edit`, { ...fields({ body: myText }), baseRevision: '2', intent: 'save' }).expect(303);
    expect((await ctx.services.articles.repo.byId(id))!).to.include({ body: myText, revision: 3 });
  });

  it('the author submits but may not publish; the page offers only what the rules allow; a second editor publishes', async () => {
    await post(writer, `/staff/articles/${id}/submit`, {}).expect(303);
    const page = await writer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(page.text).to.contain('待审核').and.not.contain(`/staff/articles/${id}/publish`);
    expect(page.text).to.contain('id="needs-publisher"');

    const refused = await post(writer, `/staff/articles/${id}/publish`, {}).expect(403);
    expect(refused.text).to.contain('自己写过或改过的文章需要另一位编辑或管理员审核发布');
    expect((await ctx.services.articles.repo.byId(id))!.state).to.equal('in_review');

    // The reviewer saved revision 2 above: a writer of the text under review, not its publisher either.
    const reviewers = await reviewer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(reviewers.text).to.contain('id="needs-publisher"').and.not.contain(`/staff/articles/${id}/publish`).and.not.contain('id="schedule-form"');
    expect((await post(reviewer, `/staff/articles/${id}/publish`, {}).expect(403)).text).to.contain('自己写过或改过的文章需要另一位编辑或管理员审核发布');

    const theirs = await third.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(theirs.text).to.contain(`/staff/articles/${id}/publish`).and.contain('id="schedule-form"');
    expect((await post(third, `/staff/articles/${id}/publish`, {}).expect(303)).headers.location).to.equal(`/staff/articles/${id}/edit?done=published`);
    await request(ctx.callback).get('/articles/refund-scam').expect(200);

    // Roles without article rights: no page, no menu entry.
    const triage = await consoleAgent(ctx, 'triage1', '/staff/queue');
    await triage.agent.get('/staff/articles').expect(403);
    await post(triage, `/staff/articles/${id}/unpublish`, {}).expect(403);
    expect((await triage.agent.get('/staff/queue').expect(200)).text).not.to.contain('href="/staff/articles"');
    const writerHome = await writer.agent.get('/staff/articles').expect(200);
    expect(writerHome.text).to.match(/<nav class="nav"[\s\S]*href="\/staff\/articles"[^>]*>文章<\/a>/);
  });

  it('schedules in Beijing time, refuses a past time beside the form, and withdraws to draft', async () => {
    await post(reviewer, `/staff/articles/${id}/unpublish`, {}).expect(303);
    await post(writer, `/staff/articles/${id}/draft`, { baseRevision: '3' }).expect(303);
    expect((await ctx.services.articles.repo.byId(id))!.state).to.equal('draft');
    await post(writer, `/staff/articles/${id}/submit`, {}).expect(303);

    const past = await post(reviewer, `/staff/articles/${id}/schedule`, { at: '2026-04-30T09:00' }).expect(400);
    expect(past.text).to.contain('定时发布的时间必须晚于现在');
    await post(reviewer, `/staff/articles/${id}/schedule`, { at: '2026-05-01T08:30' }).expect(303);
    const row = (await ctx.services.articles.repo.byId(id))!;
    expect(row.publishAt?.toISOString()).to.equal('2026-05-01T00:30:00.000Z');
    const page = await reviewer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(page.text).to.contain('将于 2026-05-01 08:30（北京时间）自动发布').and.contain('value="2026-05-01T08:30"');
    await post(reviewer, `/staff/articles/${id}/unschedule`, {}).expect(303);
    expect((await ctx.services.articles.repo.byId(id))!.publishAt).to.equal(null);
  });

  it('shows a line diff between a revision and the one before, escaped', async () => {
    const page = await writer.agent.get(`/staff/articles/${id}/revisions?rev=3`).expect(200);
    expect(page.text).to.contain('第 3 版相对第 2 版的改动');
    expect(page.text).to.match(/diff-line diff-del[\s\S]*?<span class="text" role="cell">审核人改的正文<\/span>/);
    expect(page.text).to.match(/diff-line diff-add[\s\S]*?<span class="text" role="cell">我的新段落。<\/span>/);
    const first = await writer.agent.get(`/staff/articles/${id}/revisions?rev=1`).expect(200);
    expect(first.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.contain('<script>alert(1)</script>');
    expect(first.text).to.contain('李审核').and.contain('提交审核');
  });

  it('marks the form unsaved when it comes back holding typed text, so editor.js warns before leaving', async () => {
    const formTag = (html: string) => /<form [^>]*id="editor-form"[^>]*>/.exec(html)![0];
    const noteOf = (html: string) => /<p id="unsaved-note"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    const saved = await writer.agent.get(`/staff/articles/${id}/edit`).expect(200);
    expect(formTag(saved.text)).to.contain('data-warn-unsaved').and.not.contain('data-unsaved');
    expect(noteOf(saved.text)).to.equal('');
    // 「预览」 without JavaScript: the typed text is on the form, not saved.
    const previewed = await post(writer, `/staff/articles/${id}/edit`, { ...fields({ body: '还没保存的正文' }), baseRevision: baseOf(saved.text), intent: 'preview' }).expect(200);
    expect(formTag(previewed.text)).to.contain('data-unsaved');
    expect(noteOf(previewed.text)).to.equal('有修改还没保存');
    // The same text as saved is not a change.
    const article = (await ctx.services.articles.repo.byId(id))!;
    const same = await post(writer, `/staff/articles/${id}/edit`, {
      ...fields({ title: article.title, summary: article.summary, author: article.author, body: article.body, tags: (JSON.parse(article.tags) as string[]).join('，') }),
      baseRevision: baseOf(saved.text), intent: 'preview',
    }).expect(200);
    expect(formTag(same.text)).not.to.contain('data-unsaved');
    const blank = await writer.agent.get('/staff/articles/new').expect(200);
    expect(formTag(blank.text)).not.to.contain('data-unsaved');
  });

  it('uploads a PNG (served a year under its hash) and refuses a non-image named .png', async () => {
    const upload = (who: { agent: Agent; token: string }, file: Buffer, name: string, json: boolean, token = who.token) => {
      const req = who.agent.post(`/staff/articles/${id}/images`).set('Origin', origin()).field('_csrf', token)
        .attach('image', file, { filename: name, contentType: 'image/png' });
      return json ? req.set('Accept', 'application/json') : req;
    };
    const fake = Buffer.concat([Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')]);
    const refused = await upload(writer, fake, 'photo.png', true).expect(400);
    expect((refused.body as { error: { code: string } }).error.code).to.equal('IMAGE_NOT_ACCEPTED');
    const noJs = await upload(writer, fake, 'photo.png', false).expect(303);
    expect(noJs.headers.location).to.equal(`/staff/articles/${id}/edit?image-error=not-image#images`);
    // A PNG header on bytes that are not a whole PNG is refused too.
    await upload(writer, tinyPng().subarray(0, 40), 'cut.png', true).expect(400);
    await upload(writer, Buffer.alloc(2 * 1024 * 1024 + 10, 1), 'big.png', true).expect((r) => expect(r.status).to.be.oneOf([400, 413]));
    await upload(writer, tinyPng(), 'ok.png', true, 'forged').expect(403);

    const ok = await upload(writer, tinyPng(3, 2), '随便.jpg', true).expect(200);
    const { url, markdown } = ok.body as { url: string; markdown: string };
    expect(url).to.match(/^\/articles\/images\/[0-9a-f]{64}\.png$/);
    expect(markdown).to.equal(`![](${url})`);
    const img = await request(ctx.callback).get(url).expect(200);
    expect(img.headers['content-type']).to.equal('image/png');
    expect(img.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(Buffer.compare(img.body as Buffer, tinyPng(3, 2))).to.equal(0);
    await request(ctx.callback).get(url).set('If-None-Match', String(img.headers.etag)).expect(304);
    await request(ctx.callback).get(url.replace('.png', '.jpg')).expect(404);

    // Near the limit: the whole image is kept (MEDIUMBLOB on MariaDB) and served back.
    const large = tinyPng(4, 4, 2 * 1024 * 1024 - 200);
    const big = (await upload(writer, large, 'large.png', true).expect(200)).body as { url: string };
    const served = await request(ctx.callback).get(big.url).expect(200);
    expect(Buffer.compare(served.body as Buffer, large)).to.equal(0);

    const again = await upload(writer, tinyPng(3, 2), 'again.png', false).expect(303);
    expect(again.headers.location).to.match(/edit\?done=image&image=[0-9a-f]{64}\.png#images$/);
    const page = await writer.agent.get(again.headers.location!.replace('#images', '')).expect(200);
    expect(page.text).to.contain(`value="![](${url})"`);
  });

  it('lists an image under every article it was uploaded for, the latest upload first', async () => {
    const upload = (articleId: number, file: Buffer) => writer.agent.post(`/staff/articles/${articleId}/images`).set('Origin', origin())
      .field('_csrf', writer.token).attach('image', file, { filename: 'p.png', contentType: 'image/png' }).set('Accept', 'application/json').expect(200);
    const listed = async (articleId: number) => Array.from(
      (await writer.agent.get(`/staff/articles/${articleId}/edit`).expect(200)).text.matchAll(/<li><img src="(\/articles\/images\/[0-9a-f]{64}\.png)"/g), (m) => m[1]!,
    );
    const made = await post(writer, '/staff/articles/new', { ...fields({ slug: 'second-with-image', title: '第二篇' }), intent: 'save' }).expect(303);
    const second = Number(/^\/staff\/articles\/(\d+)\/edit/.exec(made.headers.location ?? '')![1]);
    const small = ((await upload(second, tinyPng(3, 2))).body as { url: string }).url;
    const fresh = ((await upload(second, tinyPng(5, 5))).body as { url: string }).url;
    // The first picture was uploaded for the first article before: stored once, listed here too.
    expect(await listed(second)).to.deep.equal([fresh, small]);
    expect(await listed(id)).to.include(small).and.not.include(fresh);
    now = new Date(now.getTime() + 60_000);
    await upload(second, tinyPng(3, 2));
    expect(await listed(second)).to.deep.equal([small, fresh]);
  });
});
