// An answer is held for a few minutes before it reaches the citizen (tips.answerHoldMinutes): the
// tip page says until when, and the one who answered corrects it there. Chromium.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, officePage, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff, submission } from '../tips/helpers.js';

describe('console: correcting a held answer (Chromium)', function () {
  this.timeout(60_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startConsole({ tips: { answerHoldMinutes: 5 } });
    browser = await launchBrowser();
    await addStaff(server, { username: 'triage2', role: 'triage', displayName: '周受理' });
    await addStaff(server, { username: 'triage3', role: 'triage', displayName: '吴受理' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { page = await officePage(browser); });
  afterEach(async () => { await page.context().close(); });

  it('answers through the preview, sees the hold, corrects the text; another clerk gets no correction form', async () => {
    const { code } = await server.services.tips.desk.submit(submission({ description: '请问调解申请要带什么材料' }));
    await signIn(page, server.baseUrl, 'triage2');
    await page.goto(`${server.baseUrl}/staff/queue`);
    await page.getByRole('button', { name: '领取下一条' }).click();
    await page.waitForURL(new RegExp(`/staff/tips/${code}`));
    await page.locator('#answer-text').fill('请带身份证和相关证据，到列东街道综治中心。');
    await page.getByRole('button', { name: '预览答复' }).click();
    expect(await page.locator('.lead').textContent()).to.contain('5 分钟内还可以更正');
    await page.getByRole('button', { name: '确认发送' }).click();
    await page.waitForSelector('text=答复已保存。');
    expect(await page.locator('#answer-held').textContent()).to.contain('发给群众');

    await page.locator('#answer-correct-text').fill('请带身份证和相关证据，到列东街道综治中心（工作日上午）。');
    await page.getByRole('button', { name: '保存更正' }).click();
    await page.waitForSelector('text=答复已更正');
    expect(await page.getByRole('status').first().textContent()).to.contain('已更正');
    expect(await page.locator('#tip-answer').textContent()).to.contain('工作日上午');
    await screenshot(page, 'answer-corrected');
    expect(await unlabelledControls(page), 'every control of the tip page has a label').to.deep.equal([]);
    const [rows] = await server.services.db.sequelize.query('SELECT answer FROM tips WHERE code = ?', { replacements: [code] });
    expect((rows as Array<{ answer: string }>)[0]?.answer).to.contain('工作日上午');

    // Another clerk sees the hold but may not rewrite someone else's answer.
    await page.getByRole('button', { name: '退出' }).click();
    await signIn(page, server.baseUrl, 'triage3');
    await page.goto(`${server.baseUrl}/staff/tips/${code}`);
    expect(await page.locator('#answer-held').count()).to.equal(1);
    expect(await page.locator('#answer-correct').count()).to.equal(0);
  });
});
