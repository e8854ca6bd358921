// claim-next: the city queue hands each tip to one staff member at a time, red before yellow
// before green, oldest first. A claim is a lease: when it runs out the tip is claimable again,
// decided here in the query (no timer to forget or to run twice).
//
// On MariaDB the row is taken with SELECT … FOR UPDATE SKIP LOCKED, so concurrent claimers
// never wait on, or take, the same row. The received-tips query walks the tips_queue index
// (state, colour_rank, created_at[, id]) in order and stops at the first unlocked row, so
// it locks one row, not the queue. The claim runs under READ COMMITTED: under REPEATABLE READ
// the scan also takes gap (next-key) locks, and two claimers moving their rows to 'claimed'
// then deadlock on each other's gaps. A deadlock that still happens is retried.
// On SQLite transactions are serialised in-process.
import { Op, Transaction, type WhereOptions } from 'sequelize';
import type { Database } from '../db/index.js';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { ApplyDeps } from './apply.js';
import { applyTransition } from './apply.js';
import type { TipRow } from './models.js';
import { assertCan, tipListFilter } from './policy.js';
import { transition } from './rules/state-machine.js';
import { snapshotOf, whereForListFilter } from './scope.js';

export interface QueueDeps extends ApplyDeps {
  db: Database;
  leaseMinutes: number;
}

const ORDER: Array<[string, string]> = [['colourRank', 'ASC'], ['createdAt', 'ASC'], ['id', 'ASC']];

const outranks = (a: TipRow, b: TipRow) =>
  a.colourRank - b.colourRank || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

async function pick(deps: QueueDeps, scope: WhereOptions<TipRow>, now: Date, t: Transaction): Promise<TipRow | null> {
  const { Tip } = deps.repo.models;
  const lock = deps.db.dialect === 'mysql' ? { lock: t.LOCK.UPDATE, skipLocked: true } : {};
  const fresh = await Tip.findOne({ where: { [Op.and]: [scope, { state: 'received' }] }, order: ORDER, transaction: t, ...lock });
  // Expired leases are rare: a plain read decides whether the second, locking query is worth it.
  const expiredWhere = { [Op.and]: [scope, { state: 'claimed', leaseUntil: { [Op.lt]: now } }] };
  const anyExpired = await Tip.findOne({ where: expiredWhere, attributes: ['id'], transaction: t });
  if (!anyExpired) return fresh;
  const expired = await Tip.findOne({ where: expiredWhere, order: ORDER, transaction: t, ...lock });
  if (!expired) return fresh;
  if (!fresh) return expired;
  return outranks(expired, fresh) < 0 ? expired : fresh;
}

/** The claimed tip, or null when nothing in the actor's scope is waiting. */
export async function claimNext(deps: QueueDeps, actor: StaffPrincipal): Promise<TipRow | null> {
  assertCan(actor, 'tip.claim');
  const scope = whereForListFilter(tipListFilter(actor));
  if (!scope) return null;
  const inTransaction = <T>(fn: (t: Transaction) => Promise<T>): Promise<T> =>
    deps.db.dialect === 'mysql'
      ? deps.db.sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, fn)
      : deps.db.transaction(fn);
  return withDeadlockRetry(() => inTransaction(async (t) => {
    const now = new Date();
    const tip = await pick(deps, scope, now, t);
    if (!tip) return null;
    const staffActor = { type: 'staff' as const, id: actor.id, name: actor.displayName };
    if (tip.state === 'claimed') {
      // Written as its own step so the timeline shows who let the lease run out.
      const expiredFrom = tip.claimedBy;
      await applyTransition(deps, tip, transition(snapshotOf(tip), 'lease_expired', {}, now), { type: 'system', name: 'queue' }, t, {
        notice: 'none', data: { claimedBy: expiredFrom },
      });
    }
    tip.claimedBy = actor.id;
    tip.leaseUntil = new Date(now.getTime() + deps.leaseMinutes * 60_000);
    await applyTransition(deps, tip, transition(snapshotOf(tip), 'claim', {}, now), staffActor, t, {
      notice: 'none', eventType: 'claimed', data: { leaseUntil: tip.leaseUntil.toISOString() },
    });
    return tip;
  }));
}

const isDeadlock = (err: unknown): boolean => {
  const parent = (err as { parent?: { errno?: number; code?: string } }).parent;
  return parent?.errno === 1213 || parent?.code === 'ER_LOCK_DEADLOCK';
};

/** InnoDB picks a victim and rolls it back; trying again is the documented answer. */
export async function withDeadlockRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i += 1) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isDeadlock(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * i));
    }
  }
}
