// Chinese search of published articles (src/articles/search.ts) on the database the suite runs on:
// two-character words, longer words, mixed Chinese and English, ranking, publication state,
// the index following edits, and MATCH-syntax attacks made harmless.
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { indexTokens, matchExpression, normaliseForSearch, planSearch, snippet } from '../../src/articles/search.js';
import type { ArticleActor } from '../../src/articles/types.js';
import { articlesContext, ContentFolder } from './helpers.js';

const admin: ArticleActor = { id: 1, role: 'admin' };

interface Draft { slug: string; title: string; summary?: string; body: string; tags?: string[] }

describe(`articles: Chinese search (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let clock: Date;

  before(async () => {
    clock = new Date('2026-03-01T02:00:00.000Z');
    ctx = await articlesContext(undefined, {}, { now: () => clock });
  });
  after(async () => { await ctx.close(); });

  const service = () => ctx.services.articles.service;
  const repo = () => ctx.services.articles.repo;
  const slugs = async (q: string) => (await repo().searchArticles(q, { limit: 20, offset: 0 })).items.map((i) => i.article.slug);

  /** Creates and publishes an article, one minute after the previous one. */
  const publish = async (d: Draft): Promise<number> => {
    clock = new Date(clock.getTime() + 60_000);
    const a = await service().create(admin, {
      slug: d.slug, title: d.title, summary: d.summary ?? '三明市反诈中心提醒', body: d.body, tags: d.tags ?? ['提醒'], author: '市反诈中心', coverUrl: null,
    });
    await service().submit(admin, a.id);
    await service().publish(admin, a.id);
    return a.id;
  };

  let refundId = 0;
  before(async () => {
    await publish({ slug: 'brushing', title: '刷单返利都是骗局', body: '网上兼职刷单，先垫付后返利，做几单就被拉黑。这种诈骗最常见。', tags: ['反诈', '刷单'] });
    await publish({ slug: 'credit', title: '“注销校园贷”是假的', body: '骗子说你的征信有问题，要你把钱转到“安全账户”。征信不能花钱修复。' });
    await publish({ slug: 'etc-sms', title: 'ETC 短信要当心', body: '收到“ETC认证失效”的短信，不要点链接，也不要填银行卡号。' });
    await publish({ slug: 'app-loan', title: '下载陌生APP贷款的风险', body: '对方让你下载一个APP贷款，先交“解冻费”。正规贷款不会先收钱。' });
    await publish({ slug: 'body-only', title: '接到陌生电话怎么办', body: '如果对方提到刷单，立刻挂断。' });
    refundId = await publish({ slug: 'refund', title: '冒充客服退款', body: '“客服”说要给你退款，要你提供验证码。' });
    // Never published: only in review.
    clock = new Date(clock.getTime() + 60_000);
    const hidden = await service().create(admin, { slug: 'hidden', title: '刷单内部稿', summary: '未发布', body: '刷单 诈骗 征信', tags: [], author: '市反诈中心', coverUrl: null });
    await service().submit(admin, hidden.id);
  });

  it('finds two-character Chinese words (诈骗, 征信) and single characters', async () => {
    expect(await slugs('诈骗')).to.deep.equal(['brushing']);
    expect(await slugs('征信')).to.deep.equal(['credit']);
    expect(await slugs('骗')).to.include.members(['brushing', 'credit']);
  });

  it('finds words of three or more characters as written, not their pieces scattered', async () => {
    expect(await slugs('安全账户')).to.deep.equal(['credit']);
    expect(await slugs('解冻费')).to.deep.equal(['app-loan']);
    // 返利 and 骗局 are both in `brushing`, but 利骗 is not a word of it.
    expect(await slugs('利骗')).to.deep.equal([]);
  });

  it('finds mixed Chinese and English, full-width letters and punctuation', async () => {
    expect(await slugs('ETC 短信')).to.deep.equal(['etc-sms']);
    expect(await slugs('etc短信')).to.deep.equal(['etc-sms']);
    expect(await slugs('ＥＴＣ，短信！')).to.deep.equal(['etc-sms']);
    expect(await slugs('APP 贷款')).to.deep.equal(['app-loan']);
    expect(await slugs('app')).to.deep.equal(['app-loan']);
    expect(await slugs('“验证码”')).to.deep.equal(['refund']);
  });

  it('ranks a word in the title above the same word only in the body, and gives a snippet', async () => {
    const result = await repo().searchArticles('刷单', { limit: 10, offset: 0 });
    expect(result.items.map((i) => i.article.slug)).to.deep.equal(['brushing', 'body-only']);
    expect(result.total).to.equal(2);
    expect(result.items[1]?.snippet).to.contain('刷单');
    const paged = await repo().searchArticles('刷单', { limit: 1, offset: 1 });
    expect(paged.items.map((i) => i.article.slug)).to.deep.equal(['body-only']);
    expect(paged.total).to.equal(2);
  });

  it('never shows an article that is not published', async () => {
    expect(await slugs('内部稿')).to.deep.equal([]);
    expect(await slugs('刷单')).to.not.include('hidden');
  });

  it('follows an edit, an unpublish and a republish', async () => {
    expect(await slugs('退款')).to.deep.equal(['refund']);
    await service().update(admin, refundId, { title: '冒充客服理赔', summary: '先挂电话', body: '“客服”说要给你理赔，要你提供验证码。', tags: [], author: '市反诈中心', coverUrl: null });
    expect(await slugs('退款')).to.deep.equal([]);
    expect(await slugs('理赔')).to.deep.equal(['refund']);
    await service().unpublish(admin, refundId);
    expect(await slugs('理赔')).to.deep.equal([]);
    await service().publish(admin, refundId);
    expect(await slugs('理赔')).to.deep.equal(['refund']);
  });

  it('makes MATCH syntax and SQL in the words harmless', async () => {
    const attacks = [
      '"', '""', '"刷单', '刷单*', '*', 'NEAR(刷单 诈骗)', 'NEAR', '-刷单', '刷单 -诈骗', '(刷单', ')', '刷单 OR 1=1',
      "' OR '1'='1", "'; DROP TABLE articles; --", 'title:刷单', '^刷单', '+刷单 +', '@@', '%', '_', '!', '刷单%', '\\', '\u0000刷单',
      'a'.repeat(500), '刷'.repeat(300), 'AND', 'NOT 刷单', '{刷单}', '~刷单', '<刷单>', '刷单" OR "1',
    ];
    for (const q of attacks) {
      const r = await repo().searchArticles(q, { limit: 5, offset: 0 });
      expect(r.items.every((i) => i.article.state === 'published'), q).to.equal(true);
    }
    // The words are still words: 刷单 in brackets or with operators finds the same as 刷单.
    expect(await slugs('(刷单)')).to.deep.equal(['brushing', 'body-only']);
    expect(await slugs('NEAR(刷单)')).to.deep.equal([]);
    expect(await slugs('%')).to.deep.equal([]);
    const [rows] = await ctx.services.db.sequelize.query("SELECT COUNT(*) AS n FROM articles WHERE state = 'published'");
    expect(Number((rows as Array<{ n: number }>)[0]?.n)).to.equal(6);
  });

  it('narrows through the full-text index itself (the LIKE only confirms)', async () => {
    const sequelize = ctx.services.db.sequelize;
    const dialect = usingMysql() ? 'mysql' : 'sqlite';
    const matching = async (q: string) => {
      const expr = matchExpression(dialect, planSearch(q).tokens);
      const sql = dialect === 'sqlite'
        ? 'SELECT COUNT(*) AS n FROM article_search s WHERE s.article_search MATCH $1'
        : 'SELECT COUNT(*) AS n FROM article_search s WHERE MATCH(s.tokens) AGAINST ($1 IN BOOLEAN MODE)';
      const [row] = await sequelize.query<{ n: number }>(sql, { bind: [expr], type: QueryTypes.SELECT });
      return Number(row?.n);
    };
    expect(await matching('诈骗')).to.equal(1);
    expect(await matching('征信')).to.equal(1);
    expect(await matching('刷单')).to.equal(2);
    expect(await matching('ap')).to.equal(1);
    expect(await matching('安全账户')).to.equal(1);
    expect(await matching('火星')).to.equal(0);
  });

  it('serves /api/articles?q= and a search box on /articles', async () => {
    const api = await request(ctx.callback).get(`/api/articles?q=${encodeURIComponent('刷单')}`).expect(200);
    const body = api.body as { items: Array<{ slug: string; snippet: string; url: string }>; total: number; q: string };
    expect(body.items.map((i) => i.slug)).to.deep.equal(['brushing', 'body-only']);
    expect(body.total).to.equal(2);
    expect(body.items[0]?.url).to.equal('https://pingan-sanming.test/articles/brushing');
    const page = await request(ctx.callback).get(`/articles?q=${encodeURIComponent('征信')}`).expect(200);
    expect(page.text).to.contain('name="q"').and.contain('value="征信"').and.contain('/articles/credit').and.not.contain('/articles/brushing');
    const none = await request(ctx.callback).get(`/articles?q=${encodeURIComponent('<script>')}`).expect(200);
    expect(none.text).to.contain('没有找到').and.not.contain('<script>');
    await request(ctx.callback).get('/articles').expect(200).expect((res) => { expect(res.text).to.contain('name="q"'); });
  });

  it('the chat\'s link to more results opens, however long the words: the list reads the first 100 characters as the search does', async () => {
    const shelf = ctx.services.articles.shelf;
    const words = '刷单 '.repeat(40);
    const found = await shelf.search(words, 1);
    expect(found.total).to.equal(2);
    const url = new URL(shelf.listUrl(words));
    const page = await request(ctx.callback).get(`${url.pathname}${url.search}`).expect(200);
    expect(page.text).to.contain('/articles/brushing').and.contain('/articles/body-only');
    const api = await request(ctx.callback).get(`/api${url.pathname}${url.search}`).expect(200);
    expect((api.body as { total: number }).total).to.equal(2);
  });
});

describe(`articles: search follows the import (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  it('indexes an imported article and its changed file', async () => {
    const folder = new ContentFolder();
    folder.write({ slug: 'pension-scam', title: '养老诈骗的几种说法', body: '以“高额回报”为名推销养老项目的，多半是骗局。' });
    const ctx = await articlesContext(folder);
    try {
      const find = async (q: string) => (await ctx.services.articles.repo.searchArticles(q, { limit: 5, offset: 0 })).items.map((i) => i.article.slug);
      expect(await find('养老')).to.deep.equal(['pension-scam']);
      folder.write({ slug: 'pension-scam', title: '养老诈骗的几种说法', body: '以“以房养老”为名让老人抵押房子的，多半是骗局。' });
      await ctx.services.articles.importContent();
      expect(await find('以房养老')).to.deep.equal(['pension-scam']);
      expect(await find('高额回报')).to.deep.equal([]);
    } finally {
      await ctx.close();
      folder.remove();
    }
  });
});

describe('articles: search text helpers', () => {
  it('cuts Chinese into bigrams and keeps words, as ASCII tokens of at least three characters', () => {
    const tokens = indexTokens(normaliseForSearch('ETC短信 诈骗'));
    expect(tokens.split(' ')).to.have.length(3);
    for (const t of tokens.split(' ')) expect(t).to.match(/^[qz][a-z0-9]{2,}$/);
  });

  it('plans terms and a MATCH expression of [a-z0-9] tokens only', () => {
    const plan = planSearch('"刷单" NEAR(征信) -app*');
    expect(plan.terms).to.deep.equal(['刷单', 'near', '征信', 'app']);
    for (const dialect of ['sqlite', 'mysql'] as const) {
      for (const piece of matchExpression(dialect, plan.tokens).split(' ')) {
        if (piece !== 'AND') expect(piece).to.match(/^\+?"?[qz][a-z0-9]+"?\*?$/);
      }
    }
  });

  it('snips around the first word found, else the summary', () => {
    expect(snippet('# 标题\n\n一段很长的正文，里面讲到**刷单**的危害。', '摘要', ['刷单'])).to.contain('刷单').and.not.contain('**');
    expect(snippet('正文', '摘要', ['刷单'])).to.equal('摘要');
  });
});
