// The article section in the chat: 「最新文章」 (menu click or typed) shows the latest published
// articles; 「搜索 <词>」 (also 「搜索：词」, 「查找 词」) the best match and a link to the rest.
// A news reply carries at most what WeChat takes: 8 articles answering an event (the menu click),
// 1 answering a message (the adapter's maxArticles), so a typed request gets one article and
// the list's address in a second part. Without an article shelf (an engine built without the
// articles module) the section is said to be in preparation. The words are read folded to
// simplified characters (「平安資訊」); the search words go to the shelf as typed.
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import type { ShelfArticle } from '../ports.js';
import { say, type EngineContext, type Intent, type Turn } from '../intent.js';
import type { BotReplyPart, NewsItem } from '../types.js';

const LATEST_WORDS = /^(文章|最新|最新文章|资讯|平安资讯)/;
const SEARCH = /^(?:搜索|搜一搜|搜一下)[\s:：,，]*([\s\S]*)$/;
// 查找 also starts plain requests (查找走失的老人): only with a separator and a few words.
const FIND = /^查找[\s:：,，]+([\s\S]{1,30})$/;

/** WeChat's passive news reply: up to 8 articles answering an event, 1 answering a message. */
const NEWS_FOR_EVENT = 8;
const NEWS_FOR_MESSAGE = 1;

const NOT_READY = '文章栏目正在准备中，很快就和您见面。\n现在您可以：回复「反诈」看防骗提醒，回复「举报」反映问题，回复「查询」看办理进度。';
const NO_ARTICLES = '暂时还没有文章，请过几天再来看看。\n现在您可以：回复「反诈」看防骗提醒，回复「举报」反映问题。';
const ASK_WORDS = '请在「搜索」后面写上想找的内容，例如：\n搜索 刷单\n搜索 征信';
const TROUBLE = '抱歉，文章暂时打不开，请过几分钟再试。紧急情况请拨打110。';
const notFound = (words: string) =>
  `没有找到和「${words}」有关的文章。\n可以换个词再试试，比如「搜索 诈骗」；也可以点菜单「平安资讯」里的「最新文章」看看。`;
const moreFound = (n: number, url: string) => `还有${n}篇相关文章，点这里都能看到：\n${url}`;
const moreLatest = (url: string) => `更多文章，点这里看：\n${url}`;

/** The words after 搜索 / 查找 as typed, or undefined when the message is not a search. */
export function searchWords(text: string): string | undefined {
  const read = foldToSimplified(text);
  const m = SEARCH.exec(read) ?? FIND.exec(read);
  if (!m) return undefined;
  // The fold keeps code points in place: the words typed start after as many as the command read.
  const command = Array.from(read.slice(0, read.length - (m[1] ?? '').length)).length;
  return Array.from(text).slice(command).join('').trim();
}

function newsItem(a: ShelfArticle): NewsItem {
  return { title: a.title, description: a.summary, url: a.url, ...(a.coverUrl ? { picUrl: a.coverUrl } : {}) };
}

/**
 * The best article for these words as one news part (what a typed message may carry), for answers
 * that add reading to their own words; undefined with nothing found or no shelf. A failing shelf throws.
 */
export async function bestArticle(words: string, ctx: EngineContext): Promise<BotReplyPart | undefined> {
  const best = (await ctx.articles?.search(words, NEWS_FOR_MESSAGE))?.items[0];
  return best ? { type: 'news', articles: [newsItem(best)] } : undefined;
}

async function latest(turn: Turn, ctx: EngineContext): Promise<BotReplyPart[]> {
  const shelf = ctx.articles;
  if (!shelf) return [say(NOT_READY)];
  const max = turn.input.kind === 'menu' ? NEWS_FOR_EVENT : NEWS_FOR_MESSAGE;
  const items = await shelf.latest(max + 1);
  if (items.length === 0) return [say(NO_ARTICLES)];
  const parts: BotReplyPart[] = [{ type: 'news', articles: items.slice(0, max).map(newsItem) }];
  if (items.length > max) parts.push(say(moreLatest(shelf.listUrl())));
  return parts;
}

async function search(words: string, ctx: EngineContext): Promise<BotReplyPart[]> {
  const shelf = ctx.articles;
  if (!shelf) return [say(NOT_READY)];
  if (!words) return [say(ASK_WORDS)];
  const found = await shelf.search(words, NEWS_FOR_MESSAGE);
  const best = found.items[0];
  if (!best) return [say(notFound(words))];
  const parts: BotReplyPart[] = [{ type: 'news', articles: [newsItem(best)] }];
  if (found.total > 1) parts.push(say(moreFound(found.total - 1, shelf.listUrl(words))));
  return parts;
}

export const articles: Intent = {
  name: 'articles',
  match: (turn) => (turn.menuIntent !== undefined
    ? turn.menuIntent === 'articles'
    : searchWords(turn.text) !== undefined || LATEST_WORDS.test(foldToSimplified(turn.text))),
  async handle(turn, ctx) {
    try {
      const words = turn.menuIntent === undefined ? searchWords(turn.text) : undefined;
      return await (words !== undefined ? search(words, ctx) : latest(turn, ctx));
    } catch (err) {
      ctx.logger.warn({ err }, 'bot: articles failed');
      return [say(TROUBLE)];
    }
  },
};
