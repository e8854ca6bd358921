// The public alert pages and their JSON: current alerts first (the graver first), expired ones
// after them marked 已过期, the county filter (that county and the city-wide ones), 404 pages for
// anything not published, and ETag/304 with the public cache headers.
import { expect } from 'chai';
import request from 'supertest';
import type { PublicAlert } from '../../src/alerts/present.js';
import { bodyOf, errorOf } from '../support/api.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { alertContent, alertsContext, MovableClock, publishedAlert, SANYUAN, SHAXIAN, YONGAN } from './alerts-helpers.js';

interface PublicList { county: string | null; current: PublicAlert[]; expired: PublicAlert[]; expiredTotal: number; page: number; pages: number }

describe(`alerts: public pages (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  const clock = new MovableClock(new Date('2026-04-01T02:00:00.000Z'));
  const writer = { id: 201, role: 'editor' };
  const publisher = { id: 202, role: 'editor' };
  const ids: Record<string, number> = {};

  before(async () => {
    ctx = await alertsContext(clock);
    const day = (d: string) => new Date(`${d}T15:59:59.999Z`);
    // Published on 04-01, valid until 04-03: expired by the time the pages are read (04-10).
    ids.oldCity = (await publishedAlert(ctx, writer, publisher, { title: '过期的全市预警', severity: 'severe', validUntil: day('2026-04-03') })).id;
    ids.oldSanyuan = (await publishedAlert(ctx, writer, publisher, { title: '过期的三元区预警', counties: [SANYUAN], validUntil: day('2026-04-05') })).id;
    clock.advanceDays(1);
    ids.cityInfo = (await publishedAlert(ctx, writer, publisher, { title: '全市一般预警', severity: 'info', validUntil: day('2026-05-30') })).id;
    clock.advanceDays(1);
    ids.yongan = (await publishedAlert(ctx, writer, publisher, { title: '永安严重预警', severity: 'severe', counties: [YONGAN], validUntil: day('2026-05-30') })).id;
    ids.sanyuan = (await publishedAlert(ctx, writer, publisher, { title: '三元区较重预警', severity: 'warning', counties: [SANYUAN, SHAXIAN], validUntil: day('2026-05-30') })).id;
    const { service } = ctx.services.alerts;
    ids.draft = (await service.create(writer, alertContent({ title: '还没发布的草稿', validUntil: day('2026-05-30') }))).id;
    const withdrawn = await publishedAlert(ctx, writer, publisher, { title: '撤下的预警', validUntil: day('2026-05-30') });
    await service.unpublish(writer, withdrawn.id);
    ids.withdrawn = withdrawn.id;
    clock.t = new Date('2026-04-10T02:00:00.000Z');
  });
  after(async () => { await ctx.close(); });

  const list = async (query = '') => bodyOf<PublicList>(await request(ctx.callback).get(`/api/alerts${query}`).expect(200));
  const order = (page: string, titles: string[]) => titles.map((t) => page.indexOf(t));

  it('lists current alerts first, the graver first, then the expired ones marked 已过期', async () => {
    const all = await list();
    expect(all.current.map((a) => a.id)).to.deep.equal([ids.yongan, ids.sanyuan, ids.cityInfo]);
    expect(all.expired.map((a) => a.id)).to.deep.equal([ids.oldSanyuan, ids.oldCity]);
    expect(all.current.every((a) => a.current)).to.equal(true);
    expect(all.expired.some((a) => a.current)).to.equal(false);
    expect(all.current[0]).to.include({ severityLabel: '严重', fraudTypeName: '冒充公检法', region: '永安市', url: `https://pingan-sanming.test/alerts/${ids.yongan}` });

    const page = (await request(ctx.callback).get('/alerts').expect(200)).text;
    const at = order(page, ['永安严重预警', '三元区较重预警', '全市一般预警', '已过期的预警', '过期的三元区预警', '过期的全市预警']);
    expect(at.every((i) => i >= 0), 'every title shown').to.equal(true);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    // Every expired item carries the mark, and only they do.
    expect(page.split('<span class="tag">已过期</span>').length - 1).to.equal(2);
    expect(page.indexOf('<span class="tag">已过期</span>')).to.be.greaterThan(page.indexOf('已过期的预警'));
    expect(page).to.not.include('还没发布的草稿').and.not.include('撤下的预警');
    expect(page).to.not.match(/<script/i);
  });

  it('filters by county: that county and the city-wide alerts, current first', async () => {
    const yongan = await list(`?county=${YONGAN}`);
    expect(yongan.county).to.equal(YONGAN);
    expect(yongan.current.map((a) => a.id)).to.deep.equal([ids.yongan, ids.cityInfo]);
    expect(yongan.expired.map((a) => a.id)).to.deep.equal([ids.oldCity]);
    const shaxian = await list(`?county=${SHAXIAN}`);
    expect(shaxian.current.map((a) => a.id)).to.deep.equal([ids.sanyuan, ids.cityInfo]);
    const page = (await request(ctx.callback).get(`/alerts?county=${YONGAN}&from=singlemessage`).expect(200)).text;
    expect(page).to.include('永安市防骗预警').and.include('永安严重预警').and.include('全市一般预警');
    expect(page).to.not.include('三元区较重预警').and.not.include('过期的三元区预警');
    expect(page).to.include(`href="/alerts?county=${YONGAN}" aria-current="page"`);
    // An unknown county shows everything rather than nothing.
    expect((await list('?county=999999')).current).to.have.length(3);
  });

  it('shows one published alert with its marks, and 404 pages for drafts, withdrawn and unknown alerts', async () => {
    const page = (await request(ctx.callback).get(`/alerts/${ids.yongan}?from=timeline`).expect(200)).text;
    expect(page).to.include('<h1 class="article-title">永安严重预警</h1>').and.include('<strong>安全账户</strong>').and.include('有效至');
    expect(page).to.include('<meta property="og:title" content="永安严重预警">');
    expect(page).to.not.include('<span class="tag">已过期</span>');
    expect((await request(ctx.callback).get(`/alerts/${ids.oldCity}`).expect(200)).text).to.include('<span class="tag">已过期</span>');

    for (const id of [ids.draft, ids.withdrawn, 999999, 'abc', '01']) {
      const res = await request(ctx.callback).get(`/alerts/${String(id)}`).expect(404);
      expect(res.type, String(id)).to.equal('text/html');
      expect(res.text).to.include('没有找到这条预警');
      expect(errorOf(await request(ctx.callback).get(`/api/alerts/${String(id)}`).expect(404)).code).to.equal('ALERT_NOT_FOUND');
    }
    const one = bodyOf<{ alert: PublicAlert & { html: string } }>(await request(ctx.callback).get(`/api/alerts/${ids.sanyuan}`).expect(200)).alert;
    expect(one).to.include({ id: ids.sanyuan, region: '三元区、沙县区', current: true });
    expect(one.counties).to.deep.equal([{ code: SANYUAN, name: '三元区' }, { code: SHAXIAN, name: '沙县区' }]);
    expect(one.html).to.include('<h2 id="骗子怎么说">');
    expect(one).to.not.have.property('createdBy');
  });

  it('answers 304 to a matching If-None-Match, with the public cache headers and no cookie', async () => {
    for (const path of ['/alerts', `/alerts?county=${YONGAN}`, `/alerts/${ids.yongan}`, '/api/alerts', `/api/alerts/${ids.yongan}`]) {
      const first = await request(ctx.callback).get(path).expect(200);
      expect(first.headers['cache-control'], path).to.equal('public, max-age=300');
      expect(first.headers['set-cookie'], path).to.equal(undefined);
      const etag = String(first.headers.etag);
      expect(etag, path).to.match(/^"[A-Za-z0-9_-]{27}"$/);
      const again = await request(ctx.callback).get(path).set('If-None-Match', etag).expect(304);
      expect(again.text, path).to.equal('');
    }
    const html = await request(ctx.callback).get('/alerts').expect(200);
    expect(html.headers['content-security-policy']).to.include("script-src 'self'");
  });

  it('changes its answer (and ETag) when an alert expires', async () => {
    const before = await request(ctx.callback).get('/api/alerts').expect(200);
    clock.t = new Date('2026-06-01T00:00:00.000Z');
    const after = bodyOf<PublicList>(await request(ctx.callback).get('/api/alerts').set('If-None-Match', String(before.headers.etag)).expect(200));
    expect(after.current).to.deep.equal([]);
    expect(after.expired.map((a) => a.id)).to.have.members([ids.yongan, ids.sanyuan, ids.cityInfo, ids.oldSanyuan, ids.oldCity]);
    const page = (await request(ctx.callback).get('/alerts').expect(200)).text;
    expect(page).to.include('现在没有新的预警');
    clock.t = new Date('2026-04-10T02:00:00.000Z');
  });
});
