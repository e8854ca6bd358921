// Staff's side of an alert's push, for the staff API and pages: how many followers a region
// reaches before publishing (subscribed; in the 48-hour window), which channels can carry a
// publication now and why not, the pushes with their reasons in words, and pause / resume /
// cancel. It reads the push module (src/alerts/push) through its service, the shared mass-send
// ledger and the followers table; it sends nothing and decides no rights (the routes ask the
// alert service first).
import { Op } from 'sequelize';
import { chinaDay, type MassQuota, type MassQuotaLedger } from '../articles/mass-quota.js';
import type { FollowerModels } from './followers/models.js';
import { regionLabel, type AlertNames } from './present.js';
import { CUSTOM_WINDOW_MS, PUSH_CHANNELS, REASONS, massMaybeSent, massPlan, type PushChannel } from './push/rules.js';
import { AlertPushError, type PushProgress, type PushService } from './push/service.js';
import type { PaceView } from './push/queue.js';
import { beijingClock } from './push/rules.js';
import type { Alert } from './types.js';

/** What the alerts module needs of the push; compose.ts builds it from the push and followers modules. */
export interface AlertPushLink {
  service: Pick<PushService, 'forAlert' | 'forAlerts' | 'progress' | 'pause' | 'resume' | 'cancel' | 'pace'>;
  /** The account's one mass-send ledger (shared with articles). */
  ledger: Pick<MassQuotaLedger, 'usage'>;
  /** The followers table: the reach of a region. */
  followers: Pick<FollowerModels, 'Follower'>;
  /** The push's clock: the quota's day and the 48-hour window are judged as the push judges them. */
  now: () => Date;
}

/** Followers of a region now: subscribed, and of those the ones a customer-service message can reach. */
export interface Reach {
  subscribed: number;
  inWindow: number;
}

/** A channel as the publish form offers it. */
export interface ChannelOption {
  channel: PushChannel;
  label: string;
  /** What it does and whom it reaches, in plain words with the numbers. */
  explain: string;
  available: boolean;
  /** Why it cannot be picked now (null when it can). */
  why: string | null;
}

export const CHANNEL_NAMES: Readonly<Record<PushChannel, string>> = { custom: '客服消息', mass: '群发', template: '模板消息' };

/** Why recipients were skipped or not sent, as staff read it: one fixed text per reason code. */
export const REASON_LABELS: Readonly<Record<string, string>> = {
  [REASONS.outsideWindow]: '最近48小时没有和公众号说过话，微信不让发客服消息',
  [REASONS.unsubscribed]: '已经取消关注',
  [REASONS.badOpenid]: '微信说这个关注者的编号不对',
  [REASONS.customLimit]: '微信限制：给这个人的客服消息已经发得太多',
  [REASONS.blocked]: '这个人拒收公众号的消息',
  [REASONS.cancelled]: '推送已取消，没有再发',
  [REASONS.quotaSpent]: '今天的群发次数已用完',
  [REASONS.unknownAfterCrash]: '发送时服务器中断，不知道发出去没有；为免重复，没有再发',
  [REASONS.unknownAfterError]: '微信没有按时回复，不知道发出去没有；为免重复，没有再发',
  [REASONS.wechatBusy]: '微信一直很忙，试了几次都没有发出去',
  [REASONS.rateLimited]: '微信限制了发送次数，试了几次都没有发出去',
  [REASONS.dailyLimit]: '今天这种消息已达到微信的每日上限',
  [REASONS.internal]: '系统出错，没有发出去',
  no_template: '没有设置预警用的模板消息',
  bad_channel: '发送方式不对',
};

/** The words of a reason code; WeChat's own refusals by their error code. */
export function reasonLabel(code: string | null): string {
  if (!code) return '原因不明';
  const fixed = REASON_LABELS[code];
  if (fixed) return fixed;
  const wechat = /^wechat_(-?\d+)$/.exec(code);
  return wechat ? `微信没有接受（错误码 ${wechat[1]}）` : '其他原因';
}

