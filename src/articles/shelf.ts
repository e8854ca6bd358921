// The articles as the chat reads them (the bot's ArticleShelf port): the latest published and
// search, each article with absolute addresses for a WeChat news reply.
import type { ArticleShelf, ShelfArticle } from '../bot/ports.js';
import { publicArticle } from './public-routes.js';
import type { Article, ArticleRepository } from './repository.js';

export function articleShelf(repo: ArticleRepository, origin: string): ArticleShelf {
  const item = (a: Article): ShelfArticle => {
    const p = publicArticle(a, origin);
    return { title: p.title, summary: p.summary, url: p.url, coverUrl: p.cover };
  };
  return {
    async latest(limit) {
      return (await repo.allPublished(limit)).map(item);
    },
    async search(words, limit) {
      const found = await repo.searchArticles(words, { limit, offset: 0 });
      return { items: found.items.map((i) => item(i.article)), total: found.total };
    },
    listUrl(words) {
      return words ? `${origin}/articles?${new URLSearchParams({ q: words }).toString()}` : `${origin}/articles`;
    },
  };
}
