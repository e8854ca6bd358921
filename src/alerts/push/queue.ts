// The push queue in the database: claiming due recipients in small batches, the shared send rate,
// writing outcomes, and taking back what a dead worker left. Everything a worker knows between
// two calls is in the rows, so any number of workers (processes or instances) share one queue.
//
// Rate: WeChat's limits are the account's, so every job shares one pace row (alert_push_pace):
// `next_slot_at`, the account's next free send slot. A claim locks its job row, then the pace row,
// starts at max(next_slot_at, now − 50 ms) and moves it on by k / rate for the k recipients it
// will send, so all workers of all jobs together keep the rate; a claim a little late makes up
// those few milliseconds, and time left unused for longer (no worker, a pause) is not made up in
// a burst. A worker claims its next batch a little before its current slots end (the lookahead),
// so one worker alone keeps the rate without gaps.
//
// Breaker: an error that is WeChat's, not the follower's (busy, unreachable, the minute limit, a
// token refused) holds back the whole account: the pace's next slot moves to the end of a hold
// that doubles each time (hold_level) up to the retry cap, the recipient is tried again then,
// and while held each claim takes one recipient (a probe). The first send that goes through ends
// the hold. An outage of an hour thus costs a few probes' attempts, not every recipient's. A
// daily limit (45009) closes that channel until the next Beijing day; its recipients wait.
//
// Claims: MariaDB takes the recipients with SELECT … FOR UPDATE SKIP LOCKED (READ COMMITTED, set
// per connection), after locking the job row; every transaction locks the job row first and
// recipients after, so claims, outcomes and cancels never wait on each other in a cycle. SQLite
// has one writer: the transaction alone is enough.
//
// At most once: a claimed recipient is `sending` before its message is sent. WeChat's
// customer-service send has no idempotency key, so one whose outcome is unknown (a `sending` whose
// claim expired because its worker died, or a send that timed out) is failed
// (`unknown_after_crash`, `unknown_after_error`), never sent twice. A template message carries
// client_msg_id, which WeChat keeps for about 10 minutes: it may be tried again until 9 minutes
// after its first unknown send (`unsure_since`), judged when it is claimed. Invariant: a
// recipient with `unsure_since` ends `sent` or `failed`/`unknown_after_*`, never skipped or failed
// with another reason (not at its last attempt, not when its job is cancelled), so no later push
// sends it again. A mass send carries its clientmsgid, which WeChat checks against 24 hours of
// records: one that may have gone out (`sent_at` set, state not `sent`) is sent again only under
// that clientmsgid and within MASS_DEDUPE_MS, keeps its quota slot, and otherwise ends failed
// `unknown_after_*`.
import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { FollowerModels } from '../followers/models.js';
import { sqlOf } from '../../db/sql.js';
import { PACE_ID, type PushModels, type PushJobRow, type PushMassRow, type PushPaceRow } from './models.js';
import {
  CUSTOM_WINDOW_MS, MASS_DEDUPE_MS, REASONS, addOutcomes, massMaybeSent, trips, type PushChannel, type SendOutcome,
} from './rules.js';
import type { MassQuotaLedger } from '../../articles/mass-quota.js';
import { withDeadlockRetry } from '../../db/deadlock.js';
import { shanghaiDay, shanghaiDayKey, startOfShanghaiDay } from '../../platform/beijing-time.js';

export interface QueueDeps {
  db: Database;
  models: PushModels;
  followers: FollowerModels;
  clock: () => Date;
  /** config alerts.pushClaimSeconds, in ms. */
  claimMs: number;
  /** config alerts.pushTemplateDailyLimit: template messages the account may send a Beijing day. */
  templateDailyLimit: number;
  /** The mass-send ledger: a cancelled mass send that surely did not go out gives its slot back. */
  ledger: Pick<MassQuotaLedger, 'release'>;
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
  channel: PushChannel;
  attempts: number;
  /**
   * `release`: not sent (the worker is stopping, the job was paused, or WeChat failed an earlier
   * send of the batch): back to the queue, the attempt not counted.
   */
  outcome: SendOutcome | { kind: 'release' };
}