const MASS_STATE_LABELS: Readonly<Record<string, string>> = {
  queued: '等待发出', sending: '正在发', sent: '已发出', skipped: '没有发', failed: '没有发成',
};
/**
 * A mass send that may have gone out (`massMaybeSent`) is never shown as not sent: its state
 * reads 可能已发出 and its reason says why a new push will not make the county get it twice.
 */
const MASS_MAYBE_SENT_LABEL = '可能已发出';
const MASS_MAYBE_SENT_CHECKING_LABEL = '可能已发出，正在用同一编号确认';
const MASS_MAYBE_SENT_REASON = '微信没有按时回复，不知道发出去没有；以后只会用同一个编号再发，微信会拦下重复的，大家不会收到两次';
const MASS_MAYBE_SENT_CRASH_REASON = '发送时服务器中断，不知道发出去没有；以后只会用同一个编号再发，微信会拦下重复的，大家不会收到两次';

/** A push as staff see it (API and pages alike). */
export interface PushView {
  jobId: number;
  alertId: number;
  state: PushProgress['state'];
  stateLabel: string;
  /** Still being listed or sent: the page keeps polling. */
  active: boolean;
  channels: PushChannel[];
  channelsLabel: string;
  counties: string[] | null;
  region: string;
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  queued: number;
  /** How far it is: recipients and mass sends dealt with, of all of them (0–100). */
  percent: number;
  reasons: Array<{ state: string; reason: string; label: string; count: number }>;
  /** `maybeSent`: it may have gone out (its answer lost); staff read 可能已发出. */
  mass: Array<{
    target: string; targetLabel: string; state: string; stateLabel: string; maybeSent: boolean; reason: string | null; reasonLabel: string | null;
  }>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /**
   * Why it is not sending just now although it runs, in words (null when it is): WeChat failing
   * and every push waiting, or a channel at its daily limit until tomorrow.
   */
  waiting: string | null;
  /** What may be done to it now (the caller's rights aside). */
  can: { pause: boolean; resume: boolean; cancel: boolean };
}

/** Why a running push is not sending now, from the account's pace; null when it is. */
export function waitingText(p: Pick<PushProgress, 'state' | 'channels'>, pace: PaceView): string | null {
  if (p.state !== 'running' && p.state !== 'queued') return null;
  const lines: string[] = [];
  if (pace.heldUntil) lines.push(`微信暂时发不出去，所有推送先停一下，${beijingClock(pace.heldUntil)} 自动再试。`);
  for (const channel of ['custom', 'template'] as const) {
    const until = pace.blockedUntil[channel];
    if (until && p.channels.includes(channel)) lines.push(`今天的${CHANNEL_NAMES[channel]}已达到微信的每日上限，剩下的${beijingClock(until, true)}后接着发。`);
  }
  return lines.length ? lines.join('') : null;
}

const MASS_DONE = new Set(['sent', 'skipped', 'failed']);

export function percentOf(p: Pick<PushProgress, 'state' | 'total' | 'sent' | 'skipped' | 'failed' | 'mass'>): number {
  if (p.state === 'done') return 100;
  const units = p.total + p.mass.length;
  if (units === 0) return 0;
  const dealt = p.sent + p.skipped + p.failed + p.mass.filter((m) => MASS_DONE.has(m.state)).length;
  const pct = Math.floor((dealt / units) * 100);
  // 100 only once the push says it is over: until then the last batch may still be being written.
  return p.state === 'cancelled' ? pct : Math.min(pct, 99);
}

/** The reach of every push of an alert. */
export interface PushSummary {
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  queued: number;
  /** The latest push's state. */
  state: PushProgress['state'];
  stateLabel: string;
  pushes: number;
  massSent: number;
  massTotal: number;
}

export type PushSteer = 'pause' | 'resume' | 'cancel';

