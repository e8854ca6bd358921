// The evidence a citizen sent, as staff meet it on the tip page in Chromium: a photo shown, a voice
// played in the page and downloadable, a video to download (the download is the kept copy), and
// whether each is kept.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, officePage, screenshot, signIn, startConsole, type ConsoleServer } from '../support/browser.js';
import { addStaff, submission } from '../tips/helpers.js';

describe('console: a tip\'s photos, voice and video (Chromium)', function () {
  this.timeout(60_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    await addStaff(server, { username: 'triage-e', role: 'triage', displayName: '陈受理' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { page = await officePage(browser); });
  afterEach(async () => { await page.context().close(); });

  it('shows the photo, plays the voice in the page, downloads it as the citizen sent it, and says what is kept', async () => {
    const AMR = await readFile('test/fixtures/media/voice-zh.amr');
    server.fakeWechat.setMedia('e-photo', { contentType: 'image/png', data: await readFile('content/articles/wechat-cover.png') });
    server.fakeWechat.setMedia('e-voice', { contentType: 'audio/amr', data: AMR });
    server.fakeWechat.setVideo('e-video', { contentType: 'video/mp4', data: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42 filmed')]) });
    const at = new Date().toISOString();
    const { code } = await server.services.tips.desk.submit(submission({
      description: '河边有人半夜倒建筑垃圾',
      attachments: [{ type: 'image', mediaId: 'e-photo' }, { type: 'voice', mediaId: 'e-voice' }, { type: 'video', mediaId: 'e-video' }, { type: 'voice', mediaId: 'e-lost' }],
      // The transcript as the bot records it: WeChat's message types and a menu click's key.
      transcript: [
        { at, from: 'citizen', kind: 'menu', text: 'TIP' },
        { at, from: 'citizen', kind: 'text', text: '河边有人倒垃圾' },
        { at, from: 'citizen', kind: 'image', mediaId: 'e-photo', text: 'http://mmbiz.qpic.cn/e-photo' },
        { at, from: 'citizen', kind: 'voice', mediaId: 'e-voice' },
        { at, from: 'citizen', kind: 'video', mediaId: 'e-video' },
      ],
    }));
    await server.services.tips.idle();
    await signIn(page, server.baseUrl, 'triage-e');
    await page.goto(`${server.baseUrl}/staff/tips/${code}`);

    // The transcript says what each message was in words, never WeChat's type names or keys.
    const transcript = await page.locator('#transcript').innerText();
    expect(transcript).to.contain('（点了菜单「举报线索」）').and.contain('（图片）').and.contain('（语音）').and.contain('（视频）');
    expect(transcript).not.to.match(/[A-Za-z]{3,}/);

    const items = page.locator('h2:has-text("附件") + ul > li');
    expect(await items.count()).to.equal(4);
    const photo = items.nth(0).locator('img');
    expect(await photo.getAttribute('alt')).to.equal('群众发来的图片 1');
    expect(await photo.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth)), 'the photo is drawn').to.be.above(0);
    expect((await items.nth(1).innerText()).replace(/\s+/g, ' ')).to.equal('收听语音 2 · 下载 · 已保存');
    expect((await items.nth(2).innerText()).replace(/\s+/g, ' ')).to.equal('下载视频 3 · 已保存');
    expect((await items.nth(3).innerText()).replace(/\s+/g, ' ')).to.equal('语音 4 · 未能保存：微信已不再提供，或文件太大');
    expect(await items.nth(3).locator('a').count(), 'no link to what is gone').to.equal(0);

    // 收听: the voice plays in the page, from one fetch, with the player's controls.
    await items.nth(1).getByRole('link', { name: '收听语音 2' }).click();
    const player = items.nth(1).locator('audio');
    await player.waitFor();
    const seconds = await player.evaluate((a: HTMLAudioElement) => new Promise<number>((resolve) => {
      if (a.readyState >= 1) resolve(a.duration);
      else a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
    }));
    expect(seconds, 'the whole voice, 6.1 s').to.be.within(6.0, 6.2);
    expect(await player.getAttribute('controls')).to.not.equal(null);
    await items.nth(0).scrollIntoViewIfNeeded();
    await screenshot(page, 'tip-attachments');

    const [download] = await Promise.all([page.waitForEvent('download'), items.nth(1).getByRole('link', { name: '下载', exact: true }).click()]);
    expect(download.suggestedFilename()).to.equal(`${code}-2.amr`);
    expect((await readFile(await download.path())).equals(AMR)).to.equal(true);

    // The download is in the tip's history, under who opened it.
    await page.reload();
    const history = await page.locator('body').innerText();
    expect(history).to.contain('打开群众的语音或视频');
    expect(history).to.contain('附件 2（语音，在网页上收听）').and.contain('附件 2（语音，下载）');
  });

  it('shows what the citizen added later (补充): their words masked until the reveal, the photo with the others', async () => {
    server.fakeWechat.setMedia('f-photo', { contentType: 'image/png', data: await readFile('content/articles/wechat-cover.png') });
    const sub = submission({ description: '小区门口的井盖丢了好几天了' });
    const { code } = await server.services.tips.desk.submit(sub);
    await server.services.tips.desk.addToTip(sub.citizen, code, { messageKey: 'f-1', text: '物业电话13905981234 说不归他们管', danger: false });
    await server.services.tips.desk.addToTip(sub.citizen, code, { messageKey: 'f-2', attachment: { type: 'image', mediaId: 'f-photo' }, danger: false });
    await server.services.tips.idle();
    await signIn(page, server.baseUrl, 'triage-e');
    // The queue marks a tip with additions nobody handling it has opened yet.
    await page.goto(`${server.baseUrl}/staff/queue?added=1`);
    const row = page.locator('tr', { has: page.locator(`a[href="/staff/tips/${code}"]`) });
    expect(await row.locator('.chip-news').innerText()).to.equal('新补充');
    await screenshot(page, 'queue-additions');
    await page.goto(`${server.baseUrl}/staff/tips/${code}`);

    const photo = page.locator('h2:has-text("附件") + ul > li').nth(0).locator('img');
    expect(await photo.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth)), 'the added photo is drawn').to.be.above(0);
    expect(await page.locator('#tip-additions').innerText()).to.equal('群众提交后又补充了 2 条内容，见下方「办理记录」。');
    const added = page.locator('li', { hasText: '群众补充' });
    expect(await added.count()).to.equal(2);
    const words = (await added.nth(0).innerText()).replace(/\s+/g, ' ');
    expect(words).to.contain('群众补充').and.contain('· 群众').and.contain('补充内容：物业电话').and.contain('说不归他们管');
    expect(words).to.not.contain('13905981234').and.not.contain('原因');
    expect(await added.nth(1).innerText()).to.contain('图片（附件 1）');
    await added.nth(0).scrollIntoViewIfNeeded();
    await screenshot(page, 'tip-additions');
  });
});
