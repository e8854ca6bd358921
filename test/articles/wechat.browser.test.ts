// The editor page in Chromium: a publisher sends a published article to WeChat (the fake API) and
// reads each step, the wait for WeChat and the result; a mass send that fails midway shows WeChat's
// answer and is retried from the keyboard. The unsaved-changes warning: typing in the body shows
// 「有修改还没保存」 and leaving asks first (the browser's beforeunload dialog); saving, or a
// publishing action, does not ask. Screenshots at 1366×768 and on a phone.
import { expect } from 'chai';
import type { Browser, Dialog, Page } from 'playwright-core';
import { launchBrowser, officePage, phoneContext, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';
import type { ArticleActor } from '../../src/articles/types.js';
import { tinyPng } from './editor-helpers.js';

const TITLE = '冒充客服退款诈骗，先挂电话';

describe('articles: the editor\'s WeChat section and unsaved warning (Chromium)', function () {
  this.timeout(120_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let dialogs: { type: string; message: string }[];
  let writer: ArticleActor;
  let publisher: ArticleActor;
  let articleId: number;
  /** What to do with a beforeunload dialog (confirm dialogs of app.js are always accepted). */
  let onBeforeUnload: (d: Dialog) => Promise<void>;
  /** Whether to go on when editor.js asks before an action on unsaved text. */
  let goOnUnsaved: boolean;

  before(async () => {
    server = await startConsole({ articles: { contentDir: '' } });
    browser = await launchBrowser();
    const w = await addStaff(server, { username: 'writer', role: 'editor', displayName: '王编辑' });
    const p = await addStaff(server, { username: 'publisher', role: 'editor', displayName: '李审核' });
    writer = { id: w.id, role: w.role };
    publisher = { id: p.id, role: p.role };
    // A published article with one of our own images, which the publisher uploads to WeChat.
    const { service, images } = server.services.articles;
    const draft = await service.create(writer, {
      slug: 'refund-scam', title: TITLE, summary: '“客服”说要给你退款，先挂电话，再打官方电话核实。', tags: ['反诈'], author: '市反诈中心',
      body: '## 怎么识别\n\n真正的退款不需要你提供验证码。', coverUrl: null,
    });
    const image = await images.save(draft.id, tinyPng(40, 20), writer.id, new Date());
    const { title, summary, tags, author, coverUrl } = draft;
    await service.update(writer, draft.id, { title, summary, tags, author, coverUrl, body: `${draft.body}\n\n![示意图](${image.url})` }, draft.revision);
    await service.submit(writer, draft.id);
    await service.publish(publisher, draft.id);
    articleId = draft.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await officePage(browser);
    dialogs = [];
    onBeforeUnload = (d) => d.dismiss();
    goOnUnsaved = true;
    page.on('dialog', (d) => {
      dialogs.push({ type: d.type(), message: d.message() });
      if (d.type() === 'beforeunload') void onBeforeUnload(d);
      else if (d.message().startsWith('有修改还没保存')) void (goOnUnsaved ? d.accept() : d.dismiss());
      else void d.accept();
    });
  });
  afterEach(async () => { await page.context().close(); });

  const stepsOf = async (item: ReturnType<Page['locator']>) =>
    (await item.locator('.wx-step').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('the publisher clicks 「发布到微信」 and reads each step, the wait for WeChat and the result', async () => {
    await signIn(page, server.baseUrl, 'publisher');
    await page.goto(`${server.baseUrl}/staff/articles/${articleId}/edit`);
    expect(await page.locator('#wechat-summary').innerText()).to.contain('还没有发到微信');
    await page.locator('#wechat-summary a').click();
    expect(await page.locator('#wechat-quota').innerText()).to.equal('今天还能群发 1 次（每天 1 次）');
    expect(await unlabelledControls(page)).to.deep.equal([]);
    await screenshot(page, 'article-wechat-before');

    await page.getByRole('button', { name: '发布到微信' }).click();
    await page.waitForURL(/\?wechat=submitted#wechat$/);
    expect(dialogs).to.deep.equal([{ type: 'confirm', message: '确定把这篇文章发布到微信公众号吗？' }]);
    expect(await page.locator('#wechat-message').innerText()).to.contain('已经交给微信');
    const item = page.locator('.wx-request').first();
    expect(await item.locator('.chip').innerText()).to.equal('正在等微信处理');
    const steps = await stepsOf(item);
    expect(steps.map((s) => s.replace(/ \d{4}-\d\d-\d\d \d\d:\d\d$/, ''))).to.deep.equal([
      '上传正文图片 完成（1 张）', '上传封面图 完成', '存入公众号草稿箱 完成', '提交发布 完成', '微信处理结果 正在等微信处理',
    ]);
    await screenshot(page, 'article-wechat-waiting');

    // The server's minute sweep asks WeChat: "publishing", then success. A reload shows it.
    await server.services.articles.wechatSweep();
    await server.services.articles.wechatSweep();
    await page.reload();
    expect(await item.locator('.chip').innerText()).to.equal('已发布到公众号');
    expect((await stepsOf(item))[4]).to.match(/^微信处理结果 发布成功/);
    expect(await item.locator('.wx-url a').getAttribute('href')).to.match(/^https:\/\/mp\.weixin\.qq\.com\/s\//);
    await screenshot(page, 'article-wechat-done');
  });

  it('a mass send that fails midway shows WeChat\'s answer; 「重试」 from the keyboard finishes it', async () => {
    server.fakeWechat.failNext('/cgi-bin/draft/add', 45009);
    await signIn(page, server.baseUrl, 'publisher');
    await page.goto(`${server.baseUrl}/staff/articles/${articleId}/edit#wechat`);
    expect(await page.getByLabel('全部关注者').isChecked()).to.equal(true);
    // Typing a tag number chooses the tag.
    await page.getByLabel('标签编号').pressSequentially('2');
    expect(await page.getByLabel('某个标签的关注者').isChecked()).to.equal(true);
    // Enter in the field sends its form, as a keyboard user does.
    await page.getByLabel('标签编号').press('Enter');
    await page.waitForURL(/\?wechat=failed#wechat$/);
    expect(dialogs.map((d) => d.message)).to.deep.equal(['确定群发吗？关注者会收到推送，发出后不能撤回。']);
    const item = page.locator('.wx-request').first();
    expect(await item.locator('h3').innerText()).to.contain('群发给标签 2 的关注者').and.contain('李审核');
    expect(await item.locator('.chip').innerText()).to.equal('没有发完，可以重试');
    const error = await item.locator('.wx-error').innerText();
    expect(error).to.contain('「存入公众号草稿箱」这一步出错了').and.contain('错误码 45009').and.contain('forced failure 45009');
    // The quota stays held by the unfinished send.
    expect(await page.locator('#wechat-mass-open').isVisible()).to.equal(true);
    await screenshot(page, 'article-wechat-failed');
    await screenshot(page.locator('#wechat'), 'article-wechat-failed-section');

    const retry = item.getByRole('button', { name: '重试' });
    await retry.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?wechat=submitted#wechat$/);
    expect(await item.locator('.chip').innerText()).to.equal('正在等微信处理');
    expect(await item.locator('.wx-error').count()).to.equal(0);
    expect(server.fakeWechat.massSends.map((m) => m.to)).to.deep.equal([2]);
    expect(await page.locator('#wechat-quota').innerText()).to.contain('今天还能群发 0 次');

    // On a phone the steps stack and nothing runs off the side.
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    await signIn(p, server.baseUrl, 'publisher');
    await p.goto(`${server.baseUrl}/staff/articles/${articleId}/edit#wechat`);
    await screenshot(p, 'article-wechat-phone');
    await screenshot(p.locator('#wechat'), 'article-wechat-phone-section');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await phone.close();
  });

  it('typing and then leaving asks first; saving, or a publishing action, does not', async () => {
    const draft = await server.services.articles.service.create(writer, {
      slug: 'unsaved-warning', title: '草稿', summary: '摘要', tags: [], author: '市反诈中心', body: '第一段。', coverUrl: null,
    });
    await signIn(page, server.baseUrl, 'writer');
    await page.goto(`${server.baseUrl}/staff/articles/${draft.id}/edit`);
    const note = page.locator('#unsaved-note');
    expect(await note.isVisible()).to.equal(false);

    const body = page.locator('#f-body');
    await body.click();
    await page.keyboard.press('End');
    await body.pressSequentially('\n\n第二段还没保存。', { delay: 5 });
    expect(await note.innerText()).to.equal('有修改还没保存');
    // The preview is not a save: the line stays.
    await page.getByRole('button', { name: '预览' }).click();
    await page.waitForFunction(() => document.querySelector('#preview')?.textContent?.includes('第二段还没保存'));
    expect(await note.innerText()).to.equal('有修改还没保存');
    await screenshot(page, 'article-editor-unsaved');

    // Leaving by a link: the browser asks; staying keeps the text.
    await page.getByRole('link', { name: '← 返回文章列表' }).click();
    await page.waitForTimeout(300);
    expect(dialogs.map((d) => d.type)).to.deep.equal(['beforeunload']);
    expect(new URL(page.url()).pathname).to.equal(`/staff/articles/${draft.id}/edit`);
    expect(await body.inputValue()).to.contain('第二段还没保存');

    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/done=saved/);
    expect(dialogs).to.have.length(1);
    expect(await note.isVisible()).to.equal(false);
    await page.getByRole('link', { name: '← 返回文章列表' }).click();
    await page.waitForURL(/\/staff\/articles$/);
    expect(dialogs).to.have.length(1);

    // Typing and undoing it is no change. A publishing action runs on the saved text: with unsaved
    // text it asks first; declining keeps the page and the text, going on submits.
    await page.goto(`${server.baseUrl}/staff/articles/${draft.id}/edit`);
    await page.getByLabel('摘要').pressSequentially('！');
    expect(await note.innerText()).to.equal('有修改还没保存');
    await page.getByLabel('摘要').press('Backspace');
    expect(await note.isVisible()).to.equal(false);
    await page.getByLabel('摘要').pressSequentially('！');
    goOnUnsaved = false;
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForTimeout(300);
    expect(dialogs.map((d) => d.type)).to.deep.equal(['beforeunload', 'confirm']);
    expect(new URL(page.url()).search).to.equal('');
    expect(await page.getByLabel('摘要').inputValue()).to.include('！');
    goOnUnsaved = true;
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForURL(/done=submitted/);
    expect(dialogs.map((d) => d.type)).to.deep.equal(['beforeunload', 'confirm', 'confirm']);

    // Reload and closing ask too.
    onBeforeUnload = (d) => d.accept();
    await page.getByLabel('标题', { exact: true }).pressSequentially('（改）');
    await page.reload();
    expect(dialogs.map((d) => d.type)).to.deep.equal(['beforeunload', 'confirm', 'confirm', 'beforeunload']);
    await page.getByLabel('标题', { exact: true }).pressSequentially('（改）');
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(dialogs.map((d) => d.type)).to.deep.equal(['beforeunload', 'confirm', 'confirm', 'beforeunload', 'beforeunload']);
  });
});
