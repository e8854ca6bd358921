import { expect } from 'chai';
import request from 'supertest';
import { createPageCache, isMiss, type CachedAnswer, type Miss } from '../../src/articles/page-cache.js';
import { publicAnswerKey } from '../../src/articles/public-routes.js';
import { compose, type Services } from '../../src/compose.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryStore, type SharedStore } from '../../src/platform/shared-store.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { staffAgent, type Agent } from '../tips/helpers.js';
import { articlesContext, ContentFolder } from './helpers.js';

const silent = createLogger('silent');
const answer = (body: string): CachedAnswer => ({ body: Buffer.from(body), type: 'text/html; charset=utf-8', etag: body });

describe('articles: the whole-page cache', () => {
  let clock = 0;
  const now = () => clock;
  let store: MemoryStore;
  beforeEach(() => {
    clock = 10_000;
    store = new MemoryStore(now);
  });
  afterEach(async () => { await store.close(); });

  const miss = async (cache: ReturnType<typeof createPageCache>, key: string): Promise<Miss> => {
    const found = await cache.lookup(key);
    expect(isMiss(found), `${key} should be a miss`).to.equal(true);
    return found as Miss;
  };

  it('keeps an answer, and drops it on this instance at once when an article changes', async () => {
    const cache = createPageCache({ store, logger: silent, now });
    cache.fill('page:a', await miss(cache, 'page:a'), answer('v1'));
    expect(await cache.lookup('page:a')).to.deep.equal(answer('v1'));
    await cache.invalidate();
    await miss(cache, 'page:a');
    await cache.close();
  });

  it('another instance drops its answers once it reads the new generation, within a second', async () => {
    const a = createPageCache({ store, logger: silent, now, checkEveryMs: 1000 });
    const b = createPageCache({ store, logger: silent, now, checkEveryMs: 1000 });
    b.fill('page:a', await miss(b, 'page:a'), answer('v1'));
    await a.invalidate();
    clock += 999;
    expect(await b.lookup('page:a'), 'within the second: the old answer').to.deep.equal(answer('v1'));
    clock += 2;
    await miss(b, 'page:a');
    await a.close();
    await b.close();
  });

  it('never keeps an answer rendered while a change landed', async () => {
    const cache = createPageCache({ store, logger: silent, now });
    const seen = await miss(cache, 'page:a');
    await cache.invalidate(); // the article changed between the read and the fill
    cache.fill('page:a', seen, answer('old text'));
    await miss(cache, 'page:a');
    await cache.close();
  });

  it('a read of the generation made while this instance\'s own write is on its way does not drop the entries again', async () => {
    let land!: () => void;
    const landed = new Promise<void>((r) => { land = r; });
    const slow: SharedStore = Object.assign(Object.create(store) as SharedStore, {
      get: (key: string) => store.get(key),
      set: async (key: string, value: string, ttl: number) => { await landed; await store.set(key, value, ttl); },
    });
    const cache = createPageCache({ store: slow, logger: silent, now });
    const writing = cache.invalidate();
    // The first lookup reads the store before the new generation is there: not believed.
    cache.fill('page:a', await miss(cache, 'page:a'), answer('v1'));
    land();
    await writing;
    clock += 1000;
    expect(await cache.lookup('page:a'), 'the write read back is this instance\'s own').to.deep.equal(answer('v1'));
    await cache.close();
  });

  it('entries expire after their TTL even when no change is heard, however often they are served', async () => {
    const cache = createPageCache({ store, logger: silent, now, ttlSeconds: 1 });
    cache.fill('page:a', await miss(cache, 'page:a'), answer('v1'));
    clock += 999;
    expect(await cache.lookup('page:a')).to.deep.equal(answer('v1'));
    clock += 1;
    await miss(cache, 'page:a');
    await cache.close();
  });

  it('when full, pushes out the entry least recently served, never the others', async () => {
    const cache = createPageCache({ store, logger: silent, now, maxEntries: 3 });
    for (const key of ['page:popular', 'list:1:a', 'list:1:b']) cache.fill(key, await miss(cache, key), answer(key));
    for (let i = 0; i < 50; i += 1) {
      expect(await cache.lookup('page:popular'), `round ${i}`).to.deep.equal(answer('page:popular'));
      const key = `list:1:random-${i}`;
      cache.fill(key, await miss(cache, key), answer(key));
    }
    expect(await cache.lookup('list:1:random-49')).to.deep.equal(answer('list:1:random-49'));
    await miss(cache, 'list:1:a');
    await miss(cache, 'list:1:random-47');
    await cache.close();
  });
});

