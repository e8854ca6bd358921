// The article section in the chat: 「最新文章」 (menu click and typed) and 搜索 / 查找, through the
// engine with a plain shelf, and 搜索 刷单 through the real webhook, engine and database.
import { expect } from 'chai';
import { createEngine } from '../../src/bot/engine.js';
import type { ArticleShelf, ShelfArticle } from '../../src/bot/ports.js';
import type { BotReply, BotReplyPart } from '../../src/bot/types.js';
import { createLogger } from '../../src/platform/logger.js';
import type { ArticleActor } from '../../src/articles/types.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { usingMysql } from '../support/database.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { Clock, FakeDesk, JsonStore, input, testConfig } from './engine-harness.js';

const ORIGIN = 'https://example.test';

class FakeShelf implements ArticleShelf {
  searched: string[] = [];
  failing = false;
  constructor(readonly articles: ShelfArticle[]) {}
  latest(limit: number): Promise<ShelfArticle[]> {
    if (this.failing) return Promise.reject(new Error('database down'));
    return Promise.resolve(this.articles.slice(0, limit));
  }
  search(words: string, limit: number): Promise<{ items: ShelfArticle[]; total: number }> {
    this.searched.push(words);
    const all = this.articles.filter((a) => `${a.title}${a.summary}`.includes(words));
    return Promise.resolve({ items: all.slice(0, limit), total: all.length });
  }
  listUrl(words?: string): string {
    return words ? `${ORIGIN}/articles?q=${encodeURIComponent(words)}` : `${ORIGIN}/articles`;
  }
}

const article = (n: number, title: string, cover = false): ShelfArticle => ({
  title, summary: `${title}的摘要`, url: `${ORIGIN}/articles/a${n}`, coverUrl: cover ? `${ORIGIN}/img/${n}.png` : null,
});

const SHELF = [
  article(1, '刷单返利都是骗局', true), article(2, '刷单的人最后都赔了'), article(3, '征信不能花钱修复'),
  ...Array.from({ length: 9 }, (_, i) => article(10 + i, `防骗提醒第${i + 1}期`)),
];

async function engine(shelf?: ArticleShelf) {
  const config = await testConfig();
  return createEngine({
    config, logger: createLogger('silent'), desk: new FakeDesk(), conversations: new JsonStore(), now: new Clock().now, ...(shelf ? { articles: shelf } : {}),
  });
}

const news = (p: BotReplyPart | undefined) => (p?.type === 'news' ? p.articles : undefined);
const textOf = (r: BotReply) => r.parts.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('\n---\n');

