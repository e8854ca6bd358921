// The supervisors' dashboard in Chromium: its numbers against counts queried from the database
// directly, every number a link whose queue lists exactly that many tips, the annual report of
// Art 41 (units named, 交办, 督办), the 403 page for staff without `stats.view`, the charts'
// escaping, and screenshots on an office screen and a phone.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { sqlDate } from '../../src/db/index.js';
import { barChart, groupedBarChart } from '../../src/staff/pages/charts.js';
import { launchBrowser, officePage, screenshot, signIn, startConsole, type ConsoleServer } from '../support/browser.js';
import { usingMysql } from '../support/database.js';
import { staffAgent, submission } from '../tips/helpers.js';

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
  /** The queue's total for a link, read from the page the link opens (the signed-in browser's cookies). */
  const queueTotal = async (href: string): Promise<{ total: number; text: string }> => {
    const res = await page.request.get(`${server.baseUrl}${href}`);
    expect(res.status(), href).to.equal(200);
    const text = await res.text();
    const m = /data-total="(\d+)"/.exec(text);
    expect(m, href).to.not.equal(null);
    return { total: Number(m![1]), text };
  };
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

    // A 检举控告 naming the police, handled by 纪检监察: triage lowers its colour (not 督办), then the
    // supervisor raises it, reassigns it and extends it (three kinds of 督办 on one tip).
    const accusation = (await desk.submit(submission({ category: 'report', description: '举报某单位工作人员吃拿卡要', place: { countyCode: '350404', townshipCode: '350404001', text: '列东街道' } }))).code;
    await triage.post(`/api/staff/tips/${accusation}/claim`).send({}).expect(200);
    await triage.post(`/api/staff/tips/${accusation}/assign`).send({ unitKey: 'discipline', accusedUnitKey: 'police' }).expect(200);
    await triage.post(`/api/staff/tips/${accusation}/colour`).send({ colour: 'green', reason: '情况不紧急' }).expect(200);
    const supervisor = (await staffAgent(server, { username: 'duban', role: 'supervisor', displayName: '李督办' })).agent;
    await supervisor.post(`/api/staff/tips/${accusation}/colour`).send({ colour: 'yellow', reason: '群众反映较多' }).expect(200);
    await supervisor.post(`/api/staff/tips/${accusation}/assign`).send({ unitKey: 'discipline', accusedUnitKey: 'police', reason: '改由市纪委监委直接办理' }).expect(200);
    await supervisor.post(`/api/staff/tips/${accusation}/extend`).send({ days: 10, reason: '需要调取材料' }).expect(200);
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

    expect(await shownNumber('total')).to.equal(await dbCount('1 = 1')).and.to.equal(6);
    expect(await shownNumber('overdue')).to.equal(await dbCount("due_at < ? AND state NOT IN ('answered', 'closed', 'rejected', 'duplicate', 'transferred')", [sqlDate(server.services.db.dialect, new Date())])).and.to.equal(1);
    const states = await server.services.db.sequelize.query<{ state: string }>('SELECT DISTINCT state FROM tips', { type: QueryTypes.SELECT });
    expect(states.map((r) => r.state)).to.have.members(['received', 'closed', 'rejected', 'extended']);
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
    expect((await page.locator('[data-rate="satisfaction"]').textContent())?.trim()).to.equal('100.0%');
    expect(await shownNumber('rated')).to.equal(await dbCount('rating IS NOT NULL')).and.to.equal(1);
    expect(await shownNumber('due-soon')).to.equal(await dbCount(
      "due_at >= ? AND due_at <= ? AND state NOT IN ('answered', 'closed', 'rejected', 'duplicate', 'transferred')",
      [sqlDate(server.services.db.dialect, new Date()), sqlDate(server.services.db.dialect, new Date(Date.now() + 3 * 86_400_000))],
    ));

    // The annual report for this year.
    expect(await shownNumber('annual:received')).to.equal(6);
    expect(await shownNumber('annual-legal:accusation')).to.equal(1);
    expect(await shownNumber('annual-accused:police')).to.equal(1);
    expect(await page.locator('dt', { hasText: '公安机关' }).count()).to.be.at.least(1);
    expect(await shownNumber('annual-unit:discipline')).to.equal(1);
    expect(await shownNumber('annual:supervised')).to.equal(1);
    expect(await shownNumber('annual:raised')).to.equal(1);
    expect(await shownNumber('annual:reassigned')).to.equal(1);
    expect(await shownNumber('annual:extended')).to.equal(1);
    expect(await shownNumber('annual:transferred')).to.equal(0);
    expect(await page.locator('#h-annual ~ h3', { hasText: '本系统没有记录的内容' }).count()).to.equal(1);
    expect(await shownNumber('annual-legal:appeal')).to.equal(await dbCount("legal_type = 'appeal'"));
    expect(await shownNumber('annual:finished')).to.equal(2);
    expect(await shownNumber('annual:on-time')).to.equal(2);
    expect(await shownNumber('annual:late')).to.equal(0);
    expect(await shownNumber('annual:assigned')).to.equal(2);
    expect(await shownNumber('annual:open-overdue')).to.equal(1);
    expect(await shownNumber('annual:rated')).to.equal(1);
    const thisWeek = await page.locator('[data-stat^="week-received:"]').last().textContent();
    expect(Number(thisWeek)).to.equal(6);

    // Each bar has a <title> and its number; the accessible name says what it counts.
    const redBar = page.locator('a[data-chart-bar="colour:red"]');
    expect(await redBar.locator('title').textContent()).to.contain(`红色：${await dbCount("colour = 'red'")}件`);
    expect(await redBar.locator('text').textContent()).to.equal(String(await dbCount("colour = 'red'")));

    // The four current figures' cards line up: cards side by side share their top and bottom, on
    // both screens (bottom-aligned, a short card hung below its neighbour on a phone).
    const misaligned = () => page.$$eval('#figures > .card', (cards) => {
      const boxes = cards.map((c) => c.getBoundingClientRect());
      const bad: string[] = [];
      boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, k) => {
        const beside = a.top < b.bottom && b.top < a.bottom;
        if (beside && (Math.round(a.top) !== Math.round(b.top) || Math.round(a.bottom) !== Math.round(b.bottom))) bad.push(`${i}/${i + k + 1}`);
      }));
      return bad;
    });
    expect(await page.locator('#figures > .card').count()).to.equal(4);
    expect(await misaligned(), 'figures side by side, office').to.deep.equal([]);
    await screenshot(page, 'dashboard-office');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await misaligned(), 'figures side by side, phone').to.deep.equal([]);
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
    await goes(() => page.locator('a[data-stat="due-soon"]').click(), '/staff/queue?dueWithinDays=3');
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    await goes(() => page.locator('a[data-stat="annual-legal:accusation"]').click(), `/staff/queue?legalType=accusation&from=${year}-01-01&to=${year}-12-31`);
    // The queue says what is filtered, in words, with a way back to everything.
    expect(await page.locator('#active-filters').textContent()).to.contain(`筛选：${year}年收到 · 检举控告`);
    expect(await page.locator('#active-filters a', { hasText: '清除筛选' }).getAttribute('href')).to.equal('/staff/queue');
    expect(await page.locator('#queue-total').getAttribute('data-total')).to.equal('1');
    await screenshot(page, 'queue-filtered-words');
    await goes(() => page.locator('a[data-stat="annual:late"]').click(), `/staff/queue?finished=late&from=${year}-01-01&to=${year}-12-31&date=finished`);
    expect(await page.locator('#active-filters').textContent()).to.contain(`${year}年办结（含答复） · 超期办结`);
    // Filters without a visible field ride along as hidden fields: 筛选 keeps them.
    await goes(() => page.locator('a[data-stat="overdue"]').click(), '/staff/queue?overdue=true');
    expect(await page.locator('form[role="search"] input[type="hidden"][name="overdue"]').getAttribute('value')).to.equal('true');
    await page.locator('#colour').selectOption('green');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('colour') === 'green');
    expect(new URL(page.url()).searchParams.get('overdue')).to.equal('true');
    expect(await page.locator('#active-filters').textContent()).to.contain('绿色').and.contain('已超期');
  });

  it('links every number on the dashboard to a queue that lists exactly that many tips', async () => {
    await signIn(page, server.baseUrl, 'duban');
    await page.goto(`${server.baseUrl}/staff/dashboard`);
    const figures = await page.$$eval('a[data-stat], a[data-chart-bar]', (links) => links.map((a) => ({
      key: a.getAttribute('data-stat') ?? a.getAttribute('data-chart-bar') ?? '',
      href: a.getAttribute('href') ?? '',
      // A bar's number is its <text>; its <title> says more words.
      text: (a.querySelector('text') ?? a).textContent ?? '',
    })));
    expect(figures.length).to.be.greaterThan(60);
    const keys = new Set(figures.map((f) => f.key));
    for (const key of ['total', 'overdue', 'due-soon', 'rated', 'rating:satisfied', 'annual:received', 'annual:assigned', 'annual:supervised',
      'annual:on-time', 'annual:late', 'annual:rejected', 'annual:duplicate', 'annual:transferred', 'annual:open-overdue', 'annual:rated',
      'annual-accused:police', 'annual-unit:discipline', 'annual-legal:suggestion']) {
      expect(keys, key).to.include(key);
    }
    expect(figures.some((f) => f.key.startsWith('week-received:'))).to.equal(true);
    expect(figures.some((f) => f.key.startsWith('week-finished:'))).to.equal(true);
    const seen = new Map<string, number>();
    for (const f of figures) {
      const shownValue = Number(f.text.trim());
      expect(Number.isInteger(shownValue), `${f.key}: ${f.text}`).to.equal(true);
      const total = seen.get(f.href) ?? (await queueTotal(f.href)).total;
      seen.set(f.href, total);
      expect(total, `${f.key} → ${f.href}`).to.equal(shownValue);
    }
    // Some links are non-trivial: the check above compared more than zeros.
    expect([...seen.values()].filter((n) => n > 0).length).to.be.greaterThan(15);
    const filtered = await queueTotal(figures.find((f) => f.key === 'annual:supervised')!.href);
    expect(filtered.text).to.contain('督办').and.not.contain('筛选条件有误');

    // A rate links to the rated tips it is computed from.
    for (const rate of await page.$$eval('a[data-rate-of]', (links) => links.map((a) => ({ of: a.getAttribute('data-rate-of')!, href: a.getAttribute('href')! })))) {
      expect(figures.find((f) => f.key === rate.of)?.href, rate.of).to.equal(rate.href);
    }
    // No number stands alone: every fact and every headline number is inside a link.
    const bare = await page.$$eval('dl.facts dd, p.lead', (els) => els
      .filter((el) => /\d/.test(el.textContent ?? '') && el.querySelector('a') === null)
      .map((el) => el.textContent));
    expect(bare).to.deep.equal([]);
  });

  it('picks the year from the URL and refuses a bad one', async () => {
    await signIn(page, server.baseUrl, 'duban');
    await page.goto(`${server.baseUrl}/staff/dashboard?year=2024`);
    expect(await page.locator('#h-annual').textContent()).to.contain('2024年度');
    expect(await shownNumber('annual:received')).to.equal(0);
    expect(await page.locator(`a[href="/staff/dashboard/export.csv?year=2024"]`).count()).to.equal(1);
    const bad = await page.goto(`${server.baseUrl}/staff/dashboard?year=20x6`);
    expect(bad?.status()).to.equal(400);
    expect(await page.locator('#error-details li').allTextContents()).to.deep.equal(['年份应为4位数字']);
    const early = await page.goto(`${server.baseUrl}/staff/dashboard?year=2019`);
    expect(early?.status()).to.equal(400);
    expect(await page.locator('#error-details li').allTextContents()).to.deep.equal(['年份应在2020年到今年之间']);
    await screenshot(page, 'dashboard-bad-year');
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
      title: 't', stats: { weeks: [] }, ratings: { rated: {}, each: [] }, annual: { ratings: { rated: {}, each: [] } }, figures: { total: {}, overdue: {}, dueSoon: {}, noCounty: {} },
      charts: { colour: chart, state: chart, category: chart, county: chart, weeks: groupedBarChart('w', 'w', [], [{ name: 'a', colour: '#000' }]) },
    });
    expect(html).to.not.contain('<script>alert');
    expect(html).to.not.contain('<b>');
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&lt;b&gt;');
    expect(html).to.contain('按&lt;类别&gt;');
    expect(html).to.contain('href="/staff/queue?category=other&amp;x=&quot;y&quot;"');
  });
});
