// Publishing articles to WeChat (src/articles/wechat-publish.ts) against the local fake WeChat
// API: the whole freepublish flow, images and cover, failures midway and retries that make no
// second draft and no second send, the mass-send quota, and who may ask.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { bodyOf, errorOf } from '../support/api.js';
import { staffAgent, type Agent } from '../tips/helpers.js';
import type { staffArticleView } from '../../src/articles/routes.js';
import type { MassQuota, WechatPublication } from '../../src/articles/wechat-publish.js';
import { imageSources, wechatContent } from '../../src/articles/wechat-html.js';
import { renderMarkdown } from '../../src/articles/render.js';
import { PROJECT_ROOT } from '../../src/web/paths.js';
import { articlesContext } from './helpers.js';

interface ArticleBody { article: Awaited<ReturnType<typeof staffArticleView>> }
interface RequestBody { request: WechatPublication; quota: MassQuota }
interface ListBody { requests: WechatPublication[]; quota: MassQuota }

const COVER_FILE = readFileSync(path.join(PROJECT_ROOT, 'content/articles/wechat-cover.png'));
/** A PNG (the shipped cover's bytes) and a minimal JPEG: what WeChat checks is the leading bytes. */
const PNG = COVER_FILE;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

/** Our site's images (the public origin in these tests) and another site's, over HTTP. */
async function imageServer(): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const files: Record<string, { type: string; data: Buffer }> = {
    '/articles/images/a1.png': { type: 'image/png', data: PNG },
    '/img/cover.jpg': { type: 'image/jpeg', data: JPEG },
    '/elsewhere/photo.jpg': { type: 'image/jpeg', data: JPEG },
    '/big.png': { type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]) },
    '/anim.gif': { type: 'image/gif', data: GIF },
  };
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.data.length) }).end(file.data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe(`articles: publishing to WeChat (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let images: Awaited<ReturnType<typeof imageServer>>;
  let now: Date;
  let writer: Agent;
  let reviewer: Agent;
  let triage: Agent;

  before(async () => {
    images = await imageServer();
  });
  after(() => {
    images.server.closeAllConnections();
    images.server.close();
  });
  beforeEach(async () => {
    // 04:00 on 1 May in China: the quota day is 2026-05-01.
    now = new Date('2026-04-30T20:00:00.000Z');
    ctx = await articlesContext(undefined, { publicOrigin: images.origin }, { now: () => now });
    writer = (await staffAgent(ctx, { username: 'writer', role: 'editor' })).agent;
    reviewer = (await staffAgent(ctx, { username: 'reviewer', role: 'editor' })).agent;
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
  });
  afterEach(async () => {
    await ctx.close();
  });

  const BODY = [
    '## 怎么识别',
    '',
    '![接警现场](/articles/images/a1.png)',
    '',
    `真正的退款不需要你[提供验证码](https://www.gov.cn)，详见[报警指南](/articles/how-to-report)。`,
    '',
    '![宣传海报](/elsewhere/photo.jpg)',
    '',
    // Another site's image shows as its words and is never fetched.
    '![外站图片](http://127.0.0.1:9/other.png)',
    '',
    '再看一次：![接警现场](/articles/images/a1.png)',
  ].join('\n');

  /** An article written by `writer` and published by `reviewer`. */
  async function published(slug: string, over: Record<string, unknown> = {}) {
    const a = bodyOf<ArticleBody>(await writer.post('/api/staff/articles').send({
      slug, title: '冒充客服退款诈骗', summary: '“客服”说要给你退款，先挂电话。', tags: ['反诈'], author: '市反诈中心',
      body: BODY.replace('__ORIGIN__', images.origin), ...over,
    }).expect(201)).article;
    await writer.post(`/api/staff/articles/${a.id}/submit`).expect(200);
    await reviewer.post(`/api/staff/articles/${a.id}/publish`).expect(200);
    return a;
  }

  const ask = async (agent: Agent, id: number, body: Record<string, unknown>, status = 201) =>
    bodyOf<RequestBody>(await agent.post(`/api/staff/articles/${id}/wechat`).send(body).expect(status));
  const retry = async (id: number, requestId: number) =>
    bodyOf<RequestBody>(await reviewer.post(`/api/staff/articles/${id}/wechat/${requestId}/retry`).expect(200)).request;
  const callsTo = (p: string) => ctx.fakeWechat.calls.filter((c) => c.path === p).length;
  const apiCalls = () => ctx.fakeWechat.calls.filter((c) => c.path !== '/cgi-bin/stable_token').length;

  it('publishes: images uploaded and swapped, the cover as permanent material, a draft, submit, then the sweep records success and the URL', async () => {
    const a = await published('refund-scam', { cover: '/img/cover.jpg' });
    const { request: r } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(r).to.include({ state: 'submitted', channel: 'freepublish', revision: 1, imagesUploaded: 2, error: null });
    expect(r.steps.map((s) => [s.step, s.done])).to.deep.equal([['images', true], ['cover', true], ['draft', true], ['submit', true], ['status', false]]);

    // Two distinct images (one used twice): two uploads; our own one was fetched from the public origin.
    expect(callsTo('/cgi-bin/media/uploadimg')).to.equal(2);
    expect(images.hits).to.include('/articles/images/a1.png').and.include('/elsewhere/photo.jpg');
    const [article] = ctx.fakeWechat.draft(r.draftMediaId!)!;
    const srcs = imageSources(article!.content);
    expect(srcs).to.have.length(2);
    for (const src of srcs) {
      expect(src).to.match(/^http:\/\/mmbiz\.qpic\.cn\//);
      expect(ctx.fakeWechat.uploadedImage(src)).to.not.equal(undefined);
    }
    expect(article!.content.match(/<img /g)).to.have.length(3);
    expect(article!.content).to.include('外站图片').and.not.include('127.0.0.1:9');
    expect(article!.content).to.not.include('/articles/images/').and.not.include('class="anchor"').and.not.include('<a ');
    expect(article!.content).to.include('提供验证码（https://www.gov.cn/）').and.include(`报警指南（${images.origin}/articles/how-to-report）`);
    expect(article).to.include({ title: '冒充客服退款诈骗', author: '市反诈中心', content_source_url: `${images.origin}/articles/refund-scam` });

    // The cover went through permanent material: the draft names it, with our JPEG's bytes.
    const cover = ctx.fakeWechat.material(article!.thumb_media_id);
    expect(cover).to.include({ filename: 'cover.jpg', contentType: 'image/jpeg' });
    expect(cover!.data.equals(JPEG)).to.equal(true);

    // freepublish/get says "publishing" once, then success with the article's URL.
    expect(await ctx.services.articles.wechatSweep()).to.deep.equal([]);
    let list = bodyOf<ListBody>(await writer.get(`/api/staff/articles/${a.id}/wechat`).expect(200));
    expect(list.requests[0]).to.include({ state: 'submitted', wechatStatus: '1', statusLabel: '发布中' });
    expect(await ctx.services.articles.wechatSweep()).to.deep.equal([r.id]);
    list = bodyOf<ListBody>(await writer.get(`/api/staff/articles/${a.id}/wechat`).expect(200));
    expect(list.requests[0]).to.include({ state: 'done', wechatStatus: '0', statusLabel: '发布成功', stateLabel: '已完成', canRetry: false });
    expect(list.requests[0]!.articleUrl).to.match(/^https:\/\/mp\.weixin\.qq\.com\/s\//);
    expect(list.requests[0]!.steps.every((s) => s.done)).to.equal(true);
    expect(callsTo('/cgi-bin/freepublish/submit')).to.equal(1);
    expect(ctx.fakeWechat.draftCount).to.equal(1);
  });

  it('only a draft: images, cover and the draft, then done, with nothing submitted or sent; a tag is refused', async () => {
    const a = await published('draft-only', { cover: '/img/cover.jpg' });
    const { request: r } = await ask(reviewer, a.id, { channel: 'draft' });
    expect(r).to.include({ state: 'done', channel: 'draft', channelLabel: '只存草稿', error: null });
    expect(r.steps.map((s) => [s.step, s.done])).to.deep.equal([['images', true], ['cover', true], ['draft', true]]);
    expect(ctx.fakeWechat.draft(r.draftMediaId!)).to.have.length(1);
    expect(callsTo('/cgi-bin/freepublish/submit') + callsTo('/cgi-bin/message/mass/sendall')).to.equal(0);
    // Done: the sweep has nothing to ask WeChat about it, and another draft of this version may follow.
    const before = apiCalls();
    await ctx.services.articles.wechatSweep();
    expect(apiCalls()).to.equal(before);
    expect((await ask(reviewer, a.id, { channel: 'draft' })).request).to.include({ state: 'done' });
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'draft', toAll: true }).expect(400)).code).to.equal('VALIDATION_FAILED');
  });

  it('an article without a cover gets the shipped default cover', async () => {
    const a = await published('no-cover');
    const { request: r } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(r.state).to.equal('submitted');
    const cover = ctx.fakeWechat.material(r.coverMediaId!);
    expect(cover).to.include({ filename: 'cover.png', contentType: 'image/png' });
    expect(cover!.data.equals(COVER_FILE)).to.equal(true);
  });

  it('a draft/add failure is recorded with WeChat\'s answer; the retry resumes and leaves exactly one draft', async () => {
    const a = await published('draft-fails');
    ctx.fakeWechat.failNext('/cgi-bin/draft/add', 45009);
    const { request: failed } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(failed).to.include({ state: 'failed', canRetry: true, draftMediaId: null });
    expect(failed.error).to.deep.include({ step: 'draft', errcode: 45009, errmsg: 'forced failure 45009' });
    expect(failed.steps.filter((s) => s.done).map((s) => s.step)).to.deep.equal(['images', 'cover']);
    expect(ctx.fakeWechat.draftCount).to.equal(0);

    // A second request for the same revision is refused while this one is unfinished.
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'freepublish' }).expect(409)).code).to.equal('ARTICLE_WECHAT_PENDING');

    const done = await retry(a.id, failed.id);
    expect(done).to.include({ state: 'submitted', attempts: 2 });
    expect(ctx.fakeWechat.draftCount).to.equal(1);
    // Images and cover were not uploaded again.
    expect(callsTo('/cgi-bin/media/uploadimg')).to.equal(2);
    expect(callsTo('/cgi-bin/material/add_material')).to.equal(1);
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/wechat/${failed.id}/retry`).expect(409)).code).to.equal('ARTICLE_WECHAT_NOT_RETRYABLE');
  });

  it('a freepublish/submit failure, then the retry submits the recorded draft: no second draft', async () => {
    const a = await published('submit-fails');
    ctx.fakeWechat.failNext('/cgi-bin/freepublish/submit', -1);
    const { request: failed } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(failed).to.include({ state: 'failed' });
    expect(failed.error).to.deep.include({ step: 'submit', errcode: -1, hint: '连接微信失败或微信繁忙，请稍后重试' });
    expect(failed.draftMediaId).to.be.a('string');

    const done = await retry(a.id, failed.id);
    expect(done).to.include({ state: 'submitted', draftMediaId: failed.draftMediaId });
    expect(callsTo('/cgi-bin/draft/add')).to.equal(1);
    expect(callsTo('/cgi-bin/freepublish/submit')).to.equal(2);
    expect(ctx.fakeWechat.draftCount).to.equal(1);
    const submitted = ctx.fakeWechat.calls.filter((c) => c.path === '/cgi-bin/freepublish/submit').map((c) => c.body);
    expect(submitted).to.deep.equal([{ media_id: failed.draftMediaId }, { media_id: failed.draftMediaId }]);
  });

  it('mass-sends within the daily quota; the second send the same China day is refused here, calling nothing', async () => {
    const a = await published('mass-one');
    const b = await published('mass-two');
    const first = await ask(reviewer, a.id, { channel: 'mass', toAll: true });
    expect(first.request).to.include({ state: 'submitted', channel: 'mass', toAll: true });
    expect(first.quota).to.deep.equal({ day: '2026-05-01', perDay: 1, used: 1, left: 0 });
    expect(ctx.fakeWechat.massSends).to.have.length(1);
    expect(ctx.fakeWechat.massSends[0]).to.include({ to: 'all', msgtype: 'mpnews', content: first.request.draftMediaId });
    expect(ctx.fakeWechat.massSends[0]!.clientMsgId).to.be.a('string').and.have.length.above(0);

    expect(await ctx.services.articles.wechatSweep()).to.deep.equal([first.request.id]);
    const list = bodyOf<ListBody>(await reviewer.get(`/api/staff/articles/${a.id}/wechat`).expect(200));
    expect(list.requests[0]).to.include({ state: 'done', wechatStatus: 'SEND_SUCCESS', statusLabel: '群发成功' });

    const before = apiCalls();
    const refused = await reviewer.post(`/api/staff/articles/${b.id}/wechat`).send({ channel: 'mass', tagId: 2 }).expect(409);
    expect(errorOf(refused)).to.include({ code: 'ARTICLE_WECHAT_QUOTA' });
    expect(errorOf(refused).message).to.include('今天的群发次数已用完（每天 1 次）');
    expect(apiCalls()).to.equal(before);
    expect(bodyOf<ListBody>(await reviewer.get(`/api/staff/articles/${b.id}/wechat`).expect(200)).requests).to.deep.equal([]);

    // The next China day (midnight in Beijing is 16:00 UTC) has a new quota.
    ctx.fakeWechat.setMassQuota(2);
    now = new Date('2026-05-01T16:00:00.000Z');
    const next = await ask(reviewer, b.id, { channel: 'mass', tagId: 2 });
    expect(next.request).to.include({ state: 'submitted', tagId: 2 });
    expect(next.quota).to.include({ day: '2026-05-02', left: 0 });
    expect(ctx.fakeWechat.massSends).to.have.length(2);
  });

  it('a mass send whose answer was lost is retried with the same clientmsgid: WeChat sends it once', async () => {
    const a = await published('mass-lost');
    ctx.fakeWechat.failNext('/cgi-bin/message/mass/sendall', -1);
    const { request: failed } = await ask(reviewer, a.id, { channel: 'mass', toAll: true });
    expect(failed).to.include({ state: 'failed', msgId: null });
    expect(failed.error).to.deep.include({ step: 'submit', errcode: -1 });
    // errcode -1 may be a lost answer to a send WeChat made: the quota slot stays held.
    const quota = bodyOf<ListBody>(await reviewer.get(`/api/staff/articles/${a.id}/wechat`).expect(200)).quota;
    expect(quota).to.include({ used: 1, left: 0 });
    // Say it was made: the same send (same clientmsgid) reaches WeChat.
    const first = ctx.fakeWechat.calls.find((c) => c.path === '/cgi-bin/message/mass/sendall')!.body as { clientmsgid: string };
    const made = await ctx.services.wechat.massSendAllByTag({ isToAll: true, mpnewsMediaId: failed.draftMediaId!, clientMsgId: first.clientmsgid });
    expect(ctx.fakeWechat.massSends).to.have.length(1);

    // The retry sends with the same clientmsgid; WeChat answers "already sent" with the first msg_id.
    const done = await retry(a.id, failed.id);
    expect(done).to.include({ state: 'submitted', msgId: made.msgId });
    expect(ctx.fakeWechat.massSends).to.have.length(1);
    const ids = ctx.fakeWechat.calls.filter((c) => c.path === '/cgi-bin/message/mass/sendall').map((c) => (c.body as { clientmsgid: string }).clientmsgid);
    expect(ids).to.deep.equal([first.clientmsgid, first.clientmsgid, first.clientmsgid]);
    expect(callsTo('/cgi-bin/draft/add')).to.equal(1);
    expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/wechat/${failed.id}/retry`).expect(409)).code).to.equal('ARTICLE_WECHAT_NOT_RETRYABLE');
  });

  it('a mass send WeChat refuses outright gives its quota slot back until the retry', async () => {
    const a = await published('mass-refused');
    ctx.fakeWechat.failNext('/cgi-bin/message/mass/sendall', 40050);
    const { request: failed, quota } = await ask(reviewer, a.id, { channel: 'mass', tagId: 2 });
    expect(failed.error).to.deep.include({ step: 'submit', errcode: 40050, hint: '这个用户标签不存在' });
    expect(quota).to.include({ used: 0, left: 1 });
    const done = await retry(a.id, failed.id);
    expect(done).to.include({ state: 'submitted' });
    expect((await ctx.services.articles.wechatPublish.quota()).left).to.equal(0);
  });

  it('WeChat\'s refusal after submit is recorded as rejected; a new request may follow', async () => {
    const a = await published('audit-fails');
    ctx.fakeWechat.setNextPublishOutcome({ polls: 0, status: 4, failIdx: [1] });
    const { request: r } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(await ctx.services.articles.wechatSweep()).to.deep.equal([r.id]);
    const [rejected] = bodyOf<ListBody>(await reviewer.get(`/api/staff/articles/${a.id}/wechat`).expect(200)).requests;
    expect(rejected).to.include({ state: 'rejected', wechatStatus: '4', statusLabel: '审核未通过', canRetry: false });
    expect(rejected!.error).to.deep.include({ step: 'status', errmsg: '审核未通过' });
    const again = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(again.request.state).to.equal('submitted');
  });

  it('a request whose article was corrected before its draft was made stops and says so', async () => {
    const a = await published('corrected');
    ctx.fakeWechat.failNext('/cgi-bin/material/add_material', -1);
    const { request: failed } = await ask(reviewer, a.id, { channel: 'freepublish' });
    expect(failed.error).to.deep.include({ step: 'cover', errcode: -1 });
    // Corrected by another publisher: the reviewer wrote none of it and may still retry; the corrector may not send it alone.
    const corrector = (await staffAgent(ctx, { username: 'corrector', role: 'editor' })).agent;
    await corrector.put(`/api/staff/articles/${a.id}`).send({ title: '更正', summary: '摘要', tags: [], author: '市反诈中心', body: '更正后的正文' }).expect(200);
    expect(errorOf(await corrector.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'freepublish' }).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
    const stale = await retry(a.id, failed.id);
    expect(stale).to.include({ state: 'failed' });
    expect(stale.error!.errmsg).to.include('又修改过');
    // The corrected revision may be sent as a new request.
    expect((await ask(reviewer, a.id, { channel: 'freepublish' })).request).to.include({ state: 'submitted', revision: 2 });
  });

  it('only a publisher may ask: the author and other roles are refused, nothing is called', async () => {
    const a = await published('roles');
    const before = apiCalls();
    expect(errorOf(await writer.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'freepublish' }).expect(403)).code).to.equal('ARTICLE_NEEDS_PUBLISHER');
    expect(errorOf(await triage.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'freepublish' }).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await triage.get(`/api/staff/articles/${a.id}/wechat`).expect(403)).code).to.equal('FORBIDDEN');
    expect(apiCalls()).to.equal(before);
    // The author may look.
    expect(bodyOf<ListBody>(await writer.get(`/api/staff/articles/${a.id}/wechat`).expect(200)).requests).to.deep.equal([]);
  });

  it('an article that is not published is refused, nothing is called', async () => {
    const a = bodyOf<ArticleBody>(await writer.post('/api/staff/articles').send({
      slug: 'still-draft', title: '草稿', summary: '摘要', tags: [], author: '市反诈中心', body: '正文',
    }).expect(201)).article;
    const before = apiCalls();
    const res = await reviewer.post(`/api/staff/articles/${a.id}/wechat`).send({ channel: 'freepublish' }).expect(409);
    expect(errorOf(res)).to.include({ code: 'ARTICLE_WECHAT_NOT_PUBLISHED', message: '只有已发布的文章才能发到微信' });
    const withdrawn = await published('withdrawn');
    await writer.post(`/api/staff/articles/${withdrawn.id}/unpublish`).expect(200);
    expect(errorOf(await reviewer.post(`/api/staff/articles/${withdrawn.id}/wechat`).send({ channel: 'freepublish' }).expect(409)).code).to.equal('ARTICLE_WECHAT_NOT_PUBLISHED');
    expect(apiCalls()).to.equal(before);
  });

  it('refuses bad input: a mass send needs a tag or all followers, never both', async () => {
    const a = await published('bad-input');
    for (const body of [{ channel: 'mass' }, { channel: 'mass', tagId: 2, toAll: true }, { channel: 'freepublish', toAll: true }, { channel: 'post' }]) {
      expect(errorOf(await reviewer.post(`/api/staff/articles/${a.id}/wechat`).send(body).expect(400)).code).to.equal('VALIDATION_FAILED');
    }
  });

  it('an image WeChat would refuse stops the request at the images step with a clear message', async () => {
    const big = await published('big-image', { body: `![大图](/big.png)` });
    const { request: r1 } = await ask(reviewer, big.id, { channel: 'freepublish' });
    expect(r1).to.include({ state: 'failed' });
    expect(r1.error).to.deep.include({ step: 'images', errcode: null });
    expect(r1.error!.errmsg).to.include('超过 1 MB');
    const gif = await published('gif-image', { body: `![动图](/anim.gif)\n\n![缺图](/missing.png)` });
    const { request: r2 } = await ask(reviewer, gif.id, { channel: 'freepublish' });
    expect(r2.error!.errmsg).to.include('不是 JPG、PNG 格式');
    expect(callsTo('/cgi-bin/media/uploadimg')).to.equal(0);
    expect(ctx.fakeWechat.draftCount).to.equal(0);
  });
});

describe('articles: WeChat article HTML', () => {
  it('swaps every image, drops heading anchors and turns links into text with their address', () => {
    const html = renderMarkdown('# 标题\n\n![a](/x.png?a=1&b=2) [站内](/articles/y) [外站](https://example.org/p) https://example.org/q [公众号](https://mp.weixin.qq.com/s/abc)');
    expect(imageSources(html)).to.deep.equal(['/x.png?a=1&b=2']);
    const out = wechatContent(html, new Map([['/x.png?a=1&b=2', 'http://mmbiz.qpic.cn/mmbiz_png/xyz/0']]), 'https://pingan.test');
    expect(out).to.include('<img src="http://mmbiz.qpic.cn/mmbiz_png/xyz/0"');
    expect(out).to.not.include('class="anchor"').and.not.include('/x.png');
    expect(out).to.include('站内（https://pingan.test/articles/y）').and.include('外站（https://example.org/p）');
    expect(out).to.include(' https://example.org/q ').and.not.include('https://example.org/q（');
    expect(out).to.include('<a href="https://mp.weixin.qq.com/s/abc">公众号</a>');
    expect(() => wechatContent(html, new Map(), 'https://pingan.test')).to.throw('image not uploaded');
  });
});
