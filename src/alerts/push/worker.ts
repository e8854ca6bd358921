// The push worker: claims due recipients in small batches (queue.ts), sends each at its reserved
// slot, writes the outcomes, and now and then takes back what dead workers left, goes on with an
// unfinished recipients list and makes the mass sends. The server runs one per process
// (`start`); tests and the benchmark drive it too (`runOnce`, `start`/`stop`). Any number of
// workers may run on one database: the rate and the claims are in the rows.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../platform/logger.js';
import { MASS_DUPLICATE_ERRCODE, WechatApiError, type MassSendTarget, type WechatClient } from '../../wechat/index.js';
import { chinaDay, type MassQuotaLedger } from '../../articles/mass-quota.js';
import type { PushJobRow, PushMassRow } from './models.js';
import type { Claim, ClaimedRecipient, PushQueue, RecipientOutcome } from './queue.js';
import {
  DAILY_LIMIT_ERRCODE, MASS_RETRY_TOO_FAST_ERRCODE, REASONS, classifySendError, trips, customMessage, massMaybeSent, massText, retryDelayMs,
  templateMessage, type PushContent, type SendOutcome,
} from './rules.js';
import type { PushService } from './service.js';
import { errorFields } from '../../platform/logger.js';
import { regionLabel } from '../present.js';
import { formatBeijingDateTime } from '../../platform/beijing-time.js';

export type PushClient = Pick<WechatClient, 'messageCustomSend' | 'messageTemplateSend' | 'massSendAllByTag'>;

export interface PushWorkerDeps {
  queue: PushQueue;
  service: PushService;
  client: PushClient;
  ledger: MassQuotaLedger;
  /** A county's tag id on WeChat, created when missing (the followers module's tag sync). */
  tagIdOf: (countyCode: string) => Promise<number>;
  countyNames: ReadonlyMap<string, string>;
  logger: Logger;
  clock: () => Date;
  templateId: string;
  batchSize: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Recipient rows of pushes that ended longer ago than this are deleted (config alerts.pushRetentionDays). */
  retentionMs: number;
}

export interface PushWorkerOptions {
  /** Names the worker in its claims (default: pid and a random suffix). */
  id?: string;
  /**
   * Claim the next batch this long before the current batch's slots end (default 250 ms): more
   * than a claim takes on a busy database, so the sends go on without a gap; at most this much
   * of the rate is claimed and not yet sent (what a killed worker leaves as unknown).
   */
  lookaheadMs?: number;
  /** How often an idle worker looks for work (default 1000 ms). */
  idleMs?: number;
  /** How often stale claims, unfinished lists and mass sends are looked at (default 1000 ms). */
  upkeepMs?: number;
}

export interface PushWorkerStats {
  batches: number;
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
  /** Wall time spent in the queue's database calls (claim, finish, upkeep), ms. */
  dbMs: number;
  dbCalls: number;
  /** When the first and the last message went out (epoch ms; 0: none yet). */
  firstSendAt: number;
  lastSendAt: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal.aborted || ms <= 0) {
    resolve();
    return;
  }
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

/** Old recipient rows are looked for this often. */
const PURGE_EVERY_MS = 3600_000;
/** The running-jobs list is read again at most this often while busy. */
const JOBS_TTL_MS = 500;
/**
 * Sends due within this much are sent now rather than after a timer of their own: at high rates
 * a timer per send costs more than the send, and a few milliseconds early is no burst.
 */
const SLOT_TOLERANCE_MS = 2;
/** A send this much past its slot (the worker was held up) is given back with the rest of its batch. */
const LATE_MS = 200;
/** WeChat answers in well under this: a send unanswered for longer stops its batch's next sends. */
const STALL_MS = 1000;
/** A claimed batch looks at its job's state this often: a pause or cancel stops it within this time. */
const STATE_TTL_MS = 250;

