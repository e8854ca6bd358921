// The engine's channel-neutral vocabulary. Adapters (official-account webhook, Wechaty) translate
// their wire types into BotInput and render BotReply; the engine never sees XML or Wechaty types.

export type Channel = 'official_account' | 'wechaty';

export interface CitizenRef {
  channel: Channel;
  /** openid on the official account; the contact id on Wechaty. */
  id: string;
}

interface InputBase {
  citizen: CitizenRef;
  receivedAt: Date;
  /** The channel's message id, when it has one (used for transcripts, not for dedupe). */
  msgId?: string;
}

export type BotInput = InputBase & (
  | { kind: 'text'; text: string }
  | { kind: 'voice'; text?: string; mediaId?: string }
  | { kind: 'image'; mediaId?: string; url?: string }
  | { kind: 'video'; mediaId?: string }
  | { kind: 'location'; latitude: number; longitude: number; label?: string }
  | { kind: 'link'; title: string; url: string; description?: string }
  | { kind: 'subscribe'; scene?: string }
  | { kind: 'unsubscribe' }
  | { kind: 'menu'; key: string }
  | { kind: 'scan'; scene: string }
  | { kind: 'other' }
);

export interface NewsItem {
  title: string;
  description?: string;
  url?: string;
  picUrl?: string;
}

export type BotReplyPart =
  | { type: 'text'; text: string }
  | { type: 'news'; articles: NewsItem[] }
  | { type: 'transfer_customer_service' };

/** Empty parts = say nothing. The first part is the direct answer; adapters send the rest after it. */
export interface BotReply {
  parts: BotReplyPart[];
}

export interface Bot {
  handle(input: BotInput): Promise<BotReply>;
}

export const text = (t: string): BotReply => ({ parts: [{ type: 'text', text: t }] });
export const silent = (): BotReply => ({ parts: [] });
