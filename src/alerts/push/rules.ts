// Pure rules of the push: channels, states, what a WeChat error means for a recipient, the retry
// back-off, and the messages each channel sends. No I/O, no clock of its own.
import { WechatApiError, customNews, type CustomMessage, type MassSendContent, type TemplateMessage } from '../../wechat/index.js';

export const PUSH_CHANNELS = ['custom', 'mass', 'template'] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];
export const isPushChannel = (v: unknown): v is PushChannel => typeof v === 'string' && (PUSH_CHANNELS as readonly string[]).includes(v);

/** queued: its recipients are being listed; running; paused; cancelled; done: nothing left to send. */
export const JOB_STATES = ['queued', 'running', 'paused', 'cancelled', 'done'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const RECIPIENT_STATES = ['queued', 'sending', 'sent', 'skipped', 'failed'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export const JOB_STATE_LABELS: Readonly<Record<JobState, string>> = {
  queued: '准备中', running: '发送中', paused: '已暂停', cancelled: '已取消', done: '已完成',
};
export const CHANNEL_LABELS: Readonly<Record<PushChannel, string>> = {
  custom: '客服消息（48小时内互动过的关注者）', mass: '群发（按县标签）', template: '模板消息',
};

/**
 * Why a recipient was skipped or failed: stable codes staff filters and tests use. Skipped is
 * about the follower (nothing to retry); failed is a send that did not happen or is unknown.
 */
export const REASONS = {
  outsideWindow: 'outside_window',
  unsubscribed: 'unsubscribed',
  badOpenid: 'bad_openid',
  customLimit: 'custom_limit',
  blocked: 'blocked',
  cancelled: 'cancelled',
  quotaSpent: 'quota_spent',
  unknownAfterCrash: 'unknown_after_crash',
  wechatBusy: 'wechat_busy',
  rateLimited: 'rate_limited',
  internal: 'internal_error',
} as const;

export { CUSTOM_WINDOW_MS } from '../../wechat/index.js';

/** Errors about the follower: skipped, never retried. */
const PERMANENT: Readonly<Record<number, string>> = {
  43004: REASONS.unsubscribed,
  45015: REASONS.outsideWindow,
  40003: REASONS.badOpenid,
  45047: REASONS.customLimit,
  43019: REASONS.blocked,
};
/** Errors that pass: WeChat busy or a transport failure (-1, also HTTP 5xx), call limits, a token refused twice. */
const TRANSIENT: Readonly<Record<number, string>> = {
  [-1]: REASONS.wechatBusy,
  45009: REASONS.rateLimited,
  45011: REASONS.rateLimited,
  40001: REASONS.wechatBusy,
  42001: REASONS.wechatBusy,
};
/** The call limit codes: the whole push waits a moment, not only the recipient. */
export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([45009, 45011]);

export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; errcode: number | null; reason: string }
  | { kind: 'skipped'; errcode: number | null; reason: string }
  | { kind: 'failed'; errcode: number | null; reason: string };

/** What a failed send means. Anything not WeChat's answer (a bug of ours) is retried like a busy WeChat. */
export function classifySendError(err: unknown): Exclude<SendOutcome, { kind: 'sent' }> {
  if (!(err instanceof WechatApiError)) return { kind: 'retry', errcode: null, reason: REASONS.internal };
  const { errcode } = err;
  if (err.local) return { kind: 'failed', errcode, reason: `wechat_${errcode}` };
  const permanent = PERMANENT[errcode];
  if (permanent) return { kind: 'skipped', errcode, reason: permanent };
  const transient = TRANSIENT[errcode];
  if (transient) return { kind: 'retry', errcode, reason: transient };
  return { kind: 'failed', errcode, reason: `wechat_${errcode}` };
}

/**
 * Milliseconds before attempt `attempts + 1`, after `attempts` transient failures: the base
 * doubled each time, capped, with ±20 % spread (`random` in [0, 1)) so retries do not come back
 * all at once.
 */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number, random: number): number {
  const plain = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random));
}

/** What staff give to start a push: the alert's words are copied into the job. */
export interface PushContent {
  alertId: number;
  title: string;
  summary: string;
  url: string;
}

const cut = (text: string, n: number) => {
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, n - 1).join('')}…`;
};

/** The customer-service message: one news item, the alert's title and summary, opening its page. */
export function customMessage(openid: string, c: PushContent): CustomMessage {
  return customNews(openid, [{ title: `【防骗预警】${c.title}`, description: cut(c.summary, 120), url: c.url }]);
}

/**
 * The template message. Data keys follow the 防骗预警提醒 template the account registers
 * (docs/alerts.md#push): thing1 the title, thing2 the region (WeChat caps `thing` at 20
 * characters), time3 the time. client_msg_id: WeChat sends one message per openid and id, so a
 * send repeated soon after is dropped by WeChat.
 */
export function templateMessage(openid: string, templateId: string, c: PushContent, region: string, time: string): TemplateMessage {
  return {
    touser: openid,
    template_id: templateId,
    url: c.url,
    client_msg_id: `alert-${c.alertId}`,
    data: { thing1: { value: cut(c.title, 20) }, thing2: { value: cut(region, 20) }, time3: { value: time } },
  };
}

/** A mass send is text: a draft (mpnews) would need a cover and WeChat's review first. */
export function massText(c: PushContent): MassSendContent {
  return { text: `【防骗预警】${c.title}\n${cut(c.summary, 300)}\n详情：${c.url}` };
}

/** The region as a citizen reads it: 「三明全市」, or the counties' names. */
export function regionLabel(counties: readonly string[] | null, names: ReadonlyMap<string, string>): string {
  if (counties === null) return '三明全市';
  return counties.map((c) => names.get(c) ?? c).join('、');
}

/** `2026年12月6日 18:30` in Beijing time. */
export function beijingTime(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${two(b.getUTCHours())}:${two(b.getUTCMinutes())}`;
}