describe(`articles: public pages from the page cache, two instances (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let folder: ContentFolder;
  let second: Services | undefined;
  let admin: Agent;
  before(async () => {
    folder = new ContentFolder();
    folder.write({ slug: 'kept-page', title: '防范冒充客服', body: '第一版正文' });
    ctx = await articlesContext(folder);
    admin = (await staffAgent(ctx, { username: 'boss', role: 'admin' })).agent;
  });
  after(async () => {
    await second?.close();
    await ctx.close();
    folder.remove();
  });

  it('serves the kept page without reading the database again, for any query WeChat appends', async () => {
    const first = await request(ctx.callback).get('/articles/kept-page').expect(200);
    expect(first.text).to.include('第一版正文');
    // A change behind the service's back is not seen: the page comes from the cache.
    await ctx.services.articles.repo.models.Article.update({ body: '绕过服务改的' }, { where: { slug: 'kept-page' } });
    const shared = await request(ctx.callback).get('/articles/kept-page?from=singlemessage&isappinstalled=0').expect(200);
    expect(shared.text).to.include('第一版正文');
    expect(shared.headers.etag).to.equal(first.headers.etag);
    // The list too, shared from WeChat: the parameters WeChat appends are dropped, not refused.
    const list = await request(ctx.callback).get('/articles').expect(200);
    const sharedList = await request(ctx.callback).get('/articles?from=timeline&isappinstalled=0').expect(200);
    expect(sharedList.headers.etag).to.equal(list.headers.etag);
    await request(ctx.callback).get('/api/articles?from=singlemessage').expect(200);
  });

  it('a change through the service shows at once here, and on a second instance within a second', async () => {
    second = await compose(ctx.config, silent, { migrate: false });
    const other = second.app.callback();
    const id = (await ctx.services.articles.repo.publishedBySlug('kept-page'))!.id;
    expect((await request(other).get('/articles/kept-page').expect(200)).text).to.include('防范冒充客服');

    await admin.post(`/api/staff/articles/${id}/unpublish`).expect(200);
    await request(ctx.callback).get('/articles/kept-page').expect(404);
    await request(ctx.callback).get('/api/articles/kept-page').expect(404);
    await new Promise((r) => setTimeout(r, 1100));
    await request(other).get('/articles/kept-page').expect(404);
    expect((await request(other).get('/api/articles').expect(200)).body).to.include({ total: 0 });
  });

  it('an article a starting instance imports shows on the running ones within a second', async () => {
    expect((await request(ctx.callback).get('/api/articles').expect(200)).body).to.include({ total: 0 });
    folder.write({ slug: 'imported-later', title: '防范冒充公检法', body: '新导入的正文' });
    const third = await compose(ctx.config, silent, { migrate: true });
    try {
      expect((await request(third.app.callback()).get('/api/articles').expect(200)).body).to.include({ total: 1 });
      await new Promise((r) => setTimeout(r, 1100));
      expect((await request(ctx.callback).get('/api/articles').expect(200)).body).to.include({ total: 1 });
      await request(ctx.callback).get('/articles/imported-later').expect(200);
    } finally {
      await third.close();
    }
  });
});

describe(`articles: random tags and pages do not push kept pages out (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let folder: ContentFolder;
  before(async () => {
    folder = new ContentFolder();
    folder.write({ slug: 'popular-page', title: '防范冒充公检法', body: '第一版正文', tags: ['反诈'] });
    ctx = await articlesContext(folder);
  });
  after(async () => {
    await ctx.close();
    folder.remove();
  });

  it('an empty list page is answered but not kept, so the popular page is still served from the cache', async function () {
    this.timeout(120_000);
    await request(ctx.callback).get('/articles/popular-page').expect(200);
    // A change behind the service's back: only a kept answer still shows the first title. (A kept
    // answer is also sent in front of the app, without a request id of its own.)
    await ctx.services.articles.repo.models.Article.update({ title: '改过的标题' }, { where: { slug: 'popular-page' } });
    // More than the cache holds (1,000 entries), each a tag or page no published article has.
    for (let i = 0; i < 1100; i += 1) {
      const path = i % 3 === 0 ? `/api/articles?page=${i + 2}` : `/articles?tag=t${i}-${Math.random().toString(36).slice(2, 8)}`;
      await request(ctx.callback).get(path).expect(200);
    }
    const popular = await request(ctx.callback).get('/articles/popular-page').expect(200);
    expect(popular.text).to.include('防范冒充公检法').and.not.include('改过的标题');
    expect(popular.headers['x-request-id']).to.equal(undefined);
    // A tag that has articles is kept as before.
    await request(ctx.callback).get('/articles?tag=反诈').expect(200);
    expect((await request(ctx.callback).get('/articles?tag=反诈').expect(200)).headers['x-request-id']).to.equal(undefined);
    const random = `/articles?tag=${Math.random().toString(36).slice(2, 8)}`;
    await request(ctx.callback).get(random).expect(200);
    expect((await request(ctx.callback).get(random).expect(200)).headers['x-request-id']).to.be.a('string');
  });
});

