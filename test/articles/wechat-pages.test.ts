// The editor page's 「发到微信公众号」 section over HTTP, as a browser without JavaScript uses it,
// against the local fake WeChat API: who sees the form, each step of a publish in words (then the
// sweep's outcome and the WeChat address), a failure midway with WeChat's answer and 「重试」 (no
// second draft), and the mass-send quota on the page, with the same refusals as the JSON API.
import { expect } from 'chai';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import type { Agent } from '../tips/helpers.js';
import { consoleAgent, editorialStaff } from './editor-helpers.js';
import { articlesContext } from './helpers.js';

type Who = { agent: Agent; token: string };

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const strip = (s: string) => unescape(s.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();

/** The section's HTML, or '' when the page has none. */
const sectionOf = (html: string) => /<section class="card wechat" id="wechat"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
/** The message at the top of the section, as text. */
const messageOf = (html: string) => strip(/<p class="flash [^"]*"[^>]*id="wechat-message">([\s\S]*?)<\/p>/.exec(sectionOf(html))?.[1] ?? '');
/** Today's mass sends left, as the page says it. */
const quotaOf = (html: string) => /今天还能群发 <strong>(\d+)<\/strong> 次/.exec(sectionOf(html))?.[1];

interface ShownRequest { id: number; kind: string; head: string; chip: string; steps: string[][]; html: string }

/** The requests the section lists, newest first: heading, state chip, and each step as [label, state class, words]. */
function requestsOf(html: string): ShownRequest[] {
  const parts = sectionOf(html).split(/(?=<li class="wx-request )/).slice(1);
  return parts.map((part) => {
    const [, kind, id] = /^<li class="wx-request wx-(\w+)" id="wechat-request-(\d+)">/.exec(part)!;
    return {
      id: Number(id),
      kind: kind!,
      head: strip(/<h3[^>]*>([\s\S]*?)<\/h3>/.exec(part)![1]!),
      chip: strip(/<span class="chip [^"]*">([\s\S]*?)<\/span>/.exec(part)![1]!),
      steps: [...part.matchAll(/<li class="wx-step wx-step-(\w+)">[\s\S]*?<span class="wx-step-label">([^<]*)<\/span><span class="wx-step-text">([^<]*)/g)]
        .map((m) => [m[2]!, m[1]!, m[3]!]),
      html: part,
    };
  });
}

describe(`articles: the editor's WeChat section over HTTP (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let now: Date;
  let writer: Who;
  let reviewer: Who;
  const post = (who: Who, path: string, body: Record<string, string>) =>
    who.agent.post(path).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: who.token, ...body });
  const page = async (who: Who, id: number, query = '') => (await who.agent.get(`/staff/articles/${id}/edit${query}`).expect(200)).text;
  const callsTo = (p: string) => ctx.fakeWechat.calls.filter((c) => c.path === p).length;
  const apiCalls = () => ctx.fakeWechat.calls.filter((c) => c.path !== '/cgi-bin/stable_token').length;

  beforeEach(async () => {
    // 04:00 on 1 May in China: the quota day is 2026-05-01.
    now = new Date('2026-04-30T20:00:00.000Z');
    ctx = await articlesContext(undefined, {}, { now: () => now });
    ({ writer, reviewer } = await editorialStaff(ctx));
  });
  afterEach(async () => { await ctx.close(); });

  /** An article written by `writer` on the editor page, submitted, and published by `reviewer`. */
  async function published(slug: string): Promise<number> {
    const saved = await post(writer, '/staff/articles/new', {
      title: '冒充客服退款诈骗', slug, summary: '“客服”说要给你退款，先挂电话。', author: '市反诈中心', tags: '反诈', cover: '',
      body: '## 怎么识别\n\n真正的退款不需要你提供验证码。', intent: 'save',
    }).expect(303);
    const id = Number(/\/staff\/articles\/(\d+)\/edit/.exec(saved.headers.location ?? '')![1]);
    await post(writer, `/staff/articles/${id}/submit`, {}).expect(303);
    await post(reviewer, `/staff/articles/${id}/publish`, {}).expect(303);
    return id;
  }

  it('an editor who may not publish sees the status but no form; the page refuses what the API refuses', async () => {
    const draft = await post(writer, '/staff/articles/new', {
      title: '草稿', slug: 'still-draft', summary: '摘要', author: '市反诈中心', tags: '', cover: '', body: '正文', intent: 'save',
    }).expect(303);
    // An article never published has no section.
    expect(sectionOf((await writer.agent.get(draft.headers.location!).expect(200)).text)).to.equal('');

    const id = await published('roles');
    let section = sectionOf(await page(writer, id));
    expect(section).to.contain('发到微信公众号').and.contain('id="wechat-needs-publisher"').and.contain('这篇文章还没有发到微信');
    expect(section).not.to.contain('id="wechat-publish-form"').and.not.contain('id="wechat-mass-form"').and.not.contain('今天还能群发');

    ctx.fakeWechat.failNext('/cgi-bin/draft/add', 45009);
    await post(reviewer, `/staff/articles/${id}/wechat`, { channel: 'freepublish' }).expect(303);
    const html = await page(writer, id);
    const [shown] = requestsOf(html);
    expect(shown).to.include({ kind: 'failed', chip: '没有发完，可以重试' });
    expect(shown!.head).to.contain('发布').and.contain('李审核');
    expect(strip(shown!.html)).to.contain('错误码 45009').and.contain('forced failure 45009');
    // The author sees WeChat's answer, but the retry is someone else's.
    expect(shown!.html).not.to.contain('/retry"');
    expect(shown!.html).to.contain('另一位编辑或管理员可以重试');

    // Posting anyway is refused as the API refuses it, said on the page; nothing reaches WeChat.
    const before = apiCalls();
    const retried = await post(writer, `/staff/articles/${id}/wechat/${shown!.id}/retry`, {}).expect(403);
    expect(messageOf(retried.text)).to.equal('自己写过或改过的文章需要另一位编辑或管理员审核发布');
    const asked = await post(writer, `/staff/articles/${id}/wechat`, { channel: 'mass', target: 'all' }).expect(403);
    expect(messageOf(asked.text)).to.equal('自己写过或改过的文章需要另一位编辑或管理员审核发布');
    expect(apiCalls()).to.equal(before);

    // Roles without article rights get the error page; a post without the page's token is refused.
    const triage = await consoleAgent(ctx, 'triage1', '/staff/queue');
    const forbidden = await post(triage, `/staff/articles/${id}/wechat`, { channel: 'freepublish' }).expect(403);
    expect(sectionOf(forbidden.text)).to.equal('');
    await reviewer.agent.post(`/staff/articles/${id}/wechat`).set('Origin', ctx.config.publicOrigin).type('form')
      .send({ channel: 'freepublish' }).expect(403);
    expect(apiCalls()).to.equal(before);
    section = sectionOf(await page(reviewer, id));
    expect(section).to.contain('/retry"');
  });

  it('a publisher publishes: each step in words, 正在等微信处理 until the sweep, then the result and the WeChat address', async () => {
    const id = await published('publish-me');
    let html = await page(reviewer, id);
    expect(sectionOf(html)).to.contain('id="wechat-publish"').and.contain('id="wechat-mass"');
    expect(quotaOf(html)).to.equal('1');

    const res = await post(reviewer, `/staff/articles/${id}/wechat`, { channel: 'freepublish' }).expect(303);
    expect(res.headers.location).to.equal(`/staff/articles/${id}/edit?wechat=submitted#wechat`);
    html = await page(reviewer, id, '?wechat=submitted');
    expect(messageOf(html)).to.contain('已经交给微信');
    let [r] = requestsOf(html);
    expect(r!.head).to.match(/^发布2026-05-01 04:00 · 李审核 · 第 1 版$/);
    expect(r).to.include({ kind: 'waiting', chip: '正在等微信处理' });
    expect(r!.steps).to.deep.equal([
      ['上传正文图片', 'done', '完成（0 张）'], ['上传封面图', 'done', '完成'], ['存入公众号草稿箱', 'done', '完成'],
      ['提交发布', 'done', '完成'], ['微信处理结果', 'waiting', '正在等微信处理'],
    ]);
    // The same version may not be sent twice while this one is unfinished: no button, a word why.
    expect(sectionOf(html)).to.contain('id="wechat-publish-open"').and.not.contain('id="wechat-publish"');
    expect(strip(/<dd id="wechat-summary">([\s\S]*?)<\/dd>/.exec(html)![1]!)).to.equal('发布：正在等微信处理 · 发到微信 / 查看记录');

    // WeChat says "publishing" once, then success.
    await ctx.services.articles.wechatSweep();
    [r] = requestsOf(await page(reviewer, id));
    expect(r!.steps[4]).to.deep.equal(['微信处理结果', 'waiting', '正在等微信处理（微信说：发布中）']);
    await ctx.services.articles.wechatSweep();
    html = await page(writer, id);
    [r] = requestsOf(html);
    expect(r).to.include({ kind: 'done', chip: '已发布到公众号' });
    expect(r!.steps[4]).to.deep.equal(['微信处理结果', 'done', '发布成功']);
    expect(r!.html).to.match(/微信文章地址：<a href="https:\/\/mp\.weixin\.qq\.com\/s\/[^"]+" target="_blank"/);
    expect(ctx.fakeWechat.draftCount).to.equal(1);
    // Finished: a new request of this kind may be made again.
    expect(sectionOf(await page(reviewer, id))).to.contain('id="wechat-publish"');
  });

  it('a publisher keeps it as a draft only: three steps, 已存入公众号草稿箱, nothing submitted', async () => {
    const id = await published('draft-me');
    expect(sectionOf(await page(reviewer, id))).to.contain('id="wechat-draft"');
    const res = await post(reviewer, `/staff/articles/${id}/wechat`, { channel: 'draft' }).expect(303);
    expect(res.headers.location).to.equal(`/staff/articles/${id}/edit?wechat=done#wechat`);
    const html = await page(reviewer, id, '?wechat=done');
    expect(messageOf(html)).to.contain('草稿箱');
    const [r] = requestsOf(html);
    expect(r!.head).to.match(/^只存草稿2026-05-01 04:00 · 李审核 · 第 1 版$/);
    expect(r).to.include({ kind: 'done', chip: '已存入公众号草稿箱' });
    expect(r!.steps).to.deep.equal([['上传正文图片', 'done', '完成（0 张）'], ['上传封面图', 'done', '完成'], ['存入公众号草稿箱', 'done', '完成']]);
    expect(ctx.fakeWechat.draftCount).to.equal(1);
    expect(callsTo('/cgi-bin/freepublish/submit') + callsTo('/cgi-bin/message/mass/sendall')).to.equal(0);
    // An editor who may not publish sees it, but has no button.
    expect(sectionOf(await page(writer, id))).to.contain('已存入公众号草稿箱').and.not.contain('id="wechat-draft"');
  });

  it('a failure midway shows WeChat\'s answer and 「重试」; the retry finishes without a second draft', async () => {
    const id = await published('draft-fails');
    ctx.fakeWechat.failNext('/cgi-bin/draft/add', 45009);
    const res = await post(reviewer, `/staff/articles/${id}/wechat`, { channel: 'freepublish' }).expect(303);
    expect(res.headers.location).to.equal(`/staff/articles/${id}/edit?wechat=failed#wechat`);
    let html = await page(reviewer, id, '?wechat=failed');
    expect(messageOf(html)).to.contain('没有发完');
    let [r] = requestsOf(html);
    expect(r).to.include({ kind: 'failed', chip: '没有发完，可以重试' });
    expect(r!.steps.map((s) => s[1])).to.deep.equal(['done', 'done', 'failed', 'todo', 'todo']);
    expect(r!.steps[2]).to.deep.equal(['存入公众号草稿箱', 'failed', '出错了']);
    const error = strip(/<div class="wx-error"[^>]*>([\s\S]*?)<\/div>/.exec(r!.html)![1]!);
    expect(error).to.equal('「存入公众号草稿箱」这一步出错了。 微信的回答：错误码 45009，forced failure 45009 建议：接口调用次数已达上限，请明天再试');
    expect(r!.html).to.contain(`action="/staff/articles/${id}/wechat/${r!.id}/retry"`).and.contain('>重试</button>');
    expect(ctx.fakeWechat.draftCount).to.equal(0);

    // A second request for the same version is refused meanwhile: no button, and a post says why.
    expect(sectionOf(html)).to.contain('id="wechat-publish-open"');
    const pending = await post(reviewer, `/staff/articles/${id}/wechat`, { channel: 'freepublish' }).expect(409);
    expect(messageOf(pending.text)).to.equal('这篇文章的这一版已有一个同类的微信请求尚未完成，请查看或重试它');
    expect(requestsOf(pending.text)).to.have.length(1);

    const retried = await post(reviewer, `/staff/articles/${id}/wechat/${r!.id}/retry`, {}).expect(303);
    expect(retried.headers.location).to.equal(`/staff/articles/${id}/edit?wechat=submitted#wechat`);
    html = await page(reviewer, id);
    [r] = requestsOf(html);
    expect(r).to.include({ kind: 'waiting', chip: '正在等微信处理' });
    expect(r!.steps.map((s) => s[1])).to.deep.equal(['done', 'done', 'done', 'done', 'waiting']);
    expect(r!.html).not.to.contain('/retry"').and.not.contain('class="wx-error"');
    expect(ctx.fakeWechat.draftCount).to.equal(1);
    expect(callsTo('/cgi-bin/material/add_material')).to.equal(1);
    // Retrying it again is refused with the API's words.
    const again = await post(reviewer, `/staff/articles/${id}/wechat/${r!.id}/retry`, {}).expect(409);
    expect(messageOf(again.text)).to.equal('这个请求已提交给微信或已结束，不需要重试');
  });

  it('a mass send uses today\'s quota; a second mass send the same day is refused with the page\'s message', async () => {
    const a = await published('mass-one');
    const b = await published('mass-two');
    expect(quotaOf(await page(reviewer, a))).to.equal('1');

    // The form's own mistakes: no choice of whom, a tag that is not a number. Nothing is called.
    const before = apiCalls();
    const noTarget = await post(reviewer, `/staff/articles/${a}/wechat`, { channel: 'mass' }).expect(400);
    expect(messageOf(noTarget.text)).to.contain('请选择群发给全部关注者，还是某个标签的关注者');
    const badTag = await post(reviewer, `/staff/articles/${a}/wechat`, { channel: 'mass', target: 'tag', tagId: '一百' }).expect(400);
    expect(sectionOf(badTag.text)).to.contain('id="wechat-tag-error"').and.contain('value="一百"')
      .and.match(/value="tag" id="wechat-target-tag" checked/);
    // A tag number beside 「全部关注者」 is not guessed either way.
    const both = await post(reviewer, `/staff/articles/${a}/wechat`, { channel: 'mass', target: 'all', tagId: '2' }).expect(400);
    expect(messageOf(both.text)).to.contain('选了「全部关注者」，又填了标签编号');
    expect(sectionOf(both.text)).to.contain('id="wechat-tag-error"').and.contain('value="2"');
    expect(apiCalls()).to.equal(before);

    await post(reviewer, `/staff/articles/${a}/wechat`, { channel: 'mass', target: 'all' }).expect(303);
    expect(ctx.fakeWechat.massSends).to.have.length(1);
    const html = await page(reviewer, a);
    expect(quotaOf(html)).to.equal('0');
    // This article's send is unfinished; the other article has no quota left today.
    expect(sectionOf(html)).to.contain('id="wechat-mass-open"').and.not.contain('id="wechat-mass"');
    const [r] = requestsOf(html);
    expect(r!.head).to.match(/^群发给全部关注者2026-05-01 /);
    expect(r!.steps[3]).to.deep.equal(['群发', 'done', '完成']);
    const other = await page(reviewer, b);
    expect(quotaOf(other)).to.equal('0');
    expect(sectionOf(other)).to.contain('id="wechat-mass-used"').and.not.contain('id="wechat-mass"');

    // A page opened before (or another publisher) still posts: refused before WeChat is called.
    const calls = apiCalls();
    const refused = await post(reviewer, `/staff/articles/${b}/wechat`, { channel: 'mass', target: 'tag', tagId: '2' }).expect(409);
    expect(messageOf(refused.text)).to.equal('今天的群发次数已用完（每天 1 次），请明天再发，或改用“发布”（不推送给关注者）');
    expect(apiCalls()).to.equal(calls);
    expect(requestsOf(refused.text)).to.deep.equal([]);
    expect(ctx.fakeWechat.massSends).to.have.length(1);

    // The next China day has a new quota; a tag is sent to as chosen.
    ctx.fakeWechat.setMassQuota(2);
    now = new Date('2026-05-01T16:00:00.000Z');
    expect(quotaOf(await page(reviewer, b))).to.equal('1');
    await post(reviewer, `/staff/articles/${b}/wechat`, { channel: 'mass', target: 'tag', tagId: '2' }).expect(303);
    expect(requestsOf(await page(reviewer, b))[0]!.head).to.match(/^群发给标签 2 的关注者2026-05-02 /);
    expect(ctx.fakeWechat.massSends[1]).to.include({ to: 2 });
  });
});
