// The staff console in a real browser: the composed service listening on a free port (its public
// origin set to that address, as the CSRF guard requires) and Debian's Chromium driven headless by
// playwright-core. Screenshots go to test/output/screenshots (git-ignored): look at them.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { ConfigOverrides } from '../../src/config/index.js';
import { createTestContext, type TestContext } from './harness.js';
import { freePort } from './ports.js';
import { PASSWORD } from '../tips/helpers.js';

export const SCREENSHOTS = path.resolve('test/output/screenshots');

/** Debian's package puts it here; CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsoleServer extends TestContext {
  baseUrl: string;
}

export async function startConsole(overrides: ConfigOverrides = {}): Promise<ConsoleServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ publicOrigin: baseUrl, ...overrides });
  const server = http.createServer(ctx.callback);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    ...ctx,
    baseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ctx.close();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

const SANMING = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

/** A 1366×768 office screen, zh-CN, Beijing time. */
export async function officePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...SANMING });
  return context.newPage();
}

/**
 * Answers every dialog `page` opens (accepts, or dismisses) and returns the list its messages
 * go into, in order; `into` lets several pages share one list.
 */
export function recordDialogs(page: Page, answer: 'accept' | 'dismiss' = 'accept', into: string[] = []): string[] {
  page.on('dialog', (d) => { into.push(d.message()); void (answer === 'accept' ? d.accept() : d.dismiss()); });
  return into;
}

/** An office page (`officePage`) whose dialogs are answered and recorded (`recordDialogs`). */
export async function officePageWithDialogs(browser: Browser, answer: 'accept' | 'dismiss' = 'accept'): Promise<{ page: Page; dialogs: string[] }> {
  const page = await officePage(browser);
  return { page, dialogs: recordDialogs(page, answer) };
}

/** The phone screen the pages are checked on, in CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;

/** A phone: `PHONE`'s screen, touch, zh-CN, Beijing time. The caller closes it. */
export function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE, ...SANMING, isMobile: true });
}

/**
 * Saves a full-page screenshot for people to look at (no test reads it back). TEST_SCREENSHOTS=off
 * skips it: .ci/run sets it for the MariaDB run, whose pages are the SQLite run's and would be
 * written to the same files at the same time.
 */
export async function screenshot(page: Page | Locator, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  if (process.env.TEST_SCREENSHOTS === 'off') return file;
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A page whole; a locator (one section of it) as it shows.
  await ('goto' in page ? page.screenshot({ path: file, fullPage: true }) : page.screenshot({ path: file }));
  return file;
}

/** Signs in through the form, as staff do. */
export async function signIn(page: Page, baseUrl: string, username: string, password = PASSWORD): Promise<void> {
  if (!page.url().includes('/staff/login')) await page.goto(`${baseUrl}/staff/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
}

/**
 * Every visible form control has a label (a <label for>, a wrapping label, or aria-label): what a
 * screen reader says, and what staff click. Returns the controls that have none.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), select, textarea', (els) => els
    .filter((el) => (el as HTMLElement).offsetParent !== null)
    .filter((el) => ((el as HTMLInputElement).labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 120)));
}
