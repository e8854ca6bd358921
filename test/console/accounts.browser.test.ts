// Accounts and passwords in Chromium (issue 17): the admin creates a county member and reads the
// one-time password off the page; the member signs in with it, is held at the password page until
// they set their own, and lands in the console; the admin disables them and their session ends.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, officePage, screenshot, signIn, startConsole, type ConsoleServer } from '../support/browser.js';
import { addStaff } from '../tips/helpers.js';

describe('console: accounts and passwords (Chromium)', function () {
  this.timeout(90_000);
  let server: ConsoleServer;
  let browser: Browser;

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    await addStaff(server, { username: 'root', role: 'admin', displayName: '赵管理' });
    await addStaff(server, { username: 'clerk', role: 'triage', displayName: '钱受理' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const path = (page: Page) => new URL(page.url()).pathname;

  it('creates a county member who must set their own password, then disables them', async () => {
    const admin = await officePage(browser);
    const member = await officePage(browser);
    try {
      await signIn(admin, server.baseUrl, 'root');
      await admin.goto(`${server.baseUrl}/staff/accounts`);
      expect(await admin.locator('h1').textContent()).to.equal('账号管理');
      await admin.getByRole('link', { name: '新建账号' }).click();
      await admin.getByLabel('用户名').fill('Sun.Qi');
      await admin.getByLabel('姓名').fill('孙七');
      await admin.getByLabel('角色').selectOption({ label: '县级政法委员' });
      await admin.getByLabel('县（市、区）').selectOption({ label: '三元区' });
      await screenshot(admin, 'accounts-new');
      await admin.getByRole('button', { name: '建立账号' }).click();
      await admin.waitForLoadState();
      expect(await admin.locator('h1').textContent()).to.equal('账号已建好');
      expect(await admin.locator('#issued-username').textContent()).to.equal('sun.qi');
      const oneTime = (await admin.locator('#one-time-password').textContent()) ?? '';
      expect(oneTime).to.match(/^[a-hjkmnp-z2-9]{16}$/);
      await screenshot(admin, 'accounts-issued');

      await admin.goto(`${server.baseUrl}/staff/accounts`);
      const row = admin.locator('tr', { hasText: 'sun.qi' });
      expect(await row.textContent()).to.contain('孙七').and.contain('县级政法委员').and.contain('三元区')
        .and.contain('从未登录').and.contain('待本人改密码');
      expect(await admin.locator('tr', { hasText: 'root' }).textContent()).to.contain('修改我的密码');
      await screenshot(admin, 'accounts-list');
      await admin.getByRole('button', { name: '退出' }).click();
      await admin.waitForURL(/\/staff\/login\?out=1/);

      // The new member: every page sends them to the password page until they choose their own.
      await signIn(member, server.baseUrl, 'sun.qi', oneTime);
      expect(path(member)).to.equal('/staff/password');
      expect(await member.locator('#password-forced').textContent()).to.contain('临时密码');
      await member.goto(`${server.baseUrl}/staff/queue`);
      expect(path(member)).to.equal('/staff/password');
      await member.locator('#current').fill(oneTime);
      await member.locator('#password').fill('short');
      await member.locator('#again').fill('short');
      await member.getByRole('button', { name: '保存新密码' }).click();
      await member.waitForLoadState();
      expect(await member.locator('#password-error').textContent()).to.contain('至少要10位');
      await screenshot(member, 'password-forced-refused');
      await member.locator('#current').fill(oneTime);
      await member.locator('#password').fill('sanyuan-2026-ok');
      await member.locator('#again').fill('sanyuan-2026-ok');
      await member.getByRole('button', { name: '保存新密码' }).click();
      await member.waitForLoadState();
      expect(path(member)).to.match(/^\/staff(\/|$)/).and.not.equal('/staff/password');
      await screenshot(member, 'password-changed');
      const cookie = (await member.context().cookies()).find((c) => c.name === 'pasm_staff');
      expect(cookie?.value).to.be.a('string');

      // The admin disables the member (the confirm dialog is accepted); their session stops working.
      await signIn(admin, server.baseUrl, 'root');
      await admin.goto(`${server.baseUrl}/staff/accounts`);
      admin.once('dialog', (d) => { void d.accept(); });
      await admin.locator('tr', { hasText: 'sun.qi' }).getByRole('button', { name: '停用' }).click();
      await admin.waitForLoadState();
      expect(await admin.getByRole('status').first().textContent()).to.contain('账号已停用');
      const disabled = admin.locator('tr', { hasText: 'sun.qi' });
      expect(await disabled.textContent()).to.contain('已停用').and.not.contain('从未登录');
      await screenshot(admin, 'accounts-disabled');

      await member.goto(`${server.baseUrl}/staff/password`);
      expect(path(member)).to.equal('/staff/login');
      await signIn(member, server.baseUrl, 'sun.qi', 'sanyuan-2026-ok');
      expect(await member.locator('#login-error').textContent()).to.contain('用户名或密码错误');
    } finally {
      await admin.context().close();
      await member.context().close();
    }
  });

  it('resets a password: the old one stops working and the member must choose a new one', async () => {
    const admin = await officePage(browser);
    const member = await officePage(browser);
    try {
      await signIn(member, server.baseUrl, 'clerk');
      await signIn(admin, server.baseUrl, 'root');
      await admin.goto(`${server.baseUrl}/staff/accounts`);
      admin.once('dialog', (d) => { void d.accept(); });
      await admin.locator('tr', { hasText: 'clerk' }).getByRole('button', { name: '重置密码' }).click();
      await admin.waitForLoadState();
      expect(await admin.locator('h1').textContent()).to.equal('密码已重置');
      const oneTime = (await admin.locator('#one-time-password').textContent()) ?? '';
      expect(oneTime).to.have.length(16);
      // The page has the POST's address; opened by GET (a sign-in returning there after the session
      // ended) it is the account list, not the router's "Method Not Allowed", and resets nothing.
      expect(path(admin)).to.match(/^\/staff\/accounts\/\d+\/reset-password$/);
      await admin.goto(admin.url());
      expect(path(admin)).to.equal('/staff/accounts');
      expect(await admin.locator('h1').textContent()).to.equal('账号管理');

      await member.goto(`${server.baseUrl}/staff`);
      expect(path(member)).to.equal('/staff/login');
      await signIn(member, server.baseUrl, 'clerk', oneTime);
      expect(path(member)).to.equal('/staff/password');
    } finally {
      await admin.context().close();
      await member.context().close();
    }
  });

  it('shows a non-admin the refusal page for the accounts section, and no menu entry for it', async () => {
    await addStaff(server, { username: 'county1', role: 'county', countyCode: '350404', displayName: '李县' });
    const page = await officePage(browser);
    try {
      await signIn(page, server.baseUrl, 'county1');
      expect(await page.locator('nav').getByText('账号管理').count()).to.equal(0);
      const res = await page.goto(`${server.baseUrl}/staff/accounts`);
      expect(res?.status()).to.equal(403);
      expect(await page.locator('h1').textContent()).to.equal('无法操作');
      await screenshot(page, 'accounts-forbidden');
    } finally {
      await page.context().close();
    }
  });
});
