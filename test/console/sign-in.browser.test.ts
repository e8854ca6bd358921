// Sign-in and sign-out of the staff console in Chromium: wrong password, the forced return to the
// page a user was on when the session ended, and the page's security headers.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { defineStaffModels } from '../../src/staff/accounts.js';
import { launchBrowser, officePage, screenshot, signIn, startConsole, unlabelledControls, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';

describe('console: sign-in (Chromium)', function () {
  this.timeout(60_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    await addStaff(server, { username: 'editor1', role: 'editor', displayName: '王编辑' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { page = await officePage(browser); });
  afterEach(async () => { await page.context().close(); });

  it('refuses a wrong password on the form and keeps the username typed', async () => {
    await page.goto(`${server.baseUrl}/staff/login`);
    await signIn(page, server.baseUrl, 'editor1', 'not-the-password');
    expect(await page.locator('#login-error').textContent()).to.contain('用户名或密码错误');
    expect(await page.getByLabel('用户名').inputValue()).to.equal('editor1');
    // The form's card stands clear of the top bar (main's padding is not lost to .wrap's).
    const gap = await page.evaluate(() => document.querySelector('main .card')!.getBoundingClientRect().top
      - document.querySelector('header.top')!.getBoundingClientRect().bottom);
    expect(gap, 'space between the top bar and the card').to.be.at.least(12);
    await screenshot(page, 'sign-in-wrong-password');
  });

  it('signs in, and an ended session brings the user back to the same page after signing in again', async () => {
    const response = await page.goto(`${server.baseUrl}/staff/login`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).to.contain("script-src 'self'").and.not.contain('unsafe-inline');
    await signIn(page, server.baseUrl, 'editor1');
    // The start page sends an editor on to their first section, the articles.
    expect(new URL(page.url()).pathname).to.equal('/staff/articles');
    expect(await page.locator('h1').textContent()).to.equal('文章');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'pasm_staff');
    expect(session?.httpOnly).to.equal(true);
    expect(session?.sameSite).to.equal('Strict');

    // The session ends on the server (expiry, or revoked elsewhere).
    await defineStaffModels(server.services.db).Session.destroy({ where: {} });
    await page.goto(`${server.baseUrl}/staff/articles?state=draft`);
    expect(new URL(page.url()).pathname).to.equal('/staff/login');
    expect(await page.getByRole('alert').first().textContent()).to.contain('登录已过期');
    await screenshot(page, 'sign-in-expired');
    await signIn(page, server.baseUrl, 'editor1');
    const back = new URL(page.url());
    expect(back.pathname + back.search).to.equal('/staff/articles?state=draft');
  });

  it('a page left open past the idle limit goes to sign-in by itself, and back to it after signing in', async () => {
    await page.clock.install();
    await signIn(page, server.baseUrl, 'editor1');
    await page.goto(`${server.baseUrl}/staff/articles?state=draft`);
    // A minute of the page's own checks keeps nothing alive: still signed in, still there.
    await page.clock.runFor(61_000);
    expect(new URL(page.url()).pathname).to.equal('/staff/articles');
    // Nobody used it for longer than staff.idleMinutes: the server ends it at the next check,
    // and the page leaves the screen for sign-in.
    const idle = new Date(Date.now() - (server.config.staff.idleMinutes + 1) * 60_000);
    await server.services.db.sequelize.query('UPDATE staff_sessions SET last_seen_at = ?', { replacements: [idle] });
    await Promise.all([page.waitForURL((u) => u.pathname === '/staff/login'), page.clock.runFor(61_000)]);
    expect(await page.getByRole('alert').first().textContent()).to.contain('长时间没有操作会自动退出');
    await screenshot(page, 'sign-in-idle');
    await signIn(page, server.baseUrl, 'editor1');
    const back = new URL(page.url());
    expect(back.pathname + back.search).to.equal('/staff/articles?state=draft');
  });

  it('signs in with the keyboard alone, every field labelled', async () => {
    await page.goto(`${server.baseUrl}/staff/login`);
    expect(await unlabelledControls(page)).to.deep.equal([]);
    // The username field has the focus on arrival; Tab moves on, Enter submits.
    await page.keyboard.type('editor1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct-horse-battery');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/staff/articles');
    // The skip link is the first stop of Tab, and leads to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('跳到正文');
  });

  it('signs out, and the old session cookie no longer opens a page', async () => {
    await signIn(page, server.baseUrl, 'editor1');
    const before = (await page.context().cookies()).find((c) => c.name === 'pasm_staff')?.value;
    expect(before).to.be.a('string');
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/staff\/login\?out=1/);
    expect(await page.getByRole('status').first().textContent()).to.contain('已退出');
    // Replaying the old cookie finds no session.
    await page.context().addCookies([{ name: 'pasm_staff', value: before!, url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/staff`);
    expect(new URL(page.url()).pathname).to.equal('/staff/login');
  });
});
