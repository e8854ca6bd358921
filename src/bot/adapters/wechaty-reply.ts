// Renders a channel-neutral BotReply as the plain texts a Wechaty contact can receive.
// Personal WeChat has no news cards or customer-service transfer, so both become text.
import type { BotReply, BotReplyPart, NewsItem } from '../types.js';

export const TRANSFER_TEXT = '已为您转接人工服务，工作人员将尽快与您联系。';

function newsText(article: NewsItem): string {
  return article.url ? `${article.title}\n${article.url}` : article.title;
}

function partText(part: BotReplyPart): string {
  switch (part.type) {
    case 'text': return part.text;
    case 'news': return part.articles.map(newsText).join('\n\n');
    case 'transfer_customer_service': return TRANSFER_TEXT;
  }
}

/** One text per part, in order; empty texts are dropped so the bot never sends a blank message. */
export function replyTexts(reply: BotReply): string[] {
  return reply.parts.map(partText).filter((t) => t.trim() !== '');
}
