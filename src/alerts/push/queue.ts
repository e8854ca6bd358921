// The push queue in the database: claiming due recipients in small batches, the shared send rate,
// writing outcomes, and taking back what a dead worker left. Everything a worker knows between
// two calls is in the rows, so any number of workers (processes or instances) share one queue.
//
// Rate: the job row holds `next_slot_at`, the next free send slot. A claim locks the job row,
// starts at max(next_slot_at, now − 50 ms) and moves it on by k / rate for the k recipients it
// will send, so workers together keep the job's rate; a claim a little late makes up those few
// milliseconds, and time left unused for longer (no worker, a pause) is not made up in a burst. A worker claims its next batch a little before its current slots
// end (the lookahead), so one worker alone keeps the rate without gaps.
//
// Claims: MariaDB takes the recipients with SELECT … FOR UPDATE SKIP LOCKED (READ COMMITTED, set
// per connection), after locking the job row; every transaction locks the job row first and
// recipients after, so claims, outcomes and cancels never wait on each other in a cycle. SQLite
// has one writer: the transaction alone is enough.
//
// At most once: a claimed recipient is `sending` before its message is sent. WeChat's
// customer-service send has no idempotency key, so a `sending` whose claim expired (its worker
// died) may or may not have been sent: it becomes `failed: unknown_after_crash`, never sent
// twice. A template message carries client_msg_id, which WeChat keeps for about 10 minutes, so a
// stale template send found within that time is queued again; a mass send carries its
// clientmsgid, so it is always safe to send again.
import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { FollowerModels } from '../followers/models.js';
import { sqlOf } from '../followers/sql.js';
import type { PushModels, PushJobRow, PushMassRow } from './models.js';
import { CUSTOM_WINDOW_MS, REASONS, type PushChannel, type SendOutcome } from './rules.js';
import { withDeadlockRetry } from '../../db/deadlock.js';

export interface QueueDeps {
  db: Database;
  models: PushModels;
  followers: FollowerModels;
  clock: () => Date;
  /** config alerts.pushClaimSeconds, in ms. */
  claimMs: number;
}

export interface ClaimedRecipient {
  id: number;
  openid: string;
  channel: PushChannel;
  /** Including this one. */
  attempts: number;
}

export type Claim =
  | { kind: 'batch'; job: PushJobRow; items: ClaimedRecipient[]; slotStart: number; slotMs: number }
  /** Nothing to claim before `until` (epoch ms): slots taken, or retries not yet due. */
  | { kind: 'wait'; until: number }
  /** The job is not running, or has nothing left. */
  | { kind: 'idle' };

export interface RecipientOutcome {
  id: number;
  attempts: number;
  /** `release`: not sent (the worker is stopping): back to the queue, the attempt not counted. */
  outcome: SendOutcome | { kind: 'release' };
}

/** How long WeChat keeps a template message's client_msg_id (it documents 10 minutes), with a margin. */
const TEMPLATE_DEDUPE_MS = 9 * 60_000;
/** A claim spans at most this much of the rate, so a slow rate does not hold recipients for long. */
const MAX_BATCH_SPAN_MS = 5000;
/**
 * …and at least this much at a high rate: a claim takes a few round trips, more on a busy
 * process, and the claims one after another must keep ahead of the slots they hand out.
 */
const MIN_BATCH_SPAN_MS = 200;
/**
 * A claim that comes late (its worker held up by a busy process or database) may start up to
 * this much in the past: those sends go at once, making up a short delay, so in any second at
 * most this much more than the rate goes out. Time unused for longer (no worker, a pause) is lost.
 */
const CATCH_UP_MS = 50;
/** The most recipients one claim takes (the statements list their ids). */
const MAX_BATCH = 500;