describe(`articles: kept answers keep their headers (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let folder: ContentFolder;
  before(async () => {
    folder = new ContentFolder();
    folder.write({ slug: 'with-headers', title: '识别刷单诈骗', body: '刷单就是诈骗' });
    ctx = await articlesContext(folder);
  });
  after(async () => {
    await ctx.close();
    folder.remove();
  });

  it('a kept page has the first answer\'s security and cache headers, is counted under its route, and answers 304', async () => {
    const counted = async () => {
      const m = await ctx.services.metrics.httpRequests.get();
      return m.values.filter((v) => v.labels.route === '/articles/:slug' && v.labels.method === 'GET').reduce((n, v) => n + v.value, 0);
    };
    const first = await request(ctx.callback).get('/articles/with-headers').expect(200);
    expect(first.headers['x-request-id']).to.be.a('string');
    expect(await counted()).to.equal(1);
    const kept = await request(ctx.callback).get('/articles/with-headers').expect(200);
    for (const h of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cache-control', 'etag', 'content-type']) {
      expect(kept.headers[h], h).to.be.a('string').and.equal(first.headers[h]);
    }
    // Served in front of the app: no request id of its own, but counted.
    expect(kept.headers['x-request-id']).to.equal(undefined);
    expect(await counted()).to.equal(2);
    expect(kept.text).to.equal(first.text);
    await request(ctx.callback).get('/articles/with-headers').set('If-None-Match', first.headers.etag as string).expect(304);
    const head = await request(ctx.callback).head('/articles/with-headers').expect(200);
    expect(head.headers.etag).to.equal(first.headers.etag);
  });

  it('keys an answer by what changes it: never a search, never the query WeChat appends', () => {
    const q = (x: Record<string, string>) => () => x;
    expect(publicAnswerKey('/articles/with-headers', q({ from: 'singlemessage', isappinstalled: '0' }))).to.equal('page:with-headers');
    expect(publicAnswerKey('/api/articles/with-headers', q({}))).to.equal('api:with-headers');
    expect(publicAnswerKey('/articles', q({ page: '2', tag: '反诈' }))).to.equal('list:2:反诈');
    expect(publicAnswerKey('/articles', q({ from: 'singlemessage' }))).to.equal('list:1:');
    expect(publicAnswerKey('/api/articles', q({}))).to.equal('api-list:1:');
    expect(publicAnswerKey('/articles', q({ q: '刷单' }))).to.equal(undefined);
    expect(publicAnswerKey('/articles', q({ page: 'x' }))).to.equal(undefined);
    expect(publicAnswerKey('/articles/images/ab.png', q({}))).to.equal(undefined);
    expect(publicAnswerKey('/staff/articles', q({}))).to.equal(undefined);
    expect([publicAnswerKey('/articles/feed.atom', q({})), publicAnswerKey('/sitemap.xml', q({}))]).to.deep.equal(['feed', 'sitemap']);
  });
});