export function createPushWorker(deps: PushWorkerDeps, opts: PushWorkerOptions = {}) {
  const { queue, client, clock } = deps;
  const id = opts.id ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ component: 'alert-push-worker', worker: id });
  const lookaheadMs = opts.lookaheadMs ?? 500;
  const idleMs = opts.idleMs ?? 1000;
  const upkeepMs = opts.upkeepMs ?? 1000;
  const stats: PushWorkerStats = { batches: 0, sent: 0, skipped: 0, failed: 0, retried: 0, dbMs: 0, dbCalls: 0, firstSendAt: 0, lastSendAt: 0 };
  let stopping = new AbortController();
  let loop: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  let jobsCache: { ids: number[]; at: number } | undefined;
  let lastUpkeep = 0;
  let lastPurge = 0;
  const states = new Map<number, { state: string | null; at: number }>();

  /** Whether the job is still running, as read at most STATE_TTL_MS ago. */
  async function stillRunning(jobId: number): Promise<boolean> {
    const now = performance.now();
    let known = states.get(jobId);
    if (!known || now - known.at > STATE_TTL_MS) {
      known = { state: await db(() => queue.jobState(jobId)), at: now };
      states.set(jobId, known);
    }
    return known.state === 'running';
  }

  async function db<T>(run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      stats.dbMs += performance.now() - start;
      stats.dbCalls += 1;
    }
  }

  const contentOf = (job: PushJobRow): PushContent => ({ alertId: job.alertId, title: job.title, summary: job.summary, url: job.url });
  // A template message reads outside the account: the whole city says which city.
  const regionOf = (job: PushJobRow) => regionLabel(job.counties === null ? [] : (JSON.parse(job.counties) as string[]), { county: (c) => deps.countyNames.get(c) }, '三明全市');

  async function sendOne(job: PushJobRow, item: ClaimedRecipient): Promise<SendOutcome> {
    try {
      if (item.channel === 'custom') await client.messageCustomSend(customMessage(item.openid, contentOf(job)));
      else if (item.channel === 'template') {
        if (!deps.templateId) return { kind: 'failed', errcode: null, reason: 'no_template' };
        await client.messageTemplateSend(templateMessage(item.openid, deps.templateId, contentOf(job), regionOf(job), formatBeijingDateTime(job.createdAt)));
      } else return { kind: 'failed', errcode: null, reason: 'bad_channel' };
      return { kind: 'sent' };
    } catch (err) {
      const outcome = classifySendError(err, item.channel);
      if (outcome.reason === REASONS.internal) logger.error({ ...errorFields(err), recipient: item.id }, 'alert push send failed');
      return outcome;
    }
  }

  /**
   * Sends a claimed batch, each at its slot; then writes the outcomes in one transaction. Once
   * the worker stops, the job is paused or cancelled, or WeChat fails a send (busy, unreachable,
   * a limit), the rest go back unsent.
   */
  async function sendBatch(claim: Extract<Claim, { kind: 'batch' }>): Promise<void> {
    const { job, items, slotStart, slotMs } = claim;
    const pending: Array<Promise<RecipientOutcome>> = [];
    states.set(job.id, { state: job.state, at: performance.now() });
    let halted = false;
    let tripped = false;
    let late = false;
    // Sends not yet answered, oldest first: one unanswered for longer than STALL_MS stops the
    // batch, so a WeChat that stopped answering gets no more sends whose outcome would be unknown.
    const unanswered: Array<{ at: number; done: boolean }> = [];
    const stalled = () => {
      while (unanswered[0]?.done) unanswered.shift();
      return unanswered.length > 0 && performance.now() - unanswered[0]!.at > STALL_MS;
    };
    const release = (item: ClaimedRecipient): RecipientOutcome => ({ id: item.id, channel: item.channel, attempts: item.attempts, outcome: { kind: 'release' } });
    for (const [i, item] of items.entries()) {
      if (halted || tripped || stopping.signal.aborted) {
        pending.push(Promise.resolve(release(item)));
        continue;
      }
      const wait = slotStart + i * slotMs - clock().getTime();
      if (wait > SLOT_TOLERANCE_MS) await sleep(wait, stopping.signal);
      const known = states.get(job.id);
      halted = known && performance.now() - known.at <= STATE_TTL_MS ? known.state !== 'running' : !(await stillRunning(job.id));
      // A process held up past its slots gives the rest back rather than sending them all at
      // once: they are claimed again at fresh slots, so a stall never turns into a burst.
      late ||= clock().getTime() - (slotStart + i * slotMs) > LATE_MS;
      if (halted || tripped || late || stopping.signal.aborted || stalled()) {
        pending.push(Promise.resolve(release(item)));
        continue;
      }
      const sending = { at: performance.now(), done: false };
      unanswered.push(sending);
      stats.lastSendAt = Date.now();
      if (stats.firstSendAt === 0) stats.firstSendAt = stats.lastSendAt;
      pending.push(sendOne(job, item).then((outcome) => {
        sending.done = true;
        if (trips(outcome) || outcome.kind === 'blocked') tripped = true;
        return { id: item.id, channel: item.channel, attempts: item.attempts, outcome };
      }));
    }
    const outcomes = await Promise.all(pending);
    const moved = await db(() => queue.finish(job.id, id, outcomes, {
      maxAttempts: deps.maxAttempts,
      retryAt: (attempts) => new Date(clock().getTime() + retryDelayMs(attempts, deps.retryBaseMs, deps.retryMaxMs, Math.random())),
      holdMs: (level) => retryDelayMs(level, deps.retryBaseMs, deps.retryMaxMs, Math.random()),
      unsureSince: new Date(slotStart),
    }));
    stats.batches += 1;
    stats.sent += moved.sent;
    stats.skipped += moved.skipped;
    stats.failed += moved.failed;
    stats.retried += moved.retried;
    if (moved.held) {
      const errcodes = [...new Set(outcomes.flatMap((o) => (o.outcome.kind === 'retry' || o.outcome.kind === 'blocked' ? [o.outcome.errcode] : [])))];
      logger.warn({ jobId: job.id, errcodes, heldUntil: moved.held.toISOString() }, 'alert push: WeChat failed; every push waits');
    } else if (moved.failed) {
      logger.warn({ jobId: job.id, failed: moved.failed }, 'alert push batch had failures');
    }
    if (outcomes.some((o) => o.outcome.kind === 'blocked')) logger.warn({ jobId: job.id, errcode: DAILY_LIMIT_ERRCODE }, 'alert push: a channel reached its daily limit; it waits for the next Beijing day');
  }

  /**
   * One mass send: today's quota slot, the county's tag, then the send under its clientmsgid.
   * Invariant: once a send's answer is lost (or anything but WeChat's answer comes back from the
   * call), the row may have gone out: `sent_at` is set from that send, it keeps its quota slot,
   * and it ends `sent` (WeChat's 45065 on a retry under the same clientmsgid) or `failed`
   * `unknown_after_error`; never `skipped` or a refusal that gives the slot back.
   */
  async function sendMass(job: PushJobRow, row: PushMassRow): Promise<void> {
    const holder = `alert:${row.clientMsgId}`;
    const retry = (errcode: number | null, reason: string, atLeastMs = 0) => {
      if (row.attempts >= deps.maxAttempts) {
        row.state = 'failed';
      } else {
        row.state = 'queued';
        const delay = Math.max(atLeastMs, retryDelayMs(row.attempts, deps.retryBaseMs, deps.retryMaxMs, Math.random()));
        row.nextAttemptAt = new Date(clock().getTime() + delay);
      }
      row.errcode = errcode;
      row.reason = reason;
    };
    let sendingAt: Date | null = null;
    try {
      const day = chinaDay(clock());
      if (row.quotaDay !== day) {
        // Started on an earlier day (a pause over midnight): a slot of today's quota, or none left.
        await deps.ledger.release(holder);
        const slot = await deps.ledger.take(day, holder);
        row.quotaDay = slot === undefined ? null : day;
        row.quotaSlot = slot ?? null;
        if (slot === undefined) {
          row.state = 'skipped';
          row.reason = REASONS.quotaSpent;
          return;
        }
      }
      let target: MassSendTarget = { isToAll: true };
      if (row.target !== 'all') {
        row.tagId ??= await deps.tagIdOf(row.target);
        target = { tagId: row.tagId };
      }
      sendingAt = clock();
      const r = await client.massSendAllByTag({ ...target, ...massText(contentOf(job)), clientMsgId: row.clientMsgId });
      row.state = 'sent';
      row.msgId = r.msgId;
      row.sentAt = clock();
      row.reason = null;
      row.errcode = null;
      logger.info({ jobId: job.id, target: row.target, duplicate: r.duplicate }, 'alert mass send submitted');
    } catch (err) {
      const wx = err instanceof WechatApiError ? err : undefined;
      const outcome = classifySendError(err, 'mass');
      // The call was made and no answer of WeChat's says what became of it: it may have gone out.
      if (sendingAt && (!wx || (wx.uncertain && !wx.local))) row.sentAt ??= sendingAt;
      if (wx?.errcode === MASS_DUPLICATE_ERRCODE) {
        // An earlier try with this clientmsgid went out (WeChat did not name its msg_id): sent, slot kept.
        row.state = 'sent';
        row.sentAt ??= clock();
        row.reason = null;
        row.errcode = MASS_DUPLICATE_ERRCODE;
      } else if (wx?.errcode === 45028) {
        // WeChat says the day's quota is spent: the slot was counted there too.
        row.state = 'skipped';
        row.reason = REASONS.quotaSpent;
        row.errcode = 45028;
      } else if (wx?.errcode === MASS_RETRY_TOO_FAST_ERRCODE) {
        // The same clientmsgid again within a minute: WeChat asks for the minute.
        retry(wx.errcode, REASONS.rateLimited, 60_000);
      } else if (outcome.kind === 'retry' || outcome.kind === 'blocked') {
        // WeChat busy or limited, or an error of ours: its clientmsgid makes a repeat safe.
        retry(wx?.errcode ?? null, outcome.reason);
      } else if (wx) {
        // Refused outright (a wrong tag, …): this send did not go out. The quota slot is given
        // back unless an earlier send may have gone out.
        row.state = 'failed';
        row.errcode = wx.errcode;
        row.reason = `wechat_${wx.errcode}`;
        if (!massMaybeSent(row)) {
          await deps.ledger.release(holder).catch(() => undefined);
          row.quotaDay = null;
          row.quotaSlot = null;
        }
      }
      if (row.state !== 'sent') logger.warn({ jobId: job.id, target: row.target, errcode: wx?.errcode ?? null, state: row.state }, 'alert mass send failed');
    } finally {
      // Whatever ended it (the last attempt, a refusal, the day's quota), one that may have gone
      // out ends as unknown, a reason staff read as 可能已发出 and no later push sends under
      // another clientmsgid.
      if (massMaybeSent(row) && (row.state === 'failed' || row.state === 'skipped')) {
        row.state = 'failed';
        row.reason = REASONS.unknownAfterError;
      }
      await db(() => queue.finishMass(row));
    }
  }

  /** Stale claims back, unfinished recipient lists finished, due mass sends made. */
  async function upkeep(force = false): Promise<void> {
    const now = clock().getTime();
    if (!force && now - lastUpkeep < upkeepMs) return;
    lastUpkeep = now;
    const recovered = await db(() => queue.recoverStale());
    if (recovered.failed || recovered.requeued || recovered.mass) logger.warn(recovered, 'alert push: claims of a stopped worker taken back');
    await db(() => deps.service.resumeSnapshots());
    await db(() => deps.service.finishCancels());
    if (now - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now;
      const deleted = await db(() => queue.purge(new Date(now - deps.retentionMs)));
      if (deleted) logger.info({ deleted }, 'alert push: recipient rows past retention deleted');
    }
    for (const jobId of await db(() => queue.runningJobs())) {
      for (;;) {
        const claimed = await db(() => queue.claimMass(jobId, id));
        if (!claimed) break;
        await sendMass(claimed.job, claimed.row);
      }
    }
  }

  async function runningJobs(): Promise<number[]> {
    const now = clock().getTime();
    if (jobsCache && now - jobsCache.at < JOBS_TTL_MS) return jobsCache.ids;
    jobsCache = { ids: await db(() => queue.runningJobs()), at: now };
    return jobsCache.ids;
  }

  /** Claims from the oldest running job that has something to send now. */
  async function claimNext(): Promise<Claim> {
    let wait = Infinity;
    for (const jobId of await runningJobs()) {
      // The database takes claims up to twice the lookahead ahead: a worker claiming on time is
      // never sent to wait by a round trip that would make it late.
      const claim = await db(() => queue.claim(jobId, id, { batch: deps.batchSize, lookaheadMs: 2 * lookaheadMs }));
      if (claim.kind === 'batch') return claim;
      if (claim.kind === 'wait') wait = Math.min(wait, claim.until);
    }
    return Number.isFinite(wait) ? { kind: 'wait', until: wait } : { kind: 'idle' };
  }

  /** Upkeep in a loop of its own, so it never delays a claim. */
  async function upkeepLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        await upkeep(true);
      } catch (err) {
        logger.error(errorFields(err), 'alert push worker: upkeep failed; trying again');
      }
      await sleep(upkeepMs, stopping.signal);
    }
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const claim = await claimNext();
        if (claim.kind === 'batch') {
          const p = sendBatch(claim).catch((err: unknown) => { logger.error({ ...errorFields(err), jobId: claim.job.id }, 'alert push batch failed; its claims expire and are taken back'); });
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
          if (claim.items.length === 0) continue;
          // The next claim a little before this batch's last slot, so the sends go on without a gap.
          const end = claim.slotStart + claim.items.length * claim.slotMs;
          await sleep(end - lookaheadMs - clock().getTime(), stopping.signal);
        } else {
          if (claim.kind === 'idle') jobsCache = undefined;
          const until = claim.kind === 'wait' ? claim.until - clock().getTime() : idleMs;
          await sleep(Math.min(Math.max(until, 5), idleMs), stopping.signal);
        }
      } catch (err) {
        logger.error(errorFields(err), 'alert push worker: a round failed; trying again');
        await sleep(idleMs, stopping.signal);
      }
    }
  }

  return {
    id,
    stats,
    /** Runs the worker until `stop`. */
    start(): void {
      if (loop) return;
      if (stopping.signal.aborted) stopping = new AbortController();
      loop = Promise.all([run(), upkeepLoop()]).then(() => undefined);
    },
    /**
     * Stops claiming; recipients claimed but not yet sent go back to the queue, those being sent
     * finish and are written. Resolves when the worker holds nothing.
     */
    async stop(): Promise<void> {
      stopping.abort();
      await loop;
      loop = undefined;
      await Promise.all([...inFlight]);
    },
    /**
     * One round for tests and tools: upkeep, the mass sends due, and one batch sent and written.
     * Resolves with how many recipients were claimed (0: nothing to do now).
     */
    async runOnce(): Promise<number> {
      await upkeep(true);
      jobsCache = undefined;
      const claim = await claimNext();
      if (claim.kind !== 'batch') return 0;
      await sendBatch(claim);
      return claim.items.length;
    },
  };
}

export type PushWorker = ReturnType<typeof createPushWorker>;