describe('bot: articles in the chat', () => {
  it('answers 搜索 with the best article as news and a link to the rest', async () => {
    const shelf = new FakeShelf(SHELF);
    const bot = await engine(shelf);
    for (const ask of ['搜索 刷单', '搜索：刷单', '搜索刷单', '查找 刷单', '查找：刷单']) {
      const reply = await bot.handle(input({ kind: 'text', text: ask }));
      expect(news(reply.parts[0]), ask).to.deep.equal([
        { title: '刷单返利都是骗局', description: '刷单返利都是骗局的摘要', url: `${ORIGIN}/articles/a1`, picUrl: `${ORIGIN}/img/1.png` },
      ]);
      expect(reply.parts[1]).to.deep.equal({ type: 'text', text: `还有1篇相关文章，点这里都能看到：\n${ORIGIN}/articles?q=${encodeURIComponent('刷单')}` });
    }
    expect(shelf.searched.every((w) => w === '刷单')).to.equal(true);
    // One match: the news alone, no cover when there is none.
    const one = await bot.handle(input({ kind: 'text', text: '搜索 征信' }));
    expect(one.parts).to.have.length(1);
    expect(news(one.parts[0])?.[0]).to.deep.equal({ title: '征信不能花钱修复', description: '征信不能花钱修复的摘要', url: `${ORIGIN}/articles/a3` });
  });

  it('says plainly when nothing is found, and asks for words after a bare 搜索', async () => {
    const bot = await engine(new FakeShelf(SHELF));
    const none = textOf(await bot.handle(input({ kind: 'text', text: '搜索 火星' })));
    expect(none).to.contain('没有找到和「火星」有关的文章').and.contain('平安资讯').and.not.contain('[news]');
    expect(textOf(await bot.handle(input({ kind: 'text', text: '搜索' })))).to.contain('搜索 刷单');
  });

  it('shows the latest articles: 8 for the menu click, 1 and the list for a typed message', async () => {
    const bot = await engine(new FakeShelf(SHELF));
    const click = await bot.handle(input({ kind: 'menu', key: 'ARTICLES' }));
    expect(news(click.parts[0])).to.have.length(8);
    expect(click.parts[1]).to.deep.equal({ type: 'text', text: `更多文章，点这里看：\n${ORIGIN}/articles` });
    for (const ask of ['最新文章', '文章', '最新']) {
      const typed = await bot.handle(input({ kind: 'text', text: ask }));
      expect(news(typed.parts[0]), ask).to.have.length(1);
      expect(typed.parts[1]).to.deep.equal({ type: 'text', text: `更多文章，点这里看：\n${ORIGIN}/articles` });
    }
    const empty = await engine(new FakeShelf([]));
    expect(textOf(await empty.handle(input({ kind: 'menu', key: 'ARTICLES' })))).to.contain('暂时还没有文章');
  });

  it('keeps emergencies first and other commands as they were', async () => {
    const bot = await engine(new FakeShelf(SHELF));
    const danger = await bot.handle(input({ kind: 'text', text: '搜索 救命 有人拿刀砍人' }));
    expect(danger.parts[0]?.type).to.equal('text');
    expect(textOf(danger).split('\n')[0]).to.match(/^请马上拨打110/);
    expect(textOf(await bot.handle(input({ kind: 'text', text: '举报' })))).to.contain('类别');
    const plain = await engine(new FakeShelf(SHELF));
    // 查找 without a separator is someone's own words, not a search.
    expect(news((await plain.handle(input({ kind: 'text', text: '查找走失的老人需要找谁' }))).parts[0])).to.equal(undefined);
  });

  it('apologises when the articles cannot be read, and without a shelf says the section is coming', async () => {
    const shelf = new FakeShelf(SHELF);
    shelf.failing = true;
    expect(textOf(await (await engine(shelf)).handle(input({ kind: 'menu', key: 'ARTICLES' })))).to.contain('文章暂时打不开').and.contain('110');
    expect(textOf(await (await engine()).handle(input({ kind: 'text', text: '搜索 刷单' })))).to.contain('正在准备');
  });
});

describe(`bot: 搜索 through the webhook (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let t: TestContext;
  const admin: ArticleActor = { id: 1, role: 'admin' };

  before(async () => {
    t = await createTestContext();
    const { service } = t.services.articles;
    const write = async (slug: string, title: string, body: string) => {
      const a = await service.create(admin, { slug, title, summary: `${title}，看完再转账。`, body, tags: ['反诈'], author: '市反诈中心', coverUrl: null });
      await service.submit(admin, a.id);
      await service.publish(admin, a.id);
    };
    await write('brushing-scam', '刷单返利都是骗局', '网上兼职刷单，先垫付后返利，做几单就被拉黑。');
    await write('credit-scam', '“注销校园贷”是假的', '骗子说你的征信有问题。');
  });
  after(async () => t.close());

  const client = () => new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_reader' });

  it('answers 搜索 刷单 with a news reply of the right article', async () => {
    const reply = await client().text('搜索 刷单');
    expect(reply.type).to.equal('news');
    if (reply.type !== 'news') return;
    expect(reply.articles).to.deep.equal([{ title: '刷单返利都是骗局', description: '刷单返利都是骗局，看完再转账。', url: 'https://pingan-sanming.test/articles/brushing-scam' }]);
  });

  it('answers the 最新文章 menu with the latest articles, newest first', async () => {
    const reply = await client().click('ARTICLES');
    expect(reply.type).to.equal('news');
    if (reply.type !== 'news') return;
    expect(reply.articles.map((a) => a.url)).to.deep.equal([
      'https://pingan-sanming.test/articles/credit-scam', 'https://pingan-sanming.test/articles/brushing-scam',
    ]);
  });
});
