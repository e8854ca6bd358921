// The alert pages in Chromium: a writer composes an alert for two counties with the live preview
// and submits it; a publisher opens it, reads the region's follower count and publishes with
// 客服消息; a push worker sends to the fake WeChat API and the page's push section follows it live
// to 100% (已完成) without a reload. Screenshots of the list, the compose form and the finished
// push at 1366×768 and on a phone.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { PHONE, launchBrowser, officePageWithDialogs, phoneContext, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';
import type { PushWorker } from '../../src/alerts/push/worker.js';
import { SHAXIAN, YONGAN } from './alerts-helpers.js';

const TITLE = '永安、沙县：冒充“客服”退款诈骗';
const HOUR = 3600_000;
const CUSTOM = '/cgi-bin/message/custom/send';

describe('alerts: staff pages (Chromium)', function () {
  this.timeout(120_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let dialogs: string[];
  let worker: PushWorker | undefined;
  let alertId = 0;
  /** Followers in the region who wrote recently, and the one who did not. */
  const reachable: string[] = [];

  before(async () => {
    // A slow push (3 a second), so the page is seen to follow it.
    server = await startConsole({ articles: { contentDir: '' }, alerts: { pushRatePerSecond: 3, pushBatchSize: 2 } });
    browser = await launchBrowser();
    await addStaff(server, { username: 'writer', role: 'editor', displayName: '王编辑' });
    await addStaff(server, { username: 'publisher', role: 'editor', displayName: '李审核' });
    // Followers as the webhook records them: subscribed (the 48-hour window runs from then), county learned.
    const { registry } = server.services.followers;
    const follower = async (id: string, county: string, at: Date) => {
      const citizen = { channel: 'official_account' as const, id };
      await registry.subscribed(citizen, at);
      await registry.countyLearned(citizen, county, 'asked', at);
    };
    for (let i = 0; i < 5; i += 1) {
      await follower(`o_yongan_${i}`, YONGAN, new Date(Date.now() - HOUR));
      await follower(`o_shaxian_${i}`, SHAXIAN, new Date(Date.now() - 2 * HOUR));
      reachable.push(`o_yongan_${i}`, `o_shaxian_${i}`);
    }
    await follower('o_yongan_quiet', YONGAN, new Date(Date.now() - 72 * HOUR));
    await follower('o_sanyuan_0', '350404', new Date());
    // Three citizens reported one number: a candidate on the list.
    for (let i = 0; i < 3; i += 1) {
      await server.services.alerts.reports.report({ channel: 'official_account', id: `o_rep_${i}` }, [{ kind: 'phone', value: '17012345678' }], new Date());
    }
  });
  after(async () => {
    await worker?.stop();
    await browser?.close();
    await server?.close();
  });
  // Publishing asks first (app.js data-confirm): say yes, and note what was asked.
  beforeEach(async () => { ({ page, dialogs } = await officePageWithDialogs(browser)); });
  afterEach(async () => { await page.context().close(); });

  it('a writer composes an alert for two counties with the live preview, and submits it', async () => {
    await signIn(page, server.baseUrl, 'writer');
    await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '防骗预警' }).click();
    await page.waitForURL(/\/staff\/alerts$/);
    expect(await page.locator('#candidate-table').innerText()).to.contain('17012345678').and.contain('3 人');
    await page.getByRole('link', { name: '写新预警' }).click();
    await page.waitForURL(/\/staff\/alerts\/new$/);

    await page.getByRole('textbox', { name: /^标题/ }).fill(TITLE);
    await page.getByLabel('摘要').fill('“快递客服”说要给您退款，让您下载软件、开屏幕共享的，都是骗子。');
    await page.getByLabel('诈骗类型').selectOption({ label: '冒充电商物流客服' });
    await page.getByLabel('严重程度').selectOption({ label: '较重' });
    // Ticking a county chooses 「只发给下面勾选的县」 (alerts.js).
    expect(await page.getByLabel('全市（三明所有县、市、区）').isChecked()).to.equal(true);
    await page.getByLabel('永安市').check();
    await page.getByLabel('沙县区').check();
    expect(await page.getByLabel('只发给下面勾选的县（市、区）').isChecked()).to.equal(true);

    const body = page.locator('#f-body');
    await body.click();
    await body.pressSequentially('## 骗子怎么说\n\n- 说您的快递丢了要理赔\n- 让您下载会议软件', { delay: 5 });
    await page.locator('#preview h2#骗子怎么说').waitFor();
    await page.waitForFunction(() => document.querySelector('#preview')?.textContent?.includes('让您下载会议软件'));
    expect(await page.locator('#preview li').count()).to.equal(2);
    expect(await unlabelledControls(page)).to.deep.equal([]);
    await screenshot(page, 'alerts-compose-office');

    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\/staff\/alerts\/\d+\?done=created/);
    alertId = Number(/\/staff\/alerts\/(\d+)/.exec(page.url())![1]);
    expect(await page.locator('#alert-state').textContent()).to.equal('草稿');
    expect(await page.locator('#alert-region').textContent()).to.equal('沙县区、永安市');
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForURL(/done=submitted/);
    expect(await page.locator('#alert-state').textContent()).to.equal('待审核');
    expect(await page.locator('#publish-form').count()).to.equal(0);
    expect(await page.locator('#needs-publisher').isVisible()).to.equal(true);
  });

  it('a publisher sees the reach, publishes with 客服消息, and watches the push reach 100% without a reload', async () => {
    await signIn(page, server.baseUrl, 'publisher');
    await page.goto(`${server.baseUrl}/staff/alerts`);
    const row = page.locator('#alert-table tbody tr', { hasText: TITLE });
    expect(await row.innerText()).to.contain('待审核').and.contain('沙县区、永安市').and.contain('较重');
    await screenshot(page, 'alerts-list-office');
    await row.getByRole('link', { name: TITLE }).click();

    // 11 subscribed in 永安市 and 沙县区; 10 wrote within 48 hours.
    expect(await page.locator('#reach-subscribed').textContent()).to.equal('11');
    expect(await page.locator('#reach-window').textContent()).to.equal('10');
    expect(await page.getByLabel('客服消息').isChecked()).to.equal(true);
    // Two counties need two mass sends; the test account has one a day. No template is configured.
    expect(await page.getByLabel('群发').isDisabled()).to.equal(true);
    expect(await page.getByLabel('模板消息').isDisabled()).to.equal(true);
    expect(await page.locator('#channel-mass-why').innerText()).to.contain('今天只剩 1 次');
    expect(await unlabelledControls(page)).to.deep.equal([]);
    await screenshot(page, 'alerts-publish-office');

    await page.getByRole('button', { name: '发布并推送' }).click();
    await page.waitForURL(/done=published/);
    expect(dialogs).to.deep.equal(['确定现在发布吗？发布后马上推送给关注者，发出的消息收不回来。']);
    expect(await page.locator('#alert-state').textContent()).to.equal('已发布');
    const item = page.locator('.push-item').first();
    // Recorded with the publication; the worker lists the recipients and sends.
    expect(await item.locator('[data-field="state"]').textContent()).to.equal('准备中');
    expect(await item.locator('[data-field="total"]').textContent()).to.equal('0');
    expect(await item.locator('progress').getAttribute('value')).to.equal('0');

    // The page must not reload: a mark on the window would be gone.
    await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
    // WeChat failing when it starts: the account is held for a few seconds, and the page says so.
    await server.services.alertPush.models.Pace.update(
      { holdLevel: 1, holdReason: 'wechat_busy', nextSlotAt: new Date(Date.now() + 4000) }, { where: { id: 'account' } },
    );
    const waiting = item.locator('[data-field="waiting"]');
    await waiting.waitFor({ state: 'visible', timeout: 5000 });
    expect(await waiting.innerText()).to.match(/^微信暂时发不出去，所有推送先停一下，\d\d:\d\d:\d\d 自动再试。$/);
    await screenshot(page, 'alerts-push-held-office');
    const seen = new Set<string>();
    worker = server.services.alertPush.createWorker({ idleMs: 50, upkeepMs: 200, lookaheadMs: 200 });
    worker.start();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const percent = (await item.locator('[data-field="percent"]').textContent()) ?? '';
      if (Number(percent) > 0 && Number(percent) < 100 && !seen.has(percent) && ![...seen].some((x) => Number(x) > 0 && Number(x) < 100)) {
        await screenshot(page, 'alerts-push-running-office');
      }
      seen.add(percent);
      if ((await item.locator('[data-field="state"]').textContent()) === '已完成') break;
      if (Date.now() > deadline) throw new Error(`push not done on the page: ${await item.innerText()}`);
      await page.waitForTimeout(200);
    }
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).to.equal(true);
    // It was seen on its way, not only at the end.
    expect([...seen].some((p) => Number(p) > 0 && Number(p) < 100), [...seen].join(',')).to.equal(true);
    expect(await item.locator('[data-field="percent"]').textContent()).to.equal('100');
    expect(await item.locator('progress').evaluate((el: HTMLProgressElement) => el.value)).to.equal(100);
    expect(await item.locator('[data-field="sent"]').textContent()).to.equal('10');
    expect(await item.locator('[data-field="skipped"]').textContent()).to.equal('1');
    expect(await item.locator('[data-field="queued"]').textContent()).to.equal('0');
    expect(await waiting.isHidden()).to.equal(true);
    expect(await item.locator('[data-field="reasons"]').innerText()).to.contain('跳过 1 人：最近48小时没有和公众号说过话');
    // Nothing left to pause or cancel; polling has stopped and says so.
    expect(await item.locator('form[data-step]:visible').count()).to.equal(0);
    await page.waitForFunction(() => document.getElementById('push-live')?.textContent === '推送已结束。');
    expect(server.fakeWechat.messagesSent.filter((m) => m.path === CUSTOM).map((m) => m.touser)).to.have.members(reachable);
    await page.locator('#push').scrollIntoViewIfNeeded();
    await screenshot(page, 'alerts-push-done-office');

    // The list shows the reach.
    await page.goto(`${server.baseUrl}/staff/alerts`);
    expect(await page.locator('#alert-table tbody tr', { hasText: TITLE }).innerText()).to.contain('已完成').and.contain('已发送 10 / 共 11 人');
    await screenshot(page, 'alerts-list-pushed-office');
  });

  it('reads well on a phone: the list, the compose form and the finished push', async () => {
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    await signIn(p, server.baseUrl, 'publisher');
    await p.goto(`${server.baseUrl}/staff/alerts`);
    await screenshot(p, 'alerts-list-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(PHONE.width);
    await p.goto(`${server.baseUrl}/staff/alerts/new?kind=phone&identifier=17012345678`);
    expect(await p.locator('#f-body').inputValue()).to.contain('`17012345678`（已有 3 位市民举报）');
    // Begun from the candidate, nothing typed yet: nothing unsaved to warn about.
    expect(await p.locator('#unsaved-note').textContent()).to.equal('');
    await p.locator('#preview code').waitFor();
    await screenshot(p, 'alerts-compose-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(PHONE.width);
    await p.goto(`${server.baseUrl}/staff/alerts/${alertId}`);
    expect(await p.locator('.push-item [data-field="state"]').first().textContent()).to.equal('已完成');
    await screenshot(p, 'alerts-push-done-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(PHONE.width);
    expect(await unlabelledControls(p)).to.deep.equal([]);
    await phone.close();
  });
});
