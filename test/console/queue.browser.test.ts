// The queue and the tip page in Chromium: a triage clerk takes the next tip (red first) and
// assigns it to a county by the county's name; that county's staff start it and answer it through
// the preview; another county's staff get 404 for its URL; a stored XSS attempt stays text.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, officePageWithDialogs, phoneContext, recordDialogs, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { citizenNoticeFor } from '../../src/tips/rules/citizen-notice.js';
import { addStaff, submission } from '../tips/helpers.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { customMessagesTo, supertestTransport } from '../support/webhook-app.js';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('console: queue and tip page (Chromium)', function () {
  this.timeout(90_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let redCode: string;
  let redCitizen: string;
  let xssCode: string;
  let dialogs: string[];

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    await addStaff(server, { username: 'triage1', role: 'triage', displayName: '李受理' });
    await addStaff(server, { username: 'sanyuan1', role: 'county', countyCode: '350404', displayName: '陈三元' });
    await addStaff(server, { username: 'shaxian1', role: 'county', countyCode: '350405', displayName: '林沙县' });
    const desk = server.services.tips.desk;
    await desk.submit(submission({ description: '小区门口路灯坏了一个月，晚上出行不方便' }));
    xssCode = (await desk.submit(submission({ description: XSS }))).code;
    const red = submission({
      description: '我叫林秀英，邻居拿着刀威胁要杀人，扬言今晚动手', danger: true, place: { countyCode: '350404', townshipCode: '350404001', text: '列东街道' },
    });
    redCitizen = red.citizen.id;
    redCode = (await desk.submit(red)).code;
    // The citizen wrote within WeChat's 48 hours: notices go by customer-service message.
    await desk.touch(red.citizen, new Date());
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { ({ page, dialogs } = await officePageWithDialogs(browser, 'dismiss')); });
  afterEach(async () => {
    await page.context().close();
    expect(dialogs, 'no dialog may open').to.deep.equal([]);
  });

  it('a triage clerk sees the red tip first, takes the next tip and assigns it to a county by name', async () => {
    await page.goto(`${server.baseUrl}/staff/queue`);
    await signIn(page, server.baseUrl, 'triage1');
    expect(new URL(page.url()).pathname).to.equal('/staff/queue');
    const first = page.locator('#queue-table tbody tr').first();
    expect(await first.locator('.chip').first().textContent()).to.equal('红色');
    expect(await first.textContent()).to.contain(redCode);
    expect(await page.locator('#queue-table').getAttribute('data-refresh')).to.equal('30');
    await screenshot(page, 'queue-office');
    expect(await unlabelledControls(page), 'every control of the queue has a label').to.deep.equal([]);

    await page.getByRole('button', { name: '领取下一条' }).click();
    await page.waitForURL(new RegExp(`/staff/tips/${redCode}`));
    expect(await page.getByRole('status').first().textContent()).to.contain('已领取');
    expect(await page.locator('#tip-state').textContent()).to.equal('受理中');

    await page.getByLabel('交办单位').fill('三元区');
    await page.locator('#assign').getByRole('button', { name: '交办' }).click();
    await page.waitForSelector('text=已交办。');
    expect(await page.locator('#tip-state').textContent()).to.equal('已交办');
    const timeline = await page.locator('#timeline').textContent();
    expect(timeline).to.contain('交办').and.contain('李受理');
    expect(await page.locator('dl.facts').first().textContent()).to.contain('三元区');
    // The citizen was told; the notice is listed with its delivery state.
    expect(await page.locator('#notices').textContent()).to.contain('交由三元区办理');
    // The writer's own name is masked on the page: only the logged reveal shows it.
    const body = await page.locator('main').textContent();
    expect(body).to.contain('我叫***，邻居拿着刀').and.not.contain('林秀英');
    await screenshot(page, 'tip-office');
  });

  it('the county staff start the tip, preview the answer, go back, and send it', async () => {
    await page.goto(`${server.baseUrl}/staff/tips/${redCode}`);
    await signIn(page, server.baseUrl, 'sanyuan1');
    expect(new URL(page.url()).pathname).to.equal(`/staff/tips/${redCode}`);
    // No answer before the 办理 step.
    expect(await page.locator('#answer').count()).to.equal(0);
    await page.getByRole('button', { name: '开始办理' }).click();
    await page.waitForSelector('text=已开始办理。');
    expect(await page.locator('#tip-state').textContent()).to.equal('办理中');
    // The unit has it and is working on it: not 尚未查收 (deliveryState 'accepted').
    expect(await page.locator('#tip-unit').textContent()).to.contain('已查收').and.not.contain('尚未查收');

    const answer = '经核实，派出所已上门处置，相关人员已被依法控制。\n如再遇危险请立即拨打110。';
    await page.getByLabel('答复内容').fill(answer);
    await page.getByRole('button', { name: '预览答复' }).click();
    const preview = await page.locator('#answer-preview').innerText();
    // Word for word what the notice will say: the same builder writes both.
    expect(preview.trim()).to.equal(citizenNoticeFor('answered', { trackingCode: redCode, answer }));
    await screenshot(page, 'answer-preview');
    expect(await unlabelledControls(page)).to.deep.equal([]);

    await page.getByRole('button', { name: '返回修改' }).click();
    expect(await page.getByLabel('答复内容').inputValue()).to.equal(answer);
    await page.getByRole('button', { name: '预览答复' }).click();
    await page.getByRole('button', { name: '确认发送' }).click();
    await page.waitForSelector('text=答复已保存。');
    expect(await page.locator('#tip-state').textContent()).to.equal('已答复');
    expect(await page.locator('#tip-answer').innerText()).to.contain('派出所已上门处置');
    // The preview's address opened by GET (a sign-in returning to it after the session ended, a
    // new tab) is the tip's page, not the router's bare "Method Not Allowed"; so is the queue's.
    await page.goto(`${server.baseUrl}/staff/tips/${redCode}/answer/preview`);
    expect(new URL(page.url()).pathname).to.equal(`/staff/tips/${redCode}`);
    expect(await page.locator('#tip-state').textContent()).to.equal('已答复');

    // The citizen: the answer arrives through the (fake) WeChat API, and 查询 in the chat shows it.
    const pushed = await customMessagesTo(server.fakeWechat, redCitizen);
    expect(pushed.join('\n')).to.contain('派出所已上门处置');
    const chat = new ChatClient({ transport: supertestTransport(server.callback), token: server.config.wechat.token, openid: redCitizen });
    const reply = await chat.text(`查询 ${redCode}`);
    expect(reply.type === 'text' ? reply.text : '').to.contain('已答复').and.contain('派出所已上门处置');
  });

  it("another county's staff get the not-found page for the tip's URL", async () => {
    await signIn(page, server.baseUrl, 'shaxian1');
    // Nothing in their county: the empty list says so, not "no tip matches the filters".
    await page.goto(`${server.baseUrl}/staff/queue`);
    expect(await page.locator('#queue-empty').textContent()).to.contain('目前没有您可以查看的事项');
    expect(await page.locator('#queue-total').textContent()).not.to.contain('红色事项排在最前');
    await page.goto(`${server.baseUrl}/staff/queue?colour=red`);
    expect(await page.locator('#queue-empty').textContent()).to.contain('没有符合筛选条件的事项');
    const response = await page.goto(`${server.baseUrl}/staff/tips/${redCode}`);
    expect(response?.status()).to.equal(404);
    expect(await page.locator('h1').textContent()).to.equal('没有找到');
    expect(await page.content()).not.to.contain('邻居拿着刀');
    // Plain words only: no error code (TIP_NOT_FOUND) for a member to puzzle over.
    expect(await page.locator('main').innerText()).not.to.match(/[A-Za-z_]{3,}/);
    // Nor for an address that is no page at all (the router's own 404 names the API too).
    await page.goto(`${server.baseUrl}/staff/no-such-page`);
    expect(await page.locator('main').innerText()).not.to.match(/[A-Za-z_]{3,}|接口/);
  });

  it('asks before revealing the reporter; a "no" reveals and records nothing', async () => {
    await signIn(page, server.baseUrl, 'triage1');
    await page.goto(`${server.baseUrl}/staff/tips/${xssCode}`);
    await page.getByLabel('查看原因').fill('需要电话联系核实');
    await page.getByRole('button', { name: '查看举报人信息' }).click();
    // The dialog was answered "no" (officePageWithDialogs 'dismiss'): nothing was sent.
    expect(dialogs.splice(0)).to.deep.equal(['确定查看举报人的姓名和电话吗？您的姓名和查看原因会记入办理记录。']);
    expect(new URL(page.url()).pathname).to.equal(`/staff/tips/${xssCode}`);
    expect(await page.locator('#reporter').innerText()).not.to.contain('张三');
    expect(await page.locator('#timeline').innerText()).not.to.contain('查看举报人信息');
    // Marking as duplicate asks first too (the citizen is told), as 不予受理 does.
    for (const form of ['#duplicate', '#reject']) {
      expect(await page.locator(form).getAttribute('data-confirm'), form).to.contain('群众会收到通知');
    }
  });

  it('shows a stored script in a description as text, on the queue and on the tip page', async () => {
    await signIn(page, server.baseUrl, 'triage1');
    await page.goto(`${server.baseUrl}/staff/queue?q=${encodeURIComponent('alert')}`);
    expect(await page.locator('#queue-table').innerText()).to.contain('<script>alert(1)</script>');
    expect(await page.locator('#queue-table img').count()).to.equal(0);
    await page.goto(`${server.baseUrl}/staff/tips/${xssCode}`);
    expect(await page.locator('#tip-description').innerText()).to.contain(XSS);
    expect(await page.locator('#tip-description img, #tip-description script').count()).to.equal(0);
  });

  it('reads well on a phone', async () => {
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    recordDialogs(p, 'dismiss', dialogs);
    await signIn(p, server.baseUrl, 'triage1');
    await p.goto(`${server.baseUrl}/staff/queue`);
    await screenshot(p, 'queue-phone');
    // 按编号领取: the field beside its button, wide enough for the example code, not under the button.
    const field = (await p.locator('#claim-code').boundingBox())!;
    const button = (await p.locator('#claim-by-code button').boundingBox())!;
    expect(field.x + field.width, 'the field ends before its button').to.be.at.most(button.x);
    expect(field.width, 'room for 例如 SM260101AB2C3D').to.be.at.least(220);
    await p.goto(`${server.baseUrl}/staff/tips/${xssCode}`);
    await screenshot(p, 'tip-phone');
    // The colour form starts at the tip's own colour.
    expect(await p.locator('#colour-value').inputValue()).to.equal('green');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width).to.be.at.most(390);
    await phone.close();
  });
});
