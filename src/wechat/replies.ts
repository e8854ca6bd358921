import { cdata } from './xml-write.js';

/**
 * Passive replies (the HTTP response to WeChat's callback) as data, rendered to
 * XML only at the edge. Shapes follow the official "passive user reply" doc.
 */
export interface NewsArticle {
  title: string;
  description?: string;
  picUrl?: string;
  url?: string;
}

export type Reply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string; description?: string }
  | {
      type: 'music';
      title?: string;
      description?: string;
      musicUrl?: string;
      hqMusicUrl?: string;
      thumbMediaId: string;
    }
  | { type: 'news'; articles: NewsArticle[] }
  | { type: 'transfer_customer_service'; kfAccount?: string }
  | { type: 'none' };

export interface ReplyContext {
  /** The citizen's openid (the inbound FromUserName). */
  toUser: string;
  /** The account's gh_ id (the inbound ToUserName). */
  fromUser: string;
  /** Seconds, not milliseconds (some SDKs send ms; WeChat's spec says seconds). */
  createTime: number;
  /** WeChat allows 1 article in reply to a user message, up to 8 in reply to an event. */
  maxArticles?: number;
}

/** What WeChat accepts as "no reply": anything else non-XML shows the citizen an error. */
export const NO_REPLY = 'success';
export const MAX_NEWS_ARTICLES = 8;

/** How a value is written into the XML: as it is (text), or as its UTF-8 bytes (utf8Bytes). */
type Encode = (value: string) => string;
const asText: Encode = (value) => value;

function opt(tag: string, value: string | undefined, enc: Encode): string {
  return value === undefined ? '' : `<${tag}>${cdata(enc(value))}</${tag}>`;
}

function head(ctx: ReplyContext, msgType: string, enc: Encode): string {
  return (
    `<xml><ToUserName>${cdata(enc(ctx.toUser))}</ToUserName><FromUserName>${cdata(enc(ctx.fromUser))}</FromUserName>` +
    `<CreateTime>${Math.floor(ctx.createTime)}</CreateTime><MsgType>${cdata(msgType)}</MsgType>`
  );
}

/** Renders a reply to the response body; an empty news list renders as no reply. */
export function renderReply(reply: Reply, ctx: ReplyContext): string {
  return render(reply, ctx, asText);
}

function render(reply: Reply, ctx: ReplyContext, enc: Encode): string {
  switch (reply.type) {
    case 'none':
      return NO_REPLY;
    case 'text':
      return `${head(ctx, 'text', enc)}<Content>${cdata(enc(reply.content))}</Content></xml>`;
    case 'image':
      return `${head(ctx, 'image', enc)}<Image><MediaId>${cdata(enc(reply.mediaId))}</MediaId></Image></xml>`;
    case 'voice':
      return `${head(ctx, 'voice', enc)}<Voice><MediaId>${cdata(enc(reply.mediaId))}</MediaId></Voice></xml>`;
    case 'video':
      return (
        `${head(ctx, 'video', enc)}<Video><MediaId>${cdata(enc(reply.mediaId))}</MediaId>` +
        `${opt('Title', reply.title, enc)}${opt('Description', reply.description, enc)}</Video></xml>`
      );
    case 'music':
      return (
        `${head(ctx, 'music', enc)}<Music>${opt('Title', reply.title, enc)}${opt('Description', reply.description, enc)}` +
        `${opt('MusicUrl', reply.musicUrl, enc)}${opt('HQMusicUrl', reply.hqMusicUrl, enc)}` +
        `<ThumbMediaId>${cdata(enc(reply.thumbMediaId))}</ThumbMediaId></Music></xml>`
      );
    case 'news': {
      // WeChat silently drops extra articles; truncating here keeps ArticleCount honest.
      const limit = Math.max(1, Math.floor(ctx.maxArticles ?? MAX_NEWS_ARTICLES));
      const articles = reply.articles.slice(0, limit);
      if (articles.length === 0) return NO_REPLY;
      let items = '';
      for (const a of articles) {
        items +=
          `<item><Title>${cdata(enc(a.title))}</Title>${opt('Description', a.description, enc)}` +
          `${opt('PicUrl', a.picUrl, enc)}${opt('Url', a.url, enc)}</item>`;
      }
      return `${head(ctx, 'news', enc)}<ArticleCount>${articles.length}</ArticleCount><Articles>${items}</Articles></xml>`;
    }
    case 'transfer_customer_service':
      return reply.kfAccount === undefined
        ? `${head(ctx, 'transfer_customer_service', enc)}</xml>`
        : `${head(ctx, 'transfer_customer_service', enc)}<TransInfo><KfAccount>${cdata(enc(reply.kfAccount))}</KfAccount></TransInfo></xml>`;
  }
}

export const MAX_TEXT_BYTES = 2048;

function utf8Len(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Splits text into chunks of at most `maxBytes` UTF-8 bytes, because WeChat cuts
 * longer text replies mid-character. Cuts fall between code points; a newline in
 * the second half of a chunk is preferred as the cut (it stays at the chunk's end),
 * so `chunks.join('') === text`. Empty text yields no chunks.
 */
export function splitText(text: string, maxBytes: number = MAX_TEXT_BYTES): string[] {
  if (!(maxBytes >= 4)) throw new RangeError('maxBytes must be at least 4 (one code point)');
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair, two units, is 4): most replies are
  // within the cut without counting.
  if (text.length * 3 <= maxBytes) return text.length > 0 ? [text] : [];
  const chunks: string[] = [];
  let start = 0;
  let bytes = 0;
  let cutAfterNewline = -1;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const len = utf8Len(cp);
    const width = cp > 0xffff ? 2 : 1;
    if (bytes + len > maxBytes) {
      const cut = cutAfterNewline > start ? cutAfterNewline : i;
      chunks.push(text.slice(start, cut));
      start = cut;
      cutAfterNewline = -1;
      bytes = Buffer.byteLength(text.slice(start, i), 'utf8');
      continue;
    }
    bytes += len;
    i += width;
    if (cp === 10 && bytes >= maxBytes / 2) cutAfterNewline = i;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}
