// The supervisors' dashboard in Chromium: its numbers against counts queried from the database
// directly, each number leading to the queue with the matching filter, the 403 page for staff
// without `stats.view`, the charts' escaping, and screenshots on an office screen and a phone.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { sqlDate } from '../../src/db/index.js';
import { barChart, groupedBarChart } from '../../src/staff/pages/charts.js';
import { launchBrowser, officePage, screenshot, signIn, startConsole, type ConsoleServer } from '../support/browser.js';
import { usingMysql } from '../support/database.js';
import { addStaff, staffAgent, submission } from '../tips/helpers.js';

describe(`console: dashboard (Chromium, ${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(90_000);
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;

  /** One number straight from the database, with `?` replacements only. */
  const dbCount = async (where: string, replacements: unknown[] = []): Promise<number> => {
    const rows = await server.services.db.sequelize.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM tips WHERE ${where}`, { replacements, type: QueryTypes.SELECT },
    );
    return Number(rows[0]?.n ?? 0);
  };
  const shown = async (key: string): Promise<string> => (await page.locator(`[data-stat="${key}"]`).first().textContent() ?? '').trim();
  const shownNumber = async (key: string): Promise<number> => Number(/\d+/.exec(await shown(key))?.[0] ?? Number.NaN);

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    const desk = server.services.tips.desk;
    // Five tips in different colours, categories and counties.
    const red = submission({ danger: true, category: 'security', description: '有人持刀威胁，联系我13912345678', place: { countyCode: '350404', townshipCode: '350404001', text: '列东街道' } });
    const fraud = submission({ category: 'fraud', description: '接到冒充公检法的电话', place: { countyCode: '350481', townshipCode: '350481001', text: '燕东街道' } });
    const dispute = submission({ category: 'dispute', description: '邻居装修噪音扰民', place: { countyCode: '350425', townshipCode: '350425100', text: '均溪镇' } });
    const ecology = submission({ category: 'ecology', description: '山上有人乱砍树木', place: { countyCode: '350425', townshipCode: '350425100', text: '均溪镇' } });
    const other = submission({ category: 'other', description: '路灯坏了很久没人修', place: { countyCode: '350404', townshipCode: '350404001', text: '列东街道' } });
    const codes: string[] = [];
    for (const s of [red, fraud, dispute, ecology, other]) codes.push((await desk.submit(s)).code);

    // Move some through the service, as staff do: the red one is assigned to 永安市 (it happened in
    // 三元区), started, answered and rated; the next one in the queue is refused (不予受理).
    const triage = (await staffAgent(server, { username: 'shouli', role: 'triage' })).agent;
    const county = (await staffAgent(server, { username: 'yongan', role: 'county', countyCode: '350481' })).agent;
    const first = (await triage.post('/api/staff/tips/claim-next').expect(200)).body as { tip: { code: string } };
    expect(first.tip.code).to.equal(codes[0]);
    await triage.post(`/api/staff/tips/${codes[0]}/assign`).send({ countyCode: '350481' }).expect(200);
    await county.post(`/api/staff/tips/${codes[0]}/start`).expect(200);
    await county.post(`/api/staff/tips/${codes[0]}/answer`).send({ answer: '已出警处置，当事人已被控制。' }).expect(200);
    await desk.rate(red.citizen, codes[0]!, 'satisfied');
    const second = (await triage.post('/api/staff/tips/claim-next').expect(200)).body as { tip: { code: string } };
    await triage.post(`/api/staff/tips/${second.tip.code}/reject`).send({ reason: '不属于受理范围，已告知向12345反映' }).expect(200);
    // One tip still waiting whose clock has run out.
    const waiting = codes.find((c) => c !== first.tip.code && c !== second.tip.code);
    await server.services.db.sequelize.query('UPDATE tips SET due_at = ? WHERE code = ?', {
      replacements: [sqlDate(server.services.db.dialect, new Date(Date.now() - 3_600_000)), waiting],
    });

    await addStaff(server, { username: 'duban', role: 'supervisor', displayName: '李督办' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => { page = await officePage(browser); });
  afterEach(async () => { await page.context().close(); });

  it('shows the same numbers as the database, and each number opens the filtered queue', async () => {
    await page.goto(`${server.baseUrl}/staff/dashboard`);
    await signIn(page, server.baseUrl, 'duban');
    expect(new URL(page.url()).pathname).to.equal('/staff/dashboard');
    expect(await page.locator('h1').textContent()).to.equal('统计');

    expect(await shownNumber('total')).to.equal(await dbCount('1 = 1')).and.to.equal(5);
    expect(await shownNumber('overdue')).to.equal(await dbCount("due_at < ? AND state NOT IN ('answered', 'closed', 'rejected', 'duplicate', 'transferred')", [sqlDate(server.services.db.dialect, new Date())])).and.to.equal(1);
    const states = await server.services.db.sequelize.query<{ state: string }>('SELECT DISTINCT state FROM tips', { type: QueryTypes.SELECT });
    expect(states.map((r) => r.state)).to.have.members(['received', 'closed', 'rejected']);
    for (const { state } of states) {
      expect(await shownNumber(`state:${state}`), state).to.equal(await dbCount('state = ?', [state])).and.to.be.greaterThan(0);
    }
    for (const colour of ['red', 'yellow', 'green']) {
      expect(await shownNumber(`colour:${colour}`), colour).to.equal(await dbCount('colour = ?', [colour]));
    }
    expect(await shownNumber('colour:red')).to.be.at.least(1);
    for (const category of ['security', 'fraud', 'dispute', 'ecology', 'other']) {
      expect(await shownNumber(`category:${category}`), category).to.equal(await dbCount('category = ?', [category])).and.to.equal(1);
    }
    // A county's number is what the queue's county filter lists: happened there or handled there.
    for (const code of ['350404', '350481', '350425', '350405']) {
      expect(await shownNumber(`county:${code}`), code).to.equal(await dbCount('place_county_code = ? OR handler_county_code = ?', [code, code]));
    }
    expect(await shownNumber('county:350481')).to.equal(2);
    expect(await shown('satisfaction')).to.equal('100.0%');

    // The annual report for this year.
    expect(await shownNumber('annual:received')).to.equal(5);
    expect(await shownNumber('annual-legal:appeal')).to.equal(await dbCount("legal_type = 'appeal'"));
    expect(await shownNumber('annual:finished')).to.equal(2);
    expect(await shownNumber('annual:on-time')).to.equal(2);
    expect(await shownNumber('annual:late')).to.equal(0);
    expect(await shownNumber('annual:assigned')).to.equal(1);
    expect(await shownNumber('annual:open-overdue')).to.equal(1);
    expect(await shownNumber('annual:rated')).to.equal(1);
    const thisWeek = await page.locator('[data-stat^="week-received:"]').last().textContent();
    expect(Number(thisWeek)).to.equal(5);

    // Each bar has a <title> and its number; the accessible name says what it counts.
    const redBar = page.locator('a[data-chart-bar="colour:red"]');
    expect(await redBar.locator('title').textContent()).to.contain(`红色：${await dbCount("colour = 'red'")}件`);
    expect(await redBar.locator('text').textContent()).to.equal(String(await dbCount("colour = 'red'")));

    await screenshot(page, 'dashboard-office');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'dashboard-phone');
    await page.setViewportSize({ width: 1366, height: 768 });

    // Clicking numbers: the queue with the filter named as listQuerySchema names it.
    const goes = async (click: () => Promise<void>, want: string) => {
      await page.goto(`${server.baseUrl}/staff/dashboard`);
      await click();
      await page.waitForURL((u) => u.pathname === '/staff/queue');
      const url = new URL(page.url());
      expect(url.pathname + url.search).to.equal(want);
    };
    await goes(() => redBar.click(), '/staff/queue?colour=red');
    await goes(() => page.locator('a[data-chart-bar="county:350481"]').click(), '/staff/queue?county=350481');
    await goes(() => page.locator('a[data-stat="overdue"]').click(), '/staff/queue?overdue=true');
    await goes(async () => {
      await page.getByText('用表格查看按事项类别的数字').click();
      await page.locator('a[data-stat="category:ecology"]').click();
    }, '/staff/queue?category=ecology');
    await goes(() => page.locator('a[data-stat="total"]').click(), '/staff/queue');
  });

  it('picks the year from the URL and refuses a bad one', async () => {
    await signIn(page, server.baseUrl, 'duban');
    await page.goto(`${server.baseUrl}/staff/dashboard?year=2024`);
    expect(await page.locator('#h-annual').textContent()).to.contain('2024年度');
    expect(await shownNumber('annual:received')).to.equal(0);
    expect(await page.locator(`a[href="/staff/dashboard/export.csv?year=2024"]`).count()).to.equal(1);
    const bad = await page.goto(`${server.baseUrl}/staff/dashboard?year=20x6`);
    expect(bad?.status()).to.equal(400);
  });

  it('shows staff without the statistics right the 403 page', async () => {
    await signIn(page, server.baseUrl, 'shouli');
    const res = await page.goto(`${server.baseUrl}/staff/dashboard`);
    expect(res?.status()).to.equal(403);
    expect(await page.locator('h1').textContent()).to.equal('无法操作');
    expect(await page.locator('nav a', { hasText: '统计' }).count()).to.equal(0);
    const csv = await page.request.get(`${server.baseUrl}/staff/dashboard/export.csv`);
    expect(csv.status()).to.equal(403);
  });

  it('draws chart labels as text: a label with < cannot become markup', () => {
    const evil = '<script>alert(1)</script>&<b>';
    const chart = barChart('chart-x', '按<类别>', [{ label: evil, value: 3, href: '/staff/queue?category=other&x="y"', key: 'k' }]);
    const html = server.services.web.views.render('dashboard.njk', {
      title: 't', stats: { weeks: [] }, ratings: {}, annual: { ratings: {} }, links: {},
      charts: { colour: chart, state: chart, category: chart, county: chart, weeks: groupedBarChart('w', 'w', [], [{ name: 'a', colour: '#000' }]) },
    });
    expect(html).to.not.contain('<script>alert');
    expect(html).to.not.contain('<b>');
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&lt;b&gt;');
    expect(html).to.contain('按&lt;类别&gt;');
    expect(html).to.contain('href="/staff/queue?category=other&amp;x=&quot;y&quot;"');
  });
});
