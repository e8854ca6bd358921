// Staff's side of a push: start one (the recipients listed from the followers of the region as
// they are now), pause, resume, cancel, and read its progress. Sending is the worker's
// (worker.ts); what both share is in the database (queue.ts).
import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import { AppError } from '../../platform/errors.js';
import { chinaDay, type MassQuotaLedger } from '../../articles/mass-quota.js';
import type { SanmingCounty } from '../followers/counties.js';
import { sqlOf } from '../../db/sql.js';
import type { PushJobRow, PushMassRow, PushModels } from './models.js';
import type { PaceView, PushQueue } from './queue.js';
import { withDeadlockRetry } from '../../db/deadlock.js';
import {
  CHANNEL_LABELS, FINAL_REASONS, JOB_STATE_LABELS, PUSH_CHANNELS, isPushChannel, massPlan, readOutcomes, type JobState, type OutcomeCount,
  type PushChannel,
} from './rules.js';

export interface StartPushInput {
  alertId: number;
  title: string;
  summary: string;
  /** The alert's public page (http or https). */
  url: string;
  /** County codes of the region; null: all of Sanming. */
  counties: readonly string[] | null;
  channels: readonly PushChannel[];
  /** Sends per second; default config alerts.pushRatePerSecond. */
  ratePerSecond?: number;
  /** The staff member who started it. */
  createdBy?: number | null;
}

export interface MassSendView {
  /** A county code, or `all`. */
  target: string;
  state: string;
  reason: string | null;
  msgId: string | null;
  /** When it went out, or may have (state not `sent`: `massMaybeSent`). */
  sentAt: Date | null;
  /** The Beijing day of the quota slot it holds (null: none). */
  quotaDay: string | null;
}