/** What staff see of the account's sending: a hold while WeChat fails, channels closed for the day. */
export interface PaceView {
  heldUntil: Date | null;
  holdReason: string | null;
  holdLevel: number;
  blockedUntil: Partial<Record<PushChannel, Date>>;
  templateSentToday: number;
}

/** How long WeChat keeps a template message's client_msg_id (it documents 10 minutes), with a margin. */
export const TEMPLATE_DEDUPE_MS = 9 * 60_000;
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

  /** The pace row, locked (always after a job row). Made again if someone deleted it. */
  async function lockPace(t: Transaction): Promise<PushPaceRow> {
    const pace = await models.Pace.findByPk(PACE_ID, { transaction: t, lock: t.LOCK.UPDATE });
    if (pace) return pace;
    const now = deps.clock();
    return models.Pace.create({
      id: PACE_ID, nextSlotAt: now, holdLevel: 0, holdReason: null, customBlockedUntil: null, templateBlockedUntil: null,
      templateDay: null, templateCount: 0, updatedAt: now,
    }, { transaction: t });
  }

  /** Template messages sent on `now`'s Beijing day (the count is kept for one day at a time). */
  const templatesOn = (pace: PushPaceRow, now: Date) => (pace.templateDay === shanghaiDayKey(now) ? pace.templateCount : 0);

  /** Channels that may not send at `now`: closed for the day, or the template's daily count reached. */
  function closedChannels(pace: PushPaceRow, now: Date): { closed: PushChannel[]; templateLeft: number } {
    const closed: PushChannel[] = [];
    if (pace.customBlockedUntil && pace.customBlockedUntil > now) closed.push('custom');
    const templateLeft = Math.max(0, deps.templateDailyLimit - templatesOn(pace, now));
    if ((pace.templateBlockedUntil && pace.templateBlockedUntil > now) || templateLeft === 0) closed.push('template');
    return { closed, templateLeft };
  }

  /** The next Beijing midnight: when a channel closed for the day opens again. */
  const tomorrow = (now: Date) => startOfShanghaiDay(shanghaiDay(now) + 1);

  /** Sets rows to a state (one statement per group); only rows this worker holds as `sending`. */
  async function settle(
    ids: readonly number[], set: string, values: readonly unknown[], worker: string, t: Transaction, where = '',
  ): Promise<number> {
    if (ids.length === 0) return 0;
    return sql.write(
      `UPDATE alert_push_recipients SET ${set}, claimed_by = NULL, claim_expires_at = NULL
       WHERE id IN (${sql.list(ids.length)}) AND state = 'sending' AND claimed_by = ?${where}`,
      [...values, ...ids, worker], t,
    );
  }

  /**
   * Ends a mass send of a cancelled job that is not `sent`. Invariant: one that may have gone out
   * keeps its clientmsgid and quota slot and ends `failed` with `unknownReason`, so no later push
   * sends it under another clientmsgid (a new push may send it again under its own, within
   * MASS_DEDUPE_MS); one that surely did not is skipped (`cancelled`) and gives its slot back.
   */
  async function cancelMass(row: PushMassRow, t: Transaction, unknownReason: string = REASONS.unknownAfterError): Promise<void> {
    if (massMaybeSent(row)) {
      row.state = 'failed';
      row.reason = unknownReason;
    } else {
      await deps.ledger.release(`alert:${row.clientMsgId}`, t);
      row.state = 'skipped';
      row.reason = REASONS.cancelled;
      row.quotaDay = null;
      row.quotaSlot = null;
    }
    row.claimedBy = null;
    row.claimExpiresAt = null;
    await row.save({ transaction: t });
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
     * Claims up to `batch` due recipients of a running job and reserves their send slots on the
     * account's pace (one while WeChat is failing). Those that cannot be sent are settled at once
     * without a slot: a custom message to a follower outside the 48-hour window
     * (`outside_window`), anything to one who has unfollowed, a template message whose first
     * unknown send is older than WeChat's dedupe time (`unknown_after_error`). Recipients of a
     * channel closed for the day stay queued.
     */
    async claim(jobId: number, worker: string, opts: { batch: number; lookaheadMs: number }): Promise<Claim> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        if (!job || job.state !== 'running') return { kind: 'idle' };
        const pace = await lockPace(t);
        const now = deps.clock();
        const nowMs = now.getTime();
        const slotStart = Math.max(pace.nextSlotAt.getTime(), nowMs - CATCH_UP_MS);
        if (slotStart - nowMs > opts.lookaheadMs) return { kind: 'wait', until: slotStart - opts.lookaheadMs };
        const { closed, templateLeft } = closedChannels(pace, now);
        const open = closed.length ? ` AND channel NOT IN (${sql.list(closed.length)})` : '';
        const slotMs = 1000 / job.ratePerSecond;
        const limit = pace.holdLevel > 0 ? 1
          : Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_BATCH_SPAN_MS / slotMs), Math.max(opts.batch, Math.ceil(MIN_BATCH_SPAN_MS / slotMs))));
        const rows = await sql.rows<{ id: number; openid: string; channel: string; attempts: number; unsure_since: unknown }>(
          `SELECT id, openid, channel, attempts, unsure_since FROM alert_push_recipients
           WHERE job_id = ? AND state = 'queued' AND next_attempt_at <= ?${open} ORDER BY id LIMIT ?${sql.forUpdateSkipLocked}`,
          [job.id, sql.date(now), ...closed, limit], t,
        );
        if (rows.length === 0) {
          if (await finishIfDone(job, now, t)) return { kind: 'idle' };
          const [next] = await sql.rows<{ at: unknown }>(
            `SELECT MIN(next_attempt_at) AS at FROM alert_push_recipients WHERE job_id = ? AND state = 'queued'${open}`, [job.id, ...closed], t,
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
        const lost: number[] = [];
        let templates = 0;
        for (const r of rows) {
          const f = byOpenid.get(r.openid);
          const unsureAt = r.unsure_since ? new Date(r.unsure_since as string | Date).getTime() : NaN;
          const unsure = r.channel === 'template' && Number.isFinite(unsureAt);
          // One that may have arrived and has unfollowed since ends unknown too: never `unsubscribed`,
          // a reason a later push would try again.
          if (!f || !f.subscribed) (unsure ? lost : gone).push(r.id);
          else if (r.channel === 'custom' && (!f.lastInteractionAt || nowMs - f.lastInteractionAt.getTime() >= CUSTOM_WINDOW_MS)) outside.push(r.id);
          else if (unsure && nowMs - unsureAt >= TEMPLATE_DEDUPE_MS) lost.push(r.id);
          else if (r.channel === 'template' && templates >= templateLeft) continue;
          else {
            if (r.channel === 'template') templates += 1;
            send.push(r);
          }
        }
        const settleNow = async (ids: number[], state: 'skipped' | 'failed', reason: string) => {
          if (ids.length === 0) return;
          await sql.write(
            `UPDATE alert_push_recipients SET state = ?, reason = ? WHERE id IN (${sql.list(ids.length)})`, [state, reason, ...ids], t,
          );
          job.outcomeCounts = addOutcomes(job.outcomeCounts, state, reason, ids.length);
          if (state === 'skipped') job.skippedCount += ids.length;
          else job.failedCount += ids.length;
        };
        await settleNow(gone, 'skipped', REASONS.unsubscribed);
        await settleNow(outside, 'skipped', REASONS.outsideWindow);
        await settleNow(lost, 'failed', REASONS.unknownAfterError);
        if (send.length) {
          await sql.write(
            `UPDATE alert_push_recipients SET state = 'sending', attempts = attempts + 1, claimed_by = ?, claim_expires_at = ?
             WHERE id IN (${sql.list(send.length)})`,
            [worker, sql.date(new Date(nowMs + deps.claimMs)), ...send.map((r) => r.id)], t,
          );
          pace.nextSlotAt = new Date(slotStart + send.length * slotMs);
          if (templates) {
            pace.templateCount = templatesOn(pace, now) + templates;
            pace.templateDay = shanghaiDayKey(now);
          }
          pace.updatedAt = now;
          await pace.save({ transaction: t });
        }
        job.updatedAt = now;
        await job.save({ transaction: t });
        if (send.length === 0 && await finishIfDone(job, now, t)) return { kind: 'idle' };
        return {
          kind: 'batch', job, slotStart, slotMs,
          items: send.map((r) => ({ id: r.id, openid: r.openid, channel: r.channel as PushChannel, attempts: Number(r.attempts) + 1 })),
        };
      });
    },

    /**
     * Writes a batch's outcomes: sent, skipped (about the follower), failed, or queued again. A
     * failure that is WeChat's (`trip`) holds the account back for `holdMs(level)` and its
     * recipient is tried again when the hold ends; any other retry waits `retryAt(attempts)`; a
     * recipient past `maxAttempts` fails with the last reason. A send that went through ends a
     * hold. A daily limit closes its channel until the next Beijing day. Counters move by the
     * rows actually changed. Invariant: a template message that may have arrived (this send's
     * answer lost, or an earlier one's: `unsure_since`) and is not sent ends `failed`
     * `unknown_after_error`, at its last attempt as in a cancelled job, so no new push sends it
     * again once WeChat's client_msg_id no longer guards it.
     */
    async finish(
      jobId: number, worker: string, outcomes: readonly RecipientOutcome[],
      opts: { maxAttempts: number; retryAt: (attempts: number) => Date; holdMs: (level: number) => number; unsureSince: Date },
    ): Promise<{ sent: number; skipped: number; failed: number; retried: number; held: Date | null }> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        const now = deps.clock();
        const cancelled = job?.state === 'cancelled';
        const trip = outcomes.map((o) => o.outcome).find((o): o is Extract<SendOutcome, { kind: 'retry' | 'failed' }> => o.kind !== 'release' && trips(o));
        const closing = new Set(outcomes.filter((o) => o.outcome.kind === 'blocked').map((o) => o.channel));
        const sentAny = outcomes.some((o) => o.outcome.kind === 'sent');
        let held: Date | null = null;
        // The pace is locked only to change it: a hold to start or end, a channel to close.
        const ending = sentAny && !trip && ((await models.Pace.findByPk(PACE_ID, { attributes: ['holdLevel'], transaction: t }))?.holdLevel ?? 0) > 0;
        if (trip || closing.size || ending) {
          const pace = await lockPace(t);
          if (trip) {
            pace.holdLevel += 1;
            pace.holdReason = trip.reason;
            pace.nextSlotAt = new Date(Math.max(pace.nextSlotAt.getTime(), now.getTime() + opts.holdMs(pace.holdLevel)));
            held = pace.nextSlotAt;
          } else if (sentAny && pace.holdLevel > 0) {
            pace.holdLevel = 0;
            pace.holdReason = null;
          }
          if (closing.has('custom')) pace.customBlockedUntil = tomorrow(now);
          if (closing.has('template')) pace.templateBlockedUntil = tomorrow(now);
          pace.updatedAt = now;
          await pace.save({ transaction: t });
        }
        type Count = 'sent' | 'skipped' | 'failed' | 'none';
        // A recipient that may end two ways goes into an `unsure_since IS NOT NULL` group (`where`) and
        // a plain one. The narrowed groups run first: they take it if it may have arrived, and its
        // plain group then finds it no longer `sending`.
        const groups = new Map<string, { ids: number[]; set: string; values: unknown[]; count: Count; reason: string; where: string }>();
        const add = (key: string, id: number, set: string, values: unknown[], count: Count, reason = '', where = '') => {
          const g = groups.get(key) ?? { ids: [], set, values, count, reason, where };
          g.ids.push(id);
          groups.set(key, g);
        };
        const ifUnsure = ' AND unsure_since IS NOT NULL';
        const unknown = REASONS.unknownAfterError;
        /** Failed as unknown: this send's answer was lost (its time kept as `unsure_since`). */
        const lostNow = (id: number, errcode: number | null) => add(
          `unknown-now:${errcode}`, id, "state = 'failed', reason = ?, errcode = ?, unsure_since = COALESCE(unsure_since, ?)",
          [unknown, errcode, sql.date(opts.unsureSince)], 'failed', unknown,
        );
        let retried = 0;
        for (const o of outcomes) {
          const r = o.outcome;
          if ((r.kind === 'release' || r.kind === 'blocked' || r.kind === 'retry') && cancelled) {
            const uncount = r.kind === 'retry' ? '' : ', attempts = attempts - 1';
            if (r.kind === 'retry' && r.unsure) lostNow(o.id, r.errcode);
            else {
              add(`cancel-unsure${uncount}`, o.id, `state = 'failed', reason = ?${uncount}`, [unknown], 'failed', unknown, ifUnsure);
              add(`cancel${uncount}`, o.id, `state = 'skipped', reason = ?${uncount}`, [REASONS.cancelled], 'skipped', REASONS.cancelled);
            }
          } else if (r.kind === 'release') {
            add('release', o.id, "state = 'queued', attempts = attempts - 1", [], 'none');
          } else if (r.kind === 'blocked') {
            add(`blocked:${r.errcode}`, o.id, "state = 'queued', attempts = attempts - 1, reason = ?, errcode = ?", [r.reason, r.errcode], 'none');
          } else if (r.kind === 'sent') {
            add('sent', o.id, "state = 'sent', sent_at = ?, reason = NULL, errcode = NULL", [sql.date(now)], 'sent');
          } else if (r.kind === 'retry' && o.attempts < opts.maxAttempts) {
            retried += 1;
            const at = r.trip && held ? held : opts.retryAt(o.attempts);
            const unsure = r.unsure ? ', unsure_since = COALESCE(unsure_since, ?)' : '';
            add(`retry:${o.attempts}:${r.reason}:${r.errcode}:${r.unsure}`, o.id, `state = 'queued', next_attempt_at = ?, reason = ?, errcode = ?${unsure}`,
              [sql.date(at), r.reason, r.errcode, ...(r.unsure ? [sql.date(opts.unsureSince)] : [])], 'none');
          } else if (r.kind === 'retry' && r.unsure) {
            // The last attempt, its answer lost: it may have arrived.
            lostNow(o.id, r.errcode);
          } else {
            const final = r.kind === 'skipped' ? 'skipped' : 'failed';
            add(`final-unsure:${r.errcode}`, o.id, "state = 'failed', reason = ?, errcode = ?", [unknown, r.errcode], 'failed', unknown, ifUnsure);
            add(`${final}:${r.reason}:${r.errcode}`, o.id, `state = '${final}', reason = ?, errcode = ?`, [r.reason, r.errcode], final, r.reason);
          }
        }
        const moved = { sent: 0, skipped: 0, failed: 0 };
        for (const g of [...groups.values()].sort((a, b) => Number(b.where !== '') - Number(a.where !== ''))) {
          const n = await settle(g.ids, g.set, g.values, worker, t, g.where);
          if (g.count === 'none') continue;
          moved[g.count] += n;
          if (job && g.count !== 'sent') job.outcomeCounts = addOutcomes(job.outcomeCounts, g.count, g.reason, n);
        }
        if (job) {
          job.sentCount += moved.sent;
          job.skippedCount += moved.skipped;
          job.failedCount += moved.failed;
          job.updatedAt = now;
          await job.save({ transaction: t });
        }
        return { ...moved, retried, held };
      });
    },

    /**
     * Takes back what dead workers left: a `sending` recipient whose claim expired fails as
     * `unknown_after_crash`, except a template message still within WeChat's dedupe time of its
     * first unknown send, which is queued again; a mass send is queued again under its
     * clientmsgid, marked as may have gone out (`sent_at`, when it was claimed). In a cancelled
     * job nothing is queued again: such a template fails, such a mass send ends as `cancelMass`
     * does (`unknown_after_crash`).
     */
    async recoverStale(limit = 500): Promise<{ failed: number; requeued: number; mass: number }> {
      // Most of the time there is nothing: two indexed probes, and no write transaction.
      const probeAt = sql.date(deps.clock());
      const [staleRecipient] = await sql.rows<{ hit: number }>(
        `SELECT 1 AS hit FROM alert_push_recipients WHERE state = 'sending' AND claim_expires_at < ? LIMIT 1`, [probeAt],
      );
      const [staleMass] = await sql.rows<{ hit: number }>(
        `SELECT 1 AS hit FROM alert_push_mass WHERE state = 'sending' AND claim_expires_at < ? LIMIT 1`, [probeAt],
      );
      if (!staleRecipient && !staleMass) return { failed: 0, requeued: 0, mass: 0 };
      return tx(async (t) => {
        const now = deps.clock();
        // Read without locks, then each job locked before its rows (the order every writer keeps).
        const rows = await sql.rows<{ id: number; job_id: number; channel: string; claim_expires_at: unknown; unsure_since: unknown }>(
          `SELECT id, job_id, channel, claim_expires_at, unsure_since FROM alert_push_recipients
           WHERE state = 'sending' AND claim_expires_at < ? ORDER BY id LIMIT ?`,
          [sql.date(now), limit], t,
        );
        const massRows = await sql.rows<{ id: number; job_id: number }>(
          `SELECT id, job_id FROM alert_push_mass WHERE state = 'sending' AND claim_expires_at < ? ORDER BY id LIMIT ?`, [sql.date(now), limit], t,
        );
        const byJob = new Map<number, { lost: number[]; requeue: Array<{ id: number; since: Date }>; mass: number[] }>();
        const groupOf = (jobId: number) => {
          const g = byJob.get(jobId) ?? { lost: [], requeue: [], mass: [] };
          byJob.set(jobId, g);
          return g;
        };
        for (const r of rows) {
          const g = groupOf(Number(r.job_id));
          const claimedAt = new Date(r.claim_expires_at as string | Date).getTime() - deps.claimMs;
          const since = r.unsure_since ? new Date(r.unsure_since as string | Date) : new Date(claimedAt);
          if (r.channel === 'template' && now.getTime() - since.getTime() < TEMPLATE_DEDUPE_MS) g.requeue.push({ id: r.id, since });
          else g.lost.push(r.id);
        }
        for (const m of massRows) groupOf(Number(m.job_id)).mass.push(m.id);
        let failed = 0;
        let requeued = 0;
        let mass = 0;
        const stale = `AND state = 'sending' AND claim_expires_at < ?`;
        for (const [jobId, g] of [...byJob].sort((a, b) => a[0] - b[0])) {
          const job = await lockJob(jobId, t);
          // A cancelled job sends nothing more: what may have arrived ends unknown.
          if (job?.state === 'cancelled') g.lost.push(...g.requeue.splice(0).map((r) => r.id));
          if (g.lost.length) {
            const n = await sql.write(
              `UPDATE alert_push_recipients SET state = 'failed', reason = ?, claimed_by = NULL, claim_expires_at = NULL
               WHERE id IN (${sql.list(g.lost.length)}) ${stale}`, [REASONS.unknownAfterCrash, ...g.lost, sql.date(now)], t,
            );
            failed += n;
            if (job && n) {
              job.failedCount += n;
              job.outcomeCounts = addOutcomes(job.outcomeCounts, 'failed', REASONS.unknownAfterCrash, n);
              job.updatedAt = now;
              await job.save({ transaction: t });
            }
          }
          for (const r of g.requeue) {
            requeued += await sql.write(
              `UPDATE alert_push_recipients SET state = 'queued', next_attempt_at = ?, unsure_since = ?, claimed_by = NULL, claim_expires_at = NULL
               WHERE id = ? ${stale}`, [sql.date(now), sql.date(r.since), r.id, sql.date(now)], t,
            );
          }
          for (const id of g.mass) {
            const row = await models.Mass.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
            if (!row || row.state !== 'sending' || !row.claimExpiresAt || row.claimExpiresAt >= now) continue;
            // Its worker died mid-send: it may have gone out when it was claimed.
            row.sentAt ??= new Date(row.claimExpiresAt.getTime() - deps.claimMs);
            mass += 1;
            if (job?.state === 'cancelled') {
              await cancelMass(row, t, REASONS.unknownAfterCrash);
              continue;
            }
            row.state = 'queued';
            row.nextAttemptAt = now;
            row.claimedBy = null;
            row.claimExpiresAt = null;
            await row.save({ transaction: t });
          }
        }
        return { failed, requeued, mass };
      });
    },

    /**
     * One due mass send of a running job, claimed (`sending`) for this worker. One that may have
     * gone out longer ago than WeChat checks its clientmsgid (MASS_DEDUPE_MS) is not claimed: it
     * ends `failed` `unknown_after_error` with its quota slot, never sent again.
     */
    async claimMass(jobId: number, worker: string): Promise<{ job: PushJobRow; row: PushMassRow } | undefined> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        if (!job || job.state !== 'running') return undefined;
        const now = deps.clock();
        for (;;) {
          const [hit] = await sql.rows<{ id: number }>(
            `SELECT id FROM alert_push_mass WHERE job_id = ? AND state = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT 1${sql.forUpdateSkipLocked}`,
            [job.id, sql.date(now)], t,
          );
          if (!hit) return undefined;
          const row = await models.Mass.findByPk(hit.id, { transaction: t });
          if (!row) return undefined;
          if (massMaybeSent(row) && now.getTime() - row.sentAt!.getTime() >= MASS_DEDUPE_MS) {
            row.state = 'failed';
            row.reason = REASONS.unknownAfterError;
            await row.save({ transaction: t });
            continue;
          }
          row.state = 'sending';
          row.attempts += 1;
          row.claimedBy = worker;
          row.claimExpiresAt = new Date(now.getTime() + deps.claimMs);
          await row.save({ transaction: t });
          return { job, row };
        }
      });
    },

    /**
     * Saves a mass send's outcome (its row as the worker left it). If its job was cancelled while
     * it was out, one left to try again ends now (`cancelMass`).
     */
    async finishMass(row: PushMassRow): Promise<void> {
      await tx(async (t) => {
        const job = await lockJob(row.jobId, t);
        row.claimedBy = null;
        row.claimExpiresAt = null;
        if (job?.state === 'cancelled' && row.state === 'queued') await cancelMass(row, t);
        else await row.save({ transaction: t });
      });
    },

    cancelMass,

    /**
     * Skips up to `chunk` recipients still queued of a cancelled job (`cancelled`), in one
     * transaction; when none is left, the job's cancellation is finished (`finished_at`).
     * Invariant: a queued template message that may have arrived (`unsure_since`) is not
     * skipped but failed as `unknown_after_error`, a reason no later push tries again.
     */
    async skipCancelled(jobId: number, chunk = 5000): Promise<{ skipped: number; failed: number; finished: boolean }> {
      return tx(async (t) => {
        const job = await lockJob(jobId, t);
        if (!job || job.state !== 'cancelled' || job.finishedAt) return { skipped: 0, failed: 0, finished: true };
        const now = deps.clock();
        const [edge] = await sql.rows<{ id: number }>(
          `SELECT id FROM alert_push_recipients WHERE job_id = ? AND state = 'queued' ORDER BY id LIMIT 1 OFFSET ?`, [job.id, chunk - 1], t,
        );
        const upto = edge ? ' AND id <= ?' : '';
        const uptoId = edge ? [edge.id] : [];
        const failed = await sql.write(
          `UPDATE alert_push_recipients SET state = 'failed', reason = ? WHERE job_id = ? AND state = 'queued' AND unsure_since IS NOT NULL${upto}`,
          [REASONS.unknownAfterError, job.id, ...uptoId], t,
        );
        const n = await sql.write(
          `UPDATE alert_push_recipients SET state = 'skipped', reason = ? WHERE job_id = ? AND state = 'queued'${upto}`,
          [REASONS.cancelled, job.id, ...uptoId], t,
        );
        job.failedCount += failed;
        job.outcomeCounts = addOutcomes(job.outcomeCounts, 'failed', REASONS.unknownAfterError, failed);
        job.skippedCount += n;
        job.outcomeCounts = addOutcomes(job.outcomeCounts, 'skipped', REASONS.cancelled, n);
        if (!edge) job.finishedAt = now;
        job.updatedAt = now;
        await job.save({ transaction: t });
        return { skipped: n, failed, finished: !edge };
      });
    },

    /** Cancelled jobs whose recipients are still being skipped (a process died in the middle). */
    async unfinishedCancels(): Promise<number[]> {
      const rows = await models.Job.findAll({ attributes: ['id'], where: { state: 'cancelled', finishedAt: null }, order: [['id', 'ASC']] });
      return rows.map((r) => r.id);
    },

    /**
     * Deletes the recipient rows of jobs that ended before `before`, `chunk` rows a statement;
     * the job keeps its counters and reasons, and is marked `purged_at`. Resolves with the rows
     * deleted.
     */
    async purge(before: Date, chunk = 5000): Promise<number> {
      const jobs = await sql.rows<{ id: number }>(
        `SELECT id FROM alert_push_jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND purged_at IS NULL AND state IN ('done', 'cancelled') ORDER BY id LIMIT 100`,
        [sql.date(before)],
      );
      let deleted = 0;
      for (const { id } of jobs) {
        for (;;) {
          const [edge] = await sql.rows<{ id: number }>(
            'SELECT id FROM alert_push_recipients WHERE job_id = ? ORDER BY id LIMIT 1 OFFSET ?', [id, chunk - 1],
          );
          const n = await sql.write(
            `DELETE FROM alert_push_recipients WHERE job_id = ?${edge ? ' AND id <= ?' : ''}`, [id, ...(edge ? [edge.id] : [])],
          );
          deleted += n;
          if (!edge) break;
        }
        await sql.write('UPDATE alert_push_jobs SET purged_at = ? WHERE id = ?', [sql.date(deps.clock()), id]);
      }
      return deleted;
    },

    /** The account's sending state, for staff. */
    async pace(): Promise<PaceView> {
      const pace = await models.Pace.findByPk(PACE_ID);
      const now = deps.clock();
      const blockedUntil: PaceView['blockedUntil'] = {};
      if (pace?.customBlockedUntil && pace.customBlockedUntil > now) blockedUntil.custom = pace.customBlockedUntil;
      if (pace?.templateBlockedUntil && pace.templateBlockedUntil > now) blockedUntil.template = pace.templateBlockedUntil;
      const templateSentToday = pace ? templatesOn(pace, now) : 0;
      if (templateSentToday >= deps.templateDailyLimit) blockedUntil.template = tomorrow(now);
      const held = pace && pace.holdLevel > 0 && pace.nextSlotAt > now;
      return {
        heldUntil: held ? pace.nextSlotAt : null, holdReason: held ? pace.holdReason : null, holdLevel: pace?.holdLevel ?? 0,
        blockedUntil, templateSentToday,
      };
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