export function createPushDesk(link: AlertPushLink, names: AlertNames, templateId: string) {
  const { Follower } = link.followers;

  async function reach(counties: readonly string[]): Promise<Reach> {
    // As the push lists recipients: the whole city is every subscribed follower, a county those who gave it.
    const where = { subscribed: true, ...(counties.length ? { countyCode: [...counties] } : {}) };
    const since = new Date(link.now().getTime() - CUSTOM_WINDOW_MS);
    const [subscribed, inWindow] = await Promise.all([
      Follower.count({ where }),
      Follower.count({ where: { ...where, lastInteractionAt: { [Op.gt]: since } } }),
    ]);
    return { subscribed, inWindow };
  }

  const quota = (): Promise<MassQuota> => link.ledger.usage(chinaDay(link.now()));

  /**
   * Mass sends a publication of `alert` would make (`sends`: one per county, or one to all, less
   * those not to be sent again) and the quota slots they need (`slots`: one that may have gone out
   * and still holds today's slot needs none), as the push's `startPush` decides by `massPlan`.
   */
  async function massNeeded(alert: Alert): Promise<{ sends: number; slots: number }> {
    const targets = alert.counties.length ? alert.counties : ['all'];
    const now = link.now();
    const day = chinaDay(now);
    // Each target has at most one mass send row, moved from push to push.
    const earlier = new Map((await link.service.forAlert(alert.id)).flatMap((p) => p.mass.map((m) => [m.target, m] as const)));
    let sends = 0;
    let slots = 0;
    for (const target of targets) {
      const row = earlier.get(target);
      const kind = massPlan(row, now);
      if (kind === 'taken') continue;
      sends += 1;
      if (!(kind === 'resume' && row?.quotaDay === day)) slots += 1;
    }
    return { sends, slots };
  }

  const templateMissing = () => new AlertPushError('ALERT_PUSH_CHANNEL_UNAVAILABLE', 409, '还没有设置预警用的模板消息，不能用模板消息发送。请改用客服消息或群发。');
  const massAgain = () => new AlertPushError('ALERT_PUSH_CHANNEL_UNAVAILABLE', 409, '这条预警在这个地区已经群发过，不能再群发。请改用客服消息或模板消息。');
  const quotaShort = (needed: number, left: number) => new AlertPushError('ALERT_PUSH_QUOTA', 409,
    `今天的群发次数不够：这次要群发 ${needed} 次，今天还剩 ${left} 次。可以改用客服消息或模板消息，或明天再群发。`);

  function view(p: PushProgress, pace: PaceView): PushView {
    return {
      jobId: p.jobId,
      alertId: p.alertId,
      state: p.state,
      stateLabel: p.stateLabel,
      active: p.state === 'queued' || p.state === 'running',
      channels: p.channels,
      channelsLabel: p.channels.map((c) => CHANNEL_NAMES[c]).join('、'),
      counties: p.counties,
      region: regionLabel(p.counties ?? [], names),
      total: p.total,
      sent: p.sent,
      skipped: p.skipped,
      failed: p.failed,
      queued: p.queued,
      percent: percentOf(p),
      reasons: p.reasons.map((r) => ({ ...r, label: reasonLabel(r.reason) })),
      mass: p.mass.map((m) => {
        const maybeSent = massMaybeSent(m);
        const open = m.state === 'queued' || m.state === 'sending';
        return {
          target: m.target,
          targetLabel: m.target === 'all' ? '全部关注者' : names.county(m.target) ?? m.target,
          state: m.state,
          stateLabel: maybeSent ? (open ? MASS_MAYBE_SENT_CHECKING_LABEL : MASS_MAYBE_SENT_LABEL) : MASS_STATE_LABELS[m.state] ?? m.state,
          maybeSent,
          reason: m.reason,
          reasonLabel: maybeSent ? (m.reason === REASONS.unknownAfterCrash ? MASS_MAYBE_SENT_CRASH_REASON : MASS_MAYBE_SENT_REASON)
            : m.reason ? reasonLabel(m.reason) : null,
        };
      }),
      createdAt: p.createdAt,
      startedAt: p.startedAt,
      finishedAt: p.finishedAt,
      waiting: waitingText(p, pace),
      can: { pause: p.state === 'running', resume: p.state === 'paused', cancel: p.state === 'queued' || p.state === 'running' || p.state === 'paused' },
    };
  }

  return {
    reach,
    quota,

    /** The channels the publish form offers for `alert`, each with whom it reaches and whether it can be picked now. */
    async channelOptions(alert: Alert): Promise<{ reach: Reach; quota: MassQuota; massNeeded: number; options: ChannelOption[] }> {
      const [r, q, mass] = await Promise.all([reach(alert.counties), quota(), massNeeded(alert)]);
      const needed = mass.slots;
      const region = regionLabel(alert.counties, names);
      const whom = alert.counties.length ? `${region}的关注者` : '全部关注者';
      const options: ChannelOption[] = [
        {
          channel: 'custom', label: CHANNEL_NAMES.custom, available: true, why: null,
          explain: `只发给最近48小时内给公众号发过消息的关注者，现在有 ${r.inWindow} 人。不占群发次数。`,
        },
        {
          channel: 'mass', label: CHANNEL_NAMES.mass,
          available: mass.sends > 0 && needed <= q.left,
          why: mass.sends === 0 ? '这条预警在这个地区已经群发过，不能再群发。'
            : needed > q.left ? `今天的群发次数不够：这次要用 ${needed} 次，今天只剩 ${q.left} 次。明天可以再群发。` : null,
          explain: `发给${whom}（约 ${r.subscribed} 人），他们都会收到。这次要用 ${needed} 次群发，今天还能群发 ${q.left} 次（每天 ${q.perDay} 次）。`,
        },
        {
          channel: 'template', label: CHANNEL_NAMES.template,
          available: templateId !== '',
          why: templateId === '' ? '还没有设置预警用的模板消息，暂时不能选。需要管理员先设置好。' : null,
          explain: `发给${whom}（约 ${r.subscribed} 人），不管最近有没有发过消息。不占群发次数。`,
        },
      ];
      return { reach: r, quota: q, massNeeded: needed, options };
    },

    /** Refuses a channel that cannot carry this publication now; used by the service before it publishes. */
    async assertChannels(alert: Alert, channels: readonly PushChannel[]): Promise<void> {
      if (channels.includes('template') && templateId === '') throw templateMissing();
      if (channels.includes('mass')) {
        const { sends, slots } = await massNeeded(alert);
        if (sends === 0) throw massAgain();
        const { left } = await quota();
        if (slots > left) throw quotaShort(slots, left);
      }
    },

    /**
     * For each alert, all its pushes together and the latest one's state (the list's reach
     * column); an alert never pushed is absent. Two queries for the whole list.
     */
    async summaries(alertIds: readonly number[]): Promise<Map<number, PushSummary>> {
      const out = new Map<number, PushSummary>();
      for (const [alertId, list] of await link.service.forAlerts(alertIds)) {
        const latest = list[0];
        if (!latest) continue;
        const sum = (k: 'total' | 'sent' | 'skipped' | 'failed' | 'queued') => list.reduce((n, p) => n + p[k], 0);
        const mass = list.flatMap((p) => p.mass);
        out.set(alertId, {
          total: sum('total'), sent: sum('sent'), skipped: sum('skipped'), failed: sum('failed'), queued: sum('queued'),
          state: latest.state, stateLabel: latest.stateLabel, pushes: list.length,
          massSent: mass.filter((m) => m.state === 'sent').length, massTotal: mass.length,
        });
      }
      return out;
    },

    /** The pushes of an alert, newest first, with their reasons. */
    async pushes(alertId: number): Promise<PushView[]> {
      const [list, pace] = await Promise.all([link.service.forAlert(alertId), link.service.pace()]);
      return list.map((p) => view(p, pace));
    },

    /** The alert a push belongs to (404 ALERT_PUSH_NOT_FOUND for an unknown one). */
    async alertOf(jobId: number): Promise<number> {
      return (await link.service.progress(jobId)).alertId;
    },

    async steer(jobId: number, action: PushSteer): Promise<PushView> {
      const p = await link.service[action](jobId);
      return view(p, await link.service.pace());
    },
  };
}

export type PushDesk = ReturnType<typeof createPushDesk>;

/** The channels in their fixed order, once each. */
export const orderedChannels = (list: readonly PushChannel[]): PushChannel[] => PUSH_CHANNELS.filter((c) => list.includes(c));
