// Renders a channel-neutral BotReply as the plain texts a Wechaty contact can receive.
// Personal WeChat has no news cards or customer-service transfer, so both become text.
import type { BotReply, BotReplyPart, NewsItem, NoticeId } from '../types.js';

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
  return replyMessages(reply).map((m) => m.text);
}

/** What the adapter says, one message a part, each with the notices it carries (see BotReplyPart). */
export interface WechatyMessage {
  text: string;
  notices: readonly NoticeId[];
}

export function replyMessages(reply: BotReply): WechatyMessage[] {
  const out: WechatyMessage[] = [];
  for (const part of reply.parts) {
    const text = partText(part);
    if (text.trim() === '') continue;
    out.push({ text, notices: part.type === 'text' ? part.notices ?? [] : [] });
  }
  return out;
}
