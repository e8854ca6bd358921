// Pure rules of the push: channels, states, what a WeChat error means for a recipient, the retry
// back-off, and the messages each channel sends. No I/O, no clock of its own.
import { formatBeijingClock } from '../../platform/beijing-time.js';
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
  unknownAfterError: 'unknown_after_error',
  wechatBusy: 'wechat_busy',
  rateLimited: 'rate_limited',
  dailyLimit: 'daily_limit',
  internal: 'internal_error',
} as const;

/**
 * Reasons a new push of the same alert does not try again: about the follower for good, or a
 * send that may have arrived (sending it again could give the follower the alert twice). A
 * recipient with `unsure_since` set is never tried again by a new push either, whatever its
 * reason (rows written before that rule may carry `cancelled` or `wechat_busy`).
 */
export const FINAL_REASONS: readonly string[] = [REASONS.badOpenid, REASONS.blocked, REASONS.unknownAfterCrash, REASONS.unknownAfterError];

export { CUSTOM_WINDOW_MS } from '../../wechat/index.js';

/**
 * How long a new send under a mass send's clientmsgid is safe: WeChat checks its mass-send
 * records of the last 24 hours (45065, already sent), so one that may have gone out is sent
 * again under the same clientmsgid for at most this long after it may have, never after.
 */
export const MASS_DEDUPE_MS = 23 * 3600_000;
/** mass/sendall: the same clientmsgid sent again too soon; WeChat asks for a minute's wait. */
export const MASS_RETRY_TOO_FAST_ERRCODE = 45066;

/** The columns of a mass send (`alert_push_mass`) that say whether it may have gone out. */
export interface MassOutcomeFields {
  state: string;
  /**
   * Set when it went out, and also when it may have (the first send whose answer was lost, or
   * whose worker died mid-send): then state is not `sent` and the row is "may have gone out".
   */
  sentAt: Date | null;
}

/**
 * Invariant: a mass send that may have gone out (state not `sent`, `sent_at` set) is never sent
 * under another clientmsgid, and keeps its quota slot: only WeChat's 45065 on its own
 * clientmsgid may settle it.
 */
export const massMaybeSent = (m: MassOutcomeFields): boolean => m.state !== 'sent' && m.sentAt !== null;

/**
 * What a new push of an alert does with a target's earlier mass send (undefined: none):
 * `new` and `again` send under a fresh clientmsgid (`again`: an earlier one that surely reached
 * nobody: cancelled before it went, refused, quota spent); `resume` sends again under the row's
 * own clientmsgid (it may have gone out, less than MASS_DEDUPE_MS ago: 45065 counts it as
 * sent); `taken` is never sent again (sent, still going, or may have gone out too long ago).
 */
export function massPlan(earlier: MassOutcomeFields | undefined, now: Date): 'new' | 'again' | 'resume' | 'taken' {
  if (!earlier) return 'new';
  if (earlier.state !== 'skipped' && earlier.state !== 'failed') return 'taken';
  if (!massMaybeSent(earlier)) return 'again';
  return now.getTime() - earlier.sentAt!.getTime() < MASS_DEDUPE_MS ? 'resume' : 'taken';
}

/** Whether a send's outcome is a failure of WeChat's, which holds back the account's pushes. */
export const trips = (o: SendOutcome): boolean => (o.kind === 'retry' || o.kind === 'failed') && o.trip === true;

/** Errors about the follower: skipped, never retried. */
const PERMANENT: Readonly<Record<number, string>> = {
  43004: REASONS.unsubscribed,
  45015: REASONS.outsideWindow,
  40003: REASONS.badOpenid,
  45047: REASONS.customLimit,
  43019: REASONS.blocked,
};
/**
 * Errors about WeChat or the account, not the follower: WeChat busy or unreachable (-1, which
 * includes HTTP 5xx and transport failures), the per-minute call limit, a token refused twice.
 * They hold back the whole account's pushes (the breaker), not only the recipient.
 */
