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

/** A waiting notice, as the desk names it: the adapter reports it back once its part went out (or did not). */
export type NoticeId = number;

export type BotReplyPart =
  /** `notices`: the waiting notices this part carries (in its text, after the answer). */
  | { type: 'text'; text: string; notices?: readonly NoticeId[] }
  | { type: 'news'; articles: NewsItem[] }
  | { type: 'transfer_customer_service' };

/** Empty parts = say nothing. The first part is the direct answer; adapters send the rest after it. */
export interface BotReply {
  parts: BotReplyPart[];
}

/** 'delivered': the part carrying the notices went out; 'not_delivered': it did not (shown at the next message). */
export type NoticeOutcome = 'delivered' | 'not_delivered';

export interface Bot {
  handle(input: BotInput): Promise<BotReply>;
  /**
   * The adapter's word on the notices a reply part carried, once it knows: a notice is delivered
   * only when its part was (passive reply written, customer-service message accepted, Wechaty
   * message said); until then it is held, and one not delivered waits for the next message.
   * Never rejects.
   */
  noticesSettled(citizen: CitizenRef, ids: readonly NoticeId[], outcome: NoticeOutcome): Promise<void>;
  /**
   * The emergency answer (the number first) this message needs, or undefined when it tells of no
   * danger: no I/O, answered at once. For an adapter whose reply window closes before `handle`
   * answers (the official account's passive reply, when the turn waits for the citizen's
   * previous message or a slow database), so someone in danger is not left waiting for the number.
   */
  urgent?(input: BotInput): BotReplyPart | undefined;
}

export const text = (t: string): BotReply => ({ parts: [{ type: 'text', text: t }] });
export const silent = (): BotReply => ({ parts: [] });
