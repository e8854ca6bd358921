import type { NewsArticle } from '../replies.js';
import type { CustomMessage } from './types.js';

/** WeChat's customer-service window: a follower can be sent messages for 48 hours after their last message. */
export const CUSTOM_WINDOW_MS = 48 * 3600_000;

/** Customer-service text message; the late answer path when 5 s were not enough. */
export function customText(toUser: string, content: string): CustomMessage {
  return { touser: toUser, msgtype: 'text', text: { content } };
}

/** Customer-service news message (WeChat currently shows only the first article). */
export function customNews(toUser: string, articles: NewsArticle[]): CustomMessage {
  return {
    touser: toUser,
    msgtype: 'news',
    news: {
      articles: articles.map((a) => {
        const out: { title: string; description?: string; url?: string; picurl?: string } = { title: a.title };
        if (a.description !== undefined) out.description = a.description;
        if (a.url !== undefined) out.url = a.url;
        if (a.picUrl !== undefined) out.picurl = a.picUrl;
        return out;
      }),
    },
  };
}