const TRANSIENT: Readonly<Record<number, string>> = {
  [-1]: REASONS.wechatBusy,
  45011: REASONS.rateLimited,
  40001: REASONS.wechatBusy,
  42001: REASONS.wechatBusy,
};
/** The API's daily call limit: nothing more goes by that channel until the next Beijing day. */
export const DAILY_LIMIT_ERRCODE = 45009;

export type SendOutcome =
  | { kind: 'sent' }
  /** Try this recipient again later; `trip`: the failure is WeChat's, so the account's pushes wait too. */
  | { kind: 'retry'; errcode: number | null; reason: string; trip: boolean; unsure: boolean }
  | { kind: 'skipped'; errcode: number | null; reason: string }
  /** Final; `trip`: the failure is WeChat's too (an answer lost), so the account's pushes wait. */
  | { kind: 'failed'; errcode: number | null; reason: string; trip?: boolean }
  /** The channel's daily limit is reached: the recipient goes back unsent, the channel waits for tomorrow. */
  | { kind: 'blocked'; errcode: number; reason: string };

/**
 * What a failed send means for its recipient. A send whose outcome is unknown (WechatApiError
 * `uncertain`: a timeout, a lost connection) is never repeated as a customer-service message,
 * which has no idempotency key; a template message may be, under its client_msg_id. Anything not
 * WeChat's answer (a bug of ours) is retried for that recipient alone.
 */
export function classifySendError(err: unknown, channel: PushChannel): Exclude<SendOutcome, { kind: 'sent' }> {
  if (!(err instanceof WechatApiError)) return { kind: 'retry', errcode: null, reason: REASONS.internal, trip: false, unsure: false };
  const { errcode } = err;
  if (err.local) return { kind: 'failed', errcode, reason: `wechat_${errcode}` };
  if (err.uncertain && channel === 'custom') return { kind: 'failed', errcode, reason: REASONS.unknownAfterError, trip: true };
  const permanent = PERMANENT[errcode];
  if (permanent) return { kind: 'skipped', errcode, reason: permanent };
  if (errcode === DAILY_LIMIT_ERRCODE) return { kind: 'blocked', errcode, reason: REASONS.dailyLimit };
  const transient = TRANSIENT[errcode];
  if (transient) return { kind: 'retry', errcode, reason: transient, trip: true, unsure: err.uncertain };
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

/** Skipped and failed recipients by reason, as kept on the job row (`outcome_counts`). */
export interface OutcomeCount {
  state: 'skipped' | 'failed';
  reason: string;
  count: number;
}

/** The job's outcome counts with `n` more of `state`/`reason` (`text`: the column; null is none yet). */
export function addOutcomes(text: string | null, state: 'skipped' | 'failed', reason: string, n: number): string | null {
  if (n === 0) return text;
  const counts = (text ? JSON.parse(text) : {}) as Record<string, number>;
  const key = `${state}:${reason}`;
  counts[key] = (counts[key] ?? 0) + n;
  return JSON.stringify(counts);
}

/** The outcome counts of a job, by state, then reason. */
export function readOutcomes(text: string | null): OutcomeCount[] {
  const counts = (text ? JSON.parse(text) : {}) as Record<string, number>;
  return Object.entries(counts)
    .map(([key, count]) => {
      const at = key.indexOf(':');
      return { state: key.slice(0, at) as OutcomeCount['state'], reason: key.slice(at + 1), count };
    })
    .filter((o) => o.count > 0)
    .sort((a, b) => a.state.localeCompare(b.state) || a.reason.localeCompare(b.reason));
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


/** `18:30:05` in Beijing time; with `midnight`, a Beijing midnight reads 「明天0点」 (the next one). */
export function beijingClock(d: Date, midnight = false): string {
  const clock = formatBeijingClock(d);
  return midnight && clock === '00:00:00' ? '明天0点' : clock;
}
