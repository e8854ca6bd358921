// Staff's review of citizens' reports in a real browser (Chromium): the candidates panel on the
// office screen and a phone, 「确认是诈骗」 asking first, the confirmed list with 「改为不是诈骗」,
// and what the chat's 鉴诈 says before and after. Screenshots in test/output/screenshots.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { citizen, input, texts } from '../bot/engine-harness.js';
import { PHONE, launchBrowser, officePageWithDialogs, phoneContext, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';


describe('scam reports: staff review (Chromium)', function () {
  this.timeout(120_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let dialogs: string[];

  const check = async (text: string) => texts(await server.services.bot.handle(input({ kind: 'text', text }, citizen('o-checker'))));

  before(async () => {
    server = await startConsole({ articles: { contentDir: '' } });
    browser = await launchBrowser();
    await addStaff(server, { username: 'reviewer', role: 'editor', displayName: '李审核' });
    const { reports } = server.services.alerts;
    for (let i = 0; i < 4; i += 1) {
      await reports.report({ channel: 'official_account', id: `o_rep_${i}` }, [{ kind: 'phone', value: '17012345678' }], new Date());
    }
    for (let i = 0; i < 3; i += 1) {
      await reports.report({ channel: 'official_account', id: `o_rep_${i}` }, [{ kind: 'url', value: 'pay-refund.example/login' }], new Date());
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { ({ page, dialogs } = await officePageWithDialogs(browser)); });
  afterEach(async () => { await page.context().close(); });

  it('confirms one candidate after asking, dismisses another, and changes its mind from the confirmed list', async () => {
    expect(await check('鉴诈 有事打我电话17012345678')).to.match(/^【暂未发现明显风险】/);
    await signIn(page, server.baseUrl, 'reviewer');
    await page.goto(`${server.baseUrl}/staff/alerts`);
    const table = page.locator('#candidate-table');
    expect(await table.innerText()).to.contain('17012345678').and.contain('4 人').and.contain('pay-refund.example/login');
    await screenshot(page, 'reports-candidates-office');
    expect(await unlabelledControls(page)).to.deep.equal([]);

    await page.getByRole('button', { name: '确认是诈骗：电话 17012345678' }).click();
    await page.waitForURL(/\/staff\/alerts\?done=confirm#candidates$/);
    expect(dialogs).to.have.length(1);
    expect(dialogs[0]).to.contain('17012345678').and.contain('【高风险】');
    expect(await page.getByRole('status').innerText()).to.contain('已确认是诈骗');
    expect(await page.locator('#confirmed-table').innerText()).to.contain('17012345678').and.contain('李审核');
    expect(await page.locator('#candidate-table').innerText()).to.not.contain('17012345678');
    expect(await check('鉴诈 有事打我电话17012345678')).to.match(/^【高风险】/).and.contain('经工作人员核实');

    await page.getByRole('button', { name: '不是诈骗：网址 pay-refund.example/login' }).click();
    await page.waitForURL(/done=dismiss/);
    expect(await page.locator('#no-candidates').innerText()).to.contain('现在没有要核实的举报');
    await screenshot(page, 'reports-confirmed-office');

    await page.getByRole('button', { name: '改为不是诈骗：电话 17012345678' }).click();
    await page.waitForURL(/done=dismiss/);
    expect(dialogs).to.have.length(2);
    expect(await page.locator('#confirmed-table').count()).to.equal(0);
    expect(await check('鉴诈 有事打我电话17012345678')).to.match(/^【暂未发现明显风险】/);
  });

  it('reads well on a phone', async () => {
    const { reports } = server.services.alerts;
    for (let i = 0; i < 3; i += 1) {
      await reports.report({ channel: 'official_account', id: `o_rep_phone_${i}` }, [{ kind: 'account', value: 'Li_Laoshi88' }], new Date());
    }
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    await signIn(p, server.baseUrl, 'reviewer');
    await p.goto(`${server.baseUrl}/staff/alerts#candidates`);
    expect(await p.locator('#candidate-table').innerText()).to.contain('Li_Laoshi88');
    await screenshot(p, 'reports-candidates-phone');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(PHONE.width);
    await phone.close();
  });
});
