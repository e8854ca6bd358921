// The editor pages in Chromium: an editor writes an article and watches the live preview follow
// the typing, uploads an image that lands at the cursor, and submits the article for review; a
// second editor (the publisher) opens it and publishes it; the public page shows it; after a
// correction, the revision page shows the line diff. Screenshots at 1366×768 and on a phone.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, officePageWithDialogs, phoneContext, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { supertestTransport } from '../support/webhook-app.js';
import { tinyPng } from './editor-helpers.js';

const SLUG = 'fake-police-calls';
const TITLE = '接到“公检法”电话要转账，一定是诈骗';

describe('articles: editor pages (Chromium)', function () {
  this.timeout(120_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let dialogs: string[];

  before(async () => {
    server = await startConsole({ articles: { contentDir: '' } });
    browser = await launchBrowser();
    await addStaff(server, { username: 'writer', role: 'editor', displayName: '王编辑' });
    await addStaff(server, { username: 'publisher', role: 'editor', displayName: '李审核' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  // Publishing and withdrawing ask first (app.js data-confirm): say yes, and note what was asked.
  beforeEach(async () => { ({ page, dialogs } = await officePageWithDialogs(browser)); });
  afterEach(async () => { await page.context().close(); });

  it('an editor writes with a live preview, uploads an image at the cursor, and submits for review', async () => {
    await signIn(page, server.baseUrl, 'writer');
    // An editor's console opens on the articles.
    expect(new URL(page.url()).pathname).to.equal('/staff/articles');
    await page.getByRole('link', { name: '写新文章' }).click();
    await page.getByLabel('标题', { exact: true }).fill(TITLE);
    await page.getByLabel('网址名').fill(SLUG);
    await page.getByLabel('摘要').fill('公检法机关不会在电话里办案，更不会让你把钱转到“安全账户”。');
    await page.getByLabel('标签').fill('反诈 冒充公检法');
    const body = page.locator('#f-body');
    await body.click();
    await body.pressSequentially('## 三个特征\n\n- 说你涉嫌洗钱\n- 要你转到安全账户', { delay: 5 });
    // The preview follows the typing, rendered by the public renderer (the heading gets its id).
    await page.locator('#preview h2#三个特征').waitFor();
    await page.waitForFunction(() => document.querySelector('#preview')?.textContent?.includes('要你转到安全账户'));
    expect(await page.locator('#preview li').count()).to.equal(2);
    await body.pressSequentially('\n\n[报警](javascript:alert(1))', { delay: 5 });
    await page.waitForFunction(() => document.querySelector('#preview')?.textContent?.includes('[报警]'));
    expect(await page.locator('#preview a[href^="javascript"]').count()).to.equal(0);
    await screenshot(page, 'article-editor-new');
    expect(await unlabelledControls(page)).to.deep.equal([]);

    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\/staff\/articles\/\d+\/edit\?done=created/);
    expect(await page.locator('#article-state').textContent()).to.equal('草稿');

    // The image goes in where the cursor is: after the first line.
    await body.click();
    await body.evaluate((el: HTMLTextAreaElement) => { const at = el.value.indexOf('\n'); el.setSelectionRange(at, at); el.blur(); });
    await page.locator('#image-file').setInputFiles({ name: '示意图.png', mimeType: 'image/png', buffer: tinyPng(40, 20) });
    await page.getByRole('button', { name: '上传图片' }).click();
    await page.waitForFunction(() => document.getElementById('image-status')?.textContent?.includes('已插入正文'));
    const text = await body.inputValue();
    expect(text).to.match(/^## 三个特征\n!\[\]\(\/articles\/images\/[0-9a-f]{64}\.png\)\n/);
    await page.locator('#preview img[src^="/articles/images/"]').waitFor();

    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/done=saved/);
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForURL(/done=submitted/);
    expect(await page.locator('#article-state').textContent()).to.equal('待审核');
    // The author may not publish their own article: no button, a word on who does.
    expect(await page.getByRole('button', { name: '发布', exact: true }).count()).to.equal(0);
    expect(await page.locator('#needs-publisher').isVisible()).to.equal(true);
    await screenshot(page, 'article-editor-submitted');
  });

  it('the publisher opens it from the list and publishes it; the public page shows it', async () => {
    await signIn(page, server.baseUrl, 'publisher');
    await page.goto(`${server.baseUrl}/staff/articles`);
    const row = page.locator('#article-table tbody tr', { hasText: TITLE });
    expect(await row.innerText()).to.contain('待审核').and.contain('王编辑');
    await screenshot(page, 'article-list-office');
    await row.getByRole('link', { name: TITLE }).click();
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.waitForURL(/done=published/);
    expect(dialogs).to.deep.equal(['确定现在发布吗？发布后群众马上可以看到。']);
    expect(await page.locator('#article-state').textContent()).to.equal('已发布');

    const publicPage = await page.context().newPage();
    await publicPage.goto(`${server.baseUrl}/articles/${SLUG}`);
    expect(await publicPage.locator('h1').textContent()).to.equal(TITLE);
    expect(await publicPage.locator('.article-body h2').innerText()).to.contain('三个特征');
    const img = publicPage.locator('.article-body img');
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).to.equal(40);
    await screenshot(publicPage, 'article-public-after-editor');

    // A citizen finds it in the chat: 搜索 answers with the article's page.
    const chat = new ChatClient({ transport: supertestTransport(server.callback), token: server.config.wechat.token, openid: 'o-reader' });
    const found = await chat.text('搜索 公检法');
    expect(found.type).to.equal('news');
    expect(found.type === 'news' ? found.articles[0] : undefined).to.include({ title: TITLE, url: `${server.config.publicOrigin}/articles/${SLUG}` });
  });

  it('after a correction the revision page shows the line diff', async () => {
    await signIn(page, server.baseUrl, 'publisher');
    await page.goto(`${server.baseUrl}/staff/articles`);
    await page.getByRole('link', { name: TITLE }).click();
    const body = page.locator('#f-body');
    await body.fill((await body.inputValue()).replace('- 要你转到安全账户', '- 要你转到“安全账户”\n- 要你下载会议软件共享屏幕'));
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/done=saved-live/);
    await page.getByRole('link', { name: '修改记录' }).click();
    await page.waitForURL(/\/revisions$/);
    expect(await page.locator('#diff-title').textContent()).to.contain('相对第 2 版的改动');
    expect(await page.locator('.diff-line.diff-del .text').allTextContents()).to.deep.equal(['- 要你转到安全账户']);
    expect(await page.locator('.diff-line.diff-add .text').allTextContents()).to.deep.equal(['- 要你转到“安全账户”', '- 要你下载会议软件共享屏幕']);
    expect(await page.locator('#article-events').innerText()).to.contain('发布').and.contain('李审核').and.contain('提交审核');
    await screenshot(page, 'article-revisions-office');

    const publicPage = await page.context().newPage();
    await publicPage.goto(`${server.baseUrl}/articles/${SLUG}`);
    expect(await publicPage.locator('.article-body').innerText()).to.contain('会议软件');
  });

  it('reads well on a phone', async () => {
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    await signIn(p, server.baseUrl, 'writer');
    await p.goto(`${server.baseUrl}/staff/articles`);
    await screenshot(p, 'article-list-phone');
    await p.getByRole('link', { name: TITLE }).click();
    await p.locator('#preview h2').waitFor();
    await screenshot(p, 'article-editor-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await p.goto(`${server.baseUrl}/staff/articles`);
    await p.getByRole('link', { name: TITLE }).click();
    await p.getByRole('link', { name: '修改记录' }).click();
    await screenshot(p, 'article-revisions-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await phone.close();
  });
});