export interface PushProgress {
  jobId: number;
  alertId: number;
  state: JobState;
  stateLabel: string;
  channels: PushChannel[];
  counties: string[] | null;
  ratePerSecond: number;
  /** Recipients listed at the start (one per follower and per-follower channel). */
  total: number;
  /** Still to send (including those being sent now). */
  queued: number;
  sent: number;
  skipped: number;
  failed: number;
  mass: MassSendView[];
  /** Skipped and failed recipients by reason. */
  reasons: OutcomeCount[];
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface PushServiceDeps {
  db: Database;
  models: PushModels;
  counties: readonly SanmingCounty[];
  ledger: MassQuotaLedger;
  queue: PushQueue;
  logger: Logger;
  clock: () => Date;
  /** config alerts.pushRatePerSecond */
  defaultRate: number;
  /** config wechat.templates.alert: empty, the template channel is unavailable. */
  templateId: string;
  /** Followers listed per statement when the recipients are listed (default 5000). */
  snapshotChunk?: number;
}

export class AlertPushError extends AppError {}

const badInput = (message: string, path: string) => new AlertPushError('ALERT_PUSH_BAD_INPUT', 400, message, { fields: [{ path, message }] });
const notFound = () => new AlertPushError('ALERT_PUSH_NOT_FOUND', 404, '没有找到这次推送');
const badState = (message: string) => new AlertPushError('ALERT_PUSH_BAD_STATE', 409, message);
const OPEN_STATES: readonly JobState[] = ['queued', 'running', 'paused'];

/** How long one process may take the recipients snapshot before another may go on with it. */
const SNAPSHOT_LEASE_MS = 5 * 60_000;

export function createPushService(deps: PushServiceDeps) {
  const { db, models, ledger, clock } = deps;
  const sql = sqlOf(db);
  const logger = deps.logger.child({ component: 'alert-push' });
  const countyCodes = new Set(deps.counties.map((c) => c.code));
  const chunk = deps.snapshotChunk ?? 5000;

  function validate(input: StartPushInput): void {
    if (!Number.isInteger(input.alertId) || input.alertId <= 0) throw badInput('预警编号不对', 'alertId');
    if (!input.title.trim() || [...input.title].length > 200) throw badInput('标题不能为空，最多200字', 'title');
    if ([...input.summary].length > 600) throw badInput('摘要最多600字', 'summary');
    if (!/^https?:\/\/[^\s]+$/.test(input.url) || input.url.length > 1000) throw badInput('链接要以 http:// 或 https:// 开头', 'url');
    if (input.counties !== null) {
      if (input.counties.length === 0) throw badInput('请至少选一个县（市、区），或选择全市', 'counties');
      const bad = input.counties.find((c) => !countyCodes.has(c));
      if (bad !== undefined) throw badInput(`没有这个县（市、区）：${bad}`, 'counties');
    }
    if (input.channels.length === 0 || !input.channels.every(isPushChannel)) throw badInput('请选择发送方式：客服消息、群发或模板消息', 'channels');
    if (input.ratePerSecond !== undefined && !(input.ratePerSecond > 0 && input.ratePerSecond <= 10_000)) throw badInput('发送速度不对', 'ratePerSecond');
    if (input.channels.includes('template') && !deps.templateId) {
      throw new AlertPushError('ALERT_PUSH_CHANNEL_UNAVAILABLE', 409, '还没有配置预警模板消息，不能用模板消息发送');
    }
  }

  async function view(job: PushJobRow, t?: Transaction): Promise<PushProgress> {
    const mass = await models.Mass.findAll({ where: { jobId: job.id }, order: [['id', 'ASC']], ...(t ? { transaction: t } : {}) });
    return toProgress(job, mass);
  }

  async function jobOf(id: number, t?: Transaction): Promise<PushJobRow> {
    const job = await models.Job.findByPk(id, t ? { transaction: t, lock: t.LOCK.UPDATE } : {});
    if (!job) throw notFound();
    return job;
  }

  /**
   * Lists the recipients in chunks of followers.id (one INSERT … SELECT each, so 200,000
   * followers never pass through this process), then lets the workers at it. Continues a
   * snapshot another process left, from its last chunk; INSERT IGNORE makes a repeated chunk
   * harmless, and the unique key keeps a follower from getting one alert twice by a channel.
   */
  async function takeSnapshot(jobId: number): Promise<void> {
    for (;;) {
      const done = await withDeadlockRetry(() => db.transaction(async (t) => {
        const job = await jobOf(jobId, t);
        if (job.state !== 'queued') return true;
        const now = clock();
        if (job.snapshotAfter >= job.snapshotUpto) {
          job.state = 'running';
          job.startedAt = now;
          job.nextSlotAt = now;
          job.snapshotLeaseUntil = null;
          job.updatedAt = now;
          await job.save({ transaction: t });
          return true;
        }
        const upto = Math.min(job.snapshotAfter + chunk, job.snapshotUpto);
        const counties = job.counties === null ? null : (JSON.parse(job.counties) as string[]);
        const region = counties === null ? '' : ` AND county_code IN (${sql.list(counties.length)})`;
        const chunkOf = [job.snapshotAfter, upto, ...(counties ?? [])];
        for (const channel of job.channels.split(',')) {
          if (channel === 'mass') continue;
          job.totalCount += await sql.write(
            `${sql.insertIgnore} alert_push_recipients (job_id, alert_id, openid, channel, state, attempts, next_attempt_at)
             SELECT ?, ?, openid, ?, 'queued', 0, ? FROM followers
             WHERE subscribed = 1 AND id > ? AND id <= ?${region}`,
            [job.id, job.alertId, channel, sql.date(now), ...chunkOf], t,
          );
          // An earlier push of this alert that did not reach them (cancelled, outside the window,
          // failed, …) is tried again in this one. Invariant: never one that may have arrived: a
          // final reason, or `unsure_since` set whatever the reason (a template message whose
          // answer was lost; its client_msg_id guards a repeat for 10 minutes only). The rows
          // moved have no `unsure_since`.
          job.totalCount += await sql.write(
            `UPDATE alert_push_recipients SET job_id = ?, state = 'queued', attempts = 0, next_attempt_at = ?, reason = NULL, errcode = NULL,
               sent_at = NULL
             WHERE alert_id = ? AND channel = ? AND job_id <> ? AND state IN ('skipped', 'failed') AND unsure_since IS NULL
               AND (reason IS NULL OR reason NOT IN (${sql.list(FINAL_REASONS.length)}))
               AND openid IN (SELECT openid FROM followers WHERE subscribed = 1 AND id > ? AND id <= ?${region})`,
            [job.id, sql.date(now), job.alertId, channel, job.id, ...FINAL_REASONS, ...chunkOf], t,
          );
        }
        job.snapshotAfter = upto;
        job.snapshotLeaseUntil = new Date(now.getTime() + SNAPSHOT_LEASE_MS);
        job.updatedAt = now;
        await job.save({ transaction: t });
        return false;
      }));
      if (done) return;
    }
  }

    /** The jobs of several alerts, newest first each: two queries, whatever the number of alerts. */
  async function forAlerts(alertIds: readonly number[]): Promise<Map<number, PushProgress[]>> {
    const out = new Map<number, PushProgress[]>();
    if (alertIds.length === 0) return out;
    const jobs = await models.Job.findAll({ where: { alertId: [...alertIds] }, order: [['id', 'DESC']] });
    const mass = jobs.length ? await models.Mass.findAll({ where: { jobId: jobs.map((j) => j.id) }, order: [['id', 'ASC']] }) : [];
    for (const job of jobs) {
      const list = out.get(job.alertId) ?? [];
      list.push(toProgress(job, mass.filter((m) => m.jobId === job.id)));
      out.set(job.alertId, list);
    }
    return out;
  }


  /** Skips a cancelled job's queued recipients, a chunk a transaction, until none is left. */
  async function finishCancel(jobId: number): Promise<void> {
    for (;;) {
      const r = await deps.queue.skipCancelled(jobId, chunk);
      if (r.finished) return;
    }
  }

  return {
    /**
     * Starts a push: the job, its mass sends (each with a slot of today's mass-send quota, all or
     * none: ALERT_PUSH_QUOTA when too few are left), then the recipients listed; the workers
     * send from there. Resolves with the progress once the recipients are listed, or with
     * `background`, as soon as the job is recorded (state queued): a worker lists them at its
     * next upkeep (for a caller that must not wait, such as the alert's publication).
     */
    async startPush(input: StartPushInput, opts: { background?: boolean; transaction?: Transaction } = {}): Promise<PushProgress> {
      validate(input);
      const channels = PUSH_CHANNELS.filter((c) => input.channels.includes(c));
      const counties = input.counties === null ? null : [...new Set(input.counties)].sort();
      const rate = input.ratePerSecond ?? deps.defaultRate;
      const background = opts.background === true || opts.transaction !== undefined;
      const record = async (t: Transaction): Promise<number> => {
            const now = clock();
            const earlier = await models.Job.findAll({ attributes: ['id', 'state', 'purgedAt'], where: { alertId: input.alertId }, transaction: t });
            if (earlier.some((j) => OPEN_STATES.includes(j.state as JobState))) {
              throw new AlertPushError('ALERT_PUSH_BUSY', 409, '这条预警还有一次推送没有结束，请等它结束或取消后再推送');
            }
            if (earlier.some((j) => j.purgedAt) && channels.some((c) => c !== 'mass')) {
              throw new AlertPushError('ALERT_PUSH_PURGED', 409, '这条预警的推送名单已经按期清理，无法确认谁收到过。请新建一条预警再推送');
            }
            const [max] = await sql.rows<{ id: number | string | null }>('SELECT MAX(id) AS id FROM followers', [], t);
            const job = await models.Job.create({
              alertId: input.alertId, title: input.title.trim(), summary: input.summary.trim(), url: input.url,
              counties: counties === null ? null : JSON.stringify(counties), channels: channels.join(','), state: 'queued',
              ratePerSecond: rate, nextSlotAt: now, snapshotAfter: 0, snapshotUpto: Number(max?.id ?? 0),
              snapshotLeaseUntil: background ? now : new Date(now.getTime() + SNAPSHOT_LEASE_MS), totalCount: 0, sentCount: 0, skippedCount: 0,
              failedCount: 0, outcomeCounts: null, purgedAt: null, createdBy: input.createdBy ?? null, startedAt: null, finishedAt: null, createdAt: now, updatedAt: now,
            }, { transaction: t });
            if (channels.includes('mass')) {
              // One send to all followers for the whole city, else one per county tag.
              const targets = counties ?? ['all'];
              // Each target by its earlier mass send of this alert (`massPlan`): none, or one that
              // surely reached nobody (cancelled before it went, refused), is sent under a fresh
              // clientmsgid; one that may have gone out is sent again only under its own
              // clientmsgid (WeChat answers 45065 if it did) and keeps its quota slot of today;
              // one sent, still going, or that may have gone out too long ago is not sent again.
              const earlierMass = await models.Mass.findAll({ where: { alertId: input.alertId, target: targets }, transaction: t });
              const day = chinaDay(now);
              const plan = targets.map((target) => {
                const row = earlierMass.find((r) => r.target === target);
                const kind = massPlan(row, now);
                const clientMsgId = kind === 'resume' ? row!.clientMsgId : randomUUID();
                const keepsSlot = kind === 'resume' && row!.quotaDay === day && row!.quotaSlot !== null;
                return { target, row, kind, clientMsgId, keepsSlot };
              }).filter((p) => p.kind !== 'taken');
              const taking = plan.filter((p) => !p.keepsSlot);
              // A slot held for an earlier day (or one a send that surely failed still holds) goes back first.
              for (const p of taking) if (p.row) await ledger.release(`alert:${p.row.clientMsgId}`, t);
              const slots = await ledger.takeMany(day, taking.map((p) => `alert:${p.clientMsgId}`), t);
              if (slots === undefined) {
                const left = (await ledger.usage(day, t)).left;
                throw new AlertPushError('ALERT_PUSH_QUOTA', 409,
                  `今天的群发次数不够：这次要群发 ${taking.length} 次，今天还剩 ${left} 次。可以改用客服消息或模板消息，或明天再群发。`);
              }
              for (const p of plan) {
                const i = taking.indexOf(p);
                const values = {
                  jobId: job.id, clientMsgId: p.clientMsgId, state: 'queued', attempts: 0, nextAttemptAt: now, reason: null, errcode: null,
                  msgId: null, quotaDay: day, quotaSlot: i < 0 ? p.row!.quotaSlot : slots[i]!, claimedBy: null, claimExpiresAt: null,
                  // A resumed send keeps when it may have gone out: it stays "may have gone out", and
                  // MASS_DEDUPE_MS counts from then.
                  sentAt: p.kind === 'resume' ? p.row!.sentAt : null,
                };
                if (p.row) await p.row.update(values, { transaction: t });
                else await models.Mass.create({ ...values, alertId: input.alertId, target: p.target, tagId: null }, { transaction: t });
              }
            }
            return job.id;
      };
      let jobId = 0;
      if (opts.transaction) {
        // The caller's transaction (an alert's publication): it commits the job or nothing.
        jobId = await record(opts.transaction);
      } else {
        for (let attempt = 0; ; attempt += 1) {
          try {
            jobId = await withDeadlockRetry(() => db.transaction(record));
            break;
          } catch (err) {
            // Another sender took the same quota slot at the same moment: count again.
            if (!(err instanceof UniqueConstraintError) || attempt >= 2) throw err;
          }
        }
      }
      logger.info({ jobId, alertId: input.alertId, channels, counties: counties?.length ?? 'all', rate }, 'alert push started');
      if (!background) await takeSnapshot(jobId);
      return view(await jobOf(jobId, opts.transaction), opts.transaction);
    },

    /** Snapshots a process left unfinished (it died while listing): taken up again. */
    async resumeSnapshots(): Promise<number[]> {
      const now = clock();
      const stuck = await models.Job.findAll({ where: { state: 'queued' }, order: [['id', 'ASC']] });
      const resumed: number[] = [];
      for (const job of stuck) {
        if (job.snapshotLeaseUntil && job.snapshotLeaseUntil.getTime() > now.getTime()) continue;
        await takeSnapshot(job.id);
        resumed.push(job.id);
      }
      return resumed;
    },

    /** Stops claiming; what is being sent finishes. */
    async pause(jobId: number): Promise<PushProgress> {
      await db.transaction(async (t) => {
        const job = await jobOf(jobId, t);
        if (job.state !== 'running') throw badState('只有正在发送的推送可以暂停');
        job.state = 'paused';
        job.updatedAt = clock();
        await job.save({ transaction: t });
      });
      logger.info({ jobId }, 'alert push paused');
      return view(await jobOf(jobId));
    },

    async resume(jobId: number): Promise<PushProgress> {
      await db.transaction(async (t) => {
        const job = await jobOf(jobId, t);
        if (job.state !== 'paused') throw badState('只有已暂停的推送可以继续');
        job.state = 'running';
        job.updatedAt = clock();
        await job.save({ transaction: t });
      });
      logger.info({ jobId }, 'alert push resumed');
      return view(await jobOf(jobId));
    },

    /**
     * Cancels: nothing more is sent. Recipients not yet sent are skipped (`cancelled`), except a
     * template message that may have arrived (failed, `unknown_after_error`); mass sends not yet
     * made give their quota slot back, except one that may have gone out (`cancelMass`: failed,
     * `unknown_after_error`, its clientmsgid and slot kept). What is being sent at this moment
     * finishes.
     */
    async cancel(jobId: number): Promise<PushProgress> {
      await withDeadlockRetry(() => db.transaction(async (t) => {
        const job = await jobOf(jobId, t);
        if (job.state === 'cancelled' || job.state === 'done') throw badState('这次推送已经结束了');
        const now = clock();
        const open = await models.Mass.findAll({ where: { jobId: job.id, state: 'queued' }, transaction: t });
        for (const m of open) await deps.queue.cancelMass(m, t);
        // No claim takes from a cancelled job; its queued recipients are skipped in chunks below,
        // and `finished_at` is set when none is left (a worker's upkeep finishes what a dead
        // process left).
        job.state = 'cancelled';
        job.finishedAt = null;
        job.updatedAt = now;
        await job.save({ transaction: t });
      }));
      await finishCancel(jobId);
      logger.info({ jobId }, 'alert push cancelled');
      return view(await jobOf(jobId));
    },

    /** Cancellations a stopped process left half done, finished. */
    async finishCancels(): Promise<number> {
      const ids = await deps.queue.unfinishedCancels();
      for (const id of ids) await finishCancel(id);
      return ids.length;
    },

    /** The job's counters as they stand: one row read, plus its few mass sends. */
    async progress(jobId: number): Promise<PushProgress> {
      return view(await jobOf(jobId));
    },

    /** Why recipients were skipped or failed, with how many each (the counts kept on the job row). */
    async reasons(jobId: number): Promise<OutcomeCount[]> {
      return readOutcomes((await jobOf(jobId)).outcomeCounts);
    },

    /** The jobs of an alert, newest first. */
    async forAlert(alertId: number): Promise<PushProgress[]> {
      return (await forAlerts([alertId])).get(alertId) ?? [];
    },

    forAlerts,

    /** The account's sending: a hold while WeChat fails, channels closed for the day. */
    pace(): Promise<PaceView> {
      return deps.queue.pace();
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;

function toProgress(job: PushJobRow, mass: PushMassRow[]): PushProgress {
  const state = job.state as JobState;
  const done = job.sentCount + job.skippedCount + job.failedCount;
  return {
    jobId: job.id,
    alertId: job.alertId,
    state,
    stateLabel: JOB_STATE_LABELS[state] ?? job.state,
    channels: job.channels.split(',').filter(isPushChannel),
    counties: job.counties === null ? null : (JSON.parse(job.counties) as string[]),
    ratePerSecond: job.ratePerSecond,
    total: job.totalCount,
    queued: Math.max(0, job.totalCount - done),
    sent: job.sentCount,
    skipped: job.skippedCount,
    failed: job.failedCount,
    mass: mass.map((m) => ({ target: m.target, state: m.state, reason: m.reason, msgId: m.msgId, sentAt: m.sentAt, quotaDay: m.quotaDay })),
    reasons: readOutcomes(job.outcomeCounts),
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export { CHANNEL_LABELS };