export function createPushQueue(deps: QueueDeps) {
  const { db, models } = deps;
  const sql = sqlOf(db);
  const tx = <T>(fn: (t: Transaction) => Promise<T>) => withDeadlockRetry(() => db.transaction(fn));
  const lockJob = (id: number, t: Transaction) => models.Job.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });

  /** Sets rows to a state (one statement per group); only rows this worker holds as `sending`. */
  async function settle(
    ids: readonly number[], set: string, values: readonly unknown[], worker: string, t: Transaction,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    return sql.write(
      `UPDATE alert_push_recipients SET ${set}, claimed_by = NULL, claim_expires_at = NULL
       WHERE id IN (${sql.list(ids.length)}) AND state = 'sending' AND claimed_by = ?`,
      [...values, ...ids, worker], t,
    );
  }

  /** Marks a job done when no recipient and no mass send is left to do. */
  async function finishIfDone(job: PushJobRow, now: Date, t: Transaction): Promise<boolean> {
    const open = await sql.rows<{ hit: number }>(
      `SELECT 1 AS hit FROM alert_push_recipients WHERE job_id = ? AND state IN ('queued', 'sending') LIMIT 1`, [job.id], t,
    );
    if (open.length) return false;
    const mass = await sql.rows<{ hit: number }>(
      `SELECT 1 AS hit FROM alert_push_mass WHERE job_id = ? AND state IN ('queued', 'sending') LIMIT 1`, [job.id], t,
    );
    if (mass.length) return false;
    job.state = 'done';
    job.finishedAt = now;
    job.updatedAt = now;
    await job.save({ transaction: t });
    return true;
  }

  return {
    /**
     * Claims up to `batch` due recipients of a running job and reserves their send slots. Those
     * that cannot be sent now are settled at once without a slot: a custom message to a follower
     * outside the 48-hour window (`outside_window`), anything to one who has unfollowed.
     */
    async claim(jobId: number, worker: string, opts: { batch: number; lookaheadMs: number }): Promise<Claim> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        if (!job || job.state !== 'running') return { kind: 'idle' };
        const now = deps.clock();
        const nowMs = now.getTime();
        const slotStart = Math.max(job.nextSlotAt.getTime(), nowMs - CATCH_UP_MS);
        if (slotStart - nowMs > opts.lookaheadMs) return { kind: 'wait', until: slotStart - opts.lookaheadMs };
        const slotMs = 1000 / job.ratePerSecond;
        const limit = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_BATCH_SPAN_MS / slotMs), Math.max(opts.batch, Math.ceil(MIN_BATCH_SPAN_MS / slotMs))));
        const rows = await sql.rows<{ id: number; openid: string; channel: string; attempts: number }>(
          `SELECT id, openid, channel, attempts FROM alert_push_recipients
           WHERE job_id = ? AND state = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?${sql.forUpdateSkipLocked}`,
          [job.id, sql.date(now), limit], t,
        );
        if (rows.length === 0) {
          if (await finishIfDone(job, now, t)) return { kind: 'idle' };
          const [next] = await sql.rows<{ at: unknown }>(
            `SELECT MIN(next_attempt_at) AS at FROM alert_push_recipients WHERE job_id = ? AND state = 'queued'`, [job.id], t,
          );
          const at = next?.at ? new Date(next.at as string | Date).getTime() : NaN;
          return { kind: 'wait', until: Number.isFinite(at) && at > nowMs ? at : nowMs + 1000 };
        }
        const openids = [...new Set(rows.map((r) => r.openid))];
        const followers = await deps.followers.Follower.findAll({
          attributes: ['openid', 'subscribed', 'lastInteractionAt'], where: { openid: openids }, transaction: t,
        });
        const byOpenid = new Map(followers.map((f) => [f.openid, f]));
        const send: typeof rows = [];
        const gone: number[] = [];
        const outside: number[] = [];
        for (const r of rows) {
          const f = byOpenid.get(r.openid);
          if (!f || !f.subscribed) gone.push(r.id);
          else if (r.channel === 'custom' && (!f.lastInteractionAt || nowMs - f.lastInteractionAt.getTime() >= CUSTOM_WINDOW_MS)) outside.push(r.id);
          else send.push(r);
        }
        const skip = async (ids: number[], reason: string) => {
          if (ids.length === 0) return;
          await sql.write(
            `UPDATE alert_push_recipients SET state = 'skipped', reason = ? WHERE id IN (${sql.list(ids.length)})`, [reason, ...ids], t,
          );
        };
        await skip(gone, REASONS.unsubscribed);
        await skip(outside, REASONS.outsideWindow);
        if (send.length) {
          await sql.write(
            `UPDATE alert_push_recipients SET state = 'sending', attempts = attempts + 1, claimed_by = ?, claim_expires_at = ?
             WHERE id IN (${sql.list(send.length)})`,
            [worker, sql.date(new Date(nowMs + deps.claimMs)), ...send.map((r) => r.id)], t,
          );
        }
        job.nextSlotAt = new Date(slotStart + send.length * slotMs);
        job.skippedCount += gone.length + outside.length;
        job.updatedAt = now;
        await job.save({ transaction: t });
        return {
          kind: 'batch', job, slotStart, slotMs,
          items: send.map((r) => ({ id: r.id, openid: r.openid, channel: r.channel as PushChannel, attempts: Number(r.attempts) + 1 })),
        };
      });
    },

    /**
     * Writes a batch's outcomes: sent, skipped (about the follower), failed, or queued again with
     * its back-off. `retryAt` gives the time of the next attempt for a transient failure; a
     * recipient past `maxAttempts` fails with the last reason. A rate-limit answer also holds the
     * whole job back for `holdMs`. Counters move by the rows actually changed.
     */
    async finish(
      jobId: number, worker: string, outcomes: readonly RecipientOutcome[],
      opts: { maxAttempts: number; retryAt: (attempts: number) => Date; holdMs: number; rateLimited: boolean },
    ): Promise<{ sent: number; skipped: number; failed: number; retried: number }> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        const now = deps.clock();
        const cancelled = job?.state === 'cancelled';
        const groups = new Map<string, { ids: number[]; set: string; values: unknown[]; count: 'sent' | 'skipped' | 'failed' | 'none' }>();
        const add = (key: string, id: number, set: string, values: unknown[], count: 'sent' | 'skipped' | 'failed' | 'none') => {
          const g = groups.get(key) ?? { ids: [], set, values, count };
          g.ids.push(id);
          groups.set(key, g);
        };
        let retried = 0;
        for (const o of outcomes) {
          const r = o.outcome;
          if (r.kind === 'release' && cancelled) {
            add('cancel', o.id, "state = 'skipped', reason = ?, attempts = attempts - 1", [REASONS.cancelled], 'skipped');
          } else if (r.kind === 'release') {
            add('release', o.id, "state = 'queued', attempts = attempts - 1", [], 'none');
          } else if (r.kind === 'sent') {
            add('sent', o.id, "state = 'sent', sent_at = ?, reason = NULL, errcode = NULL", [sql.date(now)], 'sent');
          } else if (r.kind === 'retry' && cancelled) {
            add(`cancel`, o.id, "state = 'skipped', reason = ?", [REASONS.cancelled], 'skipped');
          } else if (r.kind === 'retry' && o.attempts < opts.maxAttempts) {
            retried += 1;
            const at = opts.retryAt(o.attempts);
            add(`retry:${o.attempts}:${r.reason}:${r.errcode}`, o.id, "state = 'queued', next_attempt_at = ?, reason = ?, errcode = ?",
              [sql.date(at), r.reason, r.errcode], 'none');
          } else {
            const final = r.kind === 'skipped' ? 'skipped' : 'failed';
            add(`${final}:${r.reason}:${r.errcode}`, o.id, `state = '${final}', reason = ?, errcode = ?`, [r.reason, r.errcode], final);
          }
        }
        const moved = { sent: 0, skipped: 0, failed: 0 };
        for (const g of groups.values()) {
          const n = await settle(g.ids, g.set, g.values, worker, t);
          if (g.count !== 'none') moved[g.count] += n;
        }
        if (job) {
          job.sentCount += moved.sent;
          job.skippedCount += moved.skipped;
          job.failedCount += moved.failed;
          if (opts.rateLimited) job.nextSlotAt = new Date(Math.max(job.nextSlotAt.getTime(), now.getTime() + opts.holdMs));
          job.updatedAt = now;
          await job.save({ transaction: t });
        }
        return { ...moved, retried };
      });
    },

    /**
     * Takes back what dead workers left: a `sending` recipient whose claim expired fails as
     * `unknown_after_crash` (a template message still within WeChat's dedupe time is queued
     * again); a mass send is queued again (its clientmsgid makes that safe).
     */
    async recoverStale(limit = 500): Promise<{ failed: number; requeued: number }> {
      // Most of the time there is nothing: two indexed probes, and no write transaction.
      const probeAt = sql.date(deps.clock());
      const [staleRecipient] = await sql.rows<{ hit: number }>(
        `SELECT 1 AS hit FROM alert_push_recipients WHERE state = 'sending' AND claim_expires_at < ? LIMIT 1`, [probeAt],
      );
      const [staleMass] = await sql.rows<{ hit: number }>(
        `SELECT 1 AS hit FROM alert_push_mass WHERE state = 'sending' AND claim_expires_at < ? LIMIT 1`, [probeAt],
      );
      if (!staleRecipient && !staleMass) return { failed: 0, requeued: 0 };
      return tx(async (t) => {
        const now = deps.clock();
        // Read without locks, then each job locked before its rows (the order every writer keeps).
        const rows = await sql.rows<{ id: number; job_id: number; channel: string; claim_expires_at: unknown }>(
          `SELECT id, job_id, channel, claim_expires_at FROM alert_push_recipients
           WHERE state = 'sending' AND claim_expires_at < ? ORDER BY id LIMIT ?`,
          [sql.date(now), limit], t,
        );
        const byJob = new Map<number, { lost: number[]; requeue: number[] }>();
        for (const r of rows) {
          const g = byJob.get(Number(r.job_id)) ?? { lost: [], requeue: [] };
          const claimedAt = new Date(r.claim_expires_at as string | Date).getTime() - deps.claimMs;
          if (r.channel === 'template' && now.getTime() - claimedAt < TEMPLATE_DEDUPE_MS) g.requeue.push(r.id);
          else g.lost.push(r.id);
          byJob.set(Number(r.job_id), g);
        }
        let failed = 0;
        let requeued = 0;
        const stale = `AND state = 'sending' AND claim_expires_at < ?`;
        for (const [jobId, g] of [...byJob].sort((a, b) => a[0] - b[0])) {
          const job = await lockJob(jobId, t);
          if (g.lost.length) {
            const n = await sql.write(
              `UPDATE alert_push_recipients SET state = 'failed', reason = ?, claimed_by = NULL, claim_expires_at = NULL
               WHERE id IN (${sql.list(g.lost.length)}) ${stale}`, [REASONS.unknownAfterCrash, ...g.lost, sql.date(now)], t,
            );
            failed += n;
            if (job && n) {
              job.failedCount += n;
              job.updatedAt = now;
              await job.save({ transaction: t });
            }
          }
          if (g.requeue.length) {
            requeued += await sql.write(
              `UPDATE alert_push_recipients SET state = 'queued', next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL
               WHERE id IN (${sql.list(g.requeue.length)}) ${stale}`, [sql.date(now), ...g.requeue, sql.date(now)], t,
            );
          }
        }
        await sql.write(
          `UPDATE alert_push_mass SET state = 'queued', next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL
           WHERE state = 'sending' AND claim_expires_at < ?`, [sql.date(now), sql.date(now)], t,
        );
        return { failed, requeued };
      });
    },

    /** One due mass send of a running job, claimed (`sending`) for this worker. */
    async claimMass(jobId: number, worker: string): Promise<{ job: PushJobRow; row: PushMassRow } | undefined> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        if (!job || job.state !== 'running') return undefined;
        const now = deps.clock();
        const [hit] = await sql.rows<{ id: number }>(
          `SELECT id FROM alert_push_mass WHERE job_id = ? AND state = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT 1${sql.forUpdateSkipLocked}`,
          [job.id, sql.date(now)], t,
        );
        if (!hit) return undefined;
        const row = await models.Mass.findByPk(hit.id, { transaction: t });
        if (!row) return undefined;
        row.state = 'sending';
        row.attempts += 1;
        row.claimedBy = worker;
        row.claimExpiresAt = new Date(now.getTime() + deps.claimMs);
        await row.save({ transaction: t });
        return { job, row };
      });
    },

    /** Saves a mass send's outcome (its row as the worker left it). */
    async finishMass(row: PushMassRow): Promise<void> {
      row.claimedBy = null;
      row.claimExpiresAt = null;
      await row.save();
    },

    /** A job's state now (null: no such job). */
    async jobState(jobId: number): Promise<string | null> {
      const job = await models.Job.findByPk(jobId, { attributes: ['state'] });
      return job?.state ?? null;
    },

    /** Ids of running jobs, oldest first. */
    async runningJobs(): Promise<number[]> {
      const rows = await models.Job.findAll({ attributes: ['id'], where: { state: 'running' }, order: [['id', 'ASC']] });
      return rows.map((r) => r.id);
    },
  };
}

export type PushQueue = ReturnType<typeof createPushQueue>;
