// claim-next: the city queue hands each tip to one staff member at a time, red before yellow
// before green, oldest first. A claim is a lease: when it runs out the tip is claimable again,
// decided here in the query (no timer to forget or to run twice).
//
// On MariaDB the row is taken with SELECT … FOR UPDATE SKIP LOCKED, so concurrent claimers
// never wait on, or take, the same row. The received-tips query walks the tips_queue index
// (state, colour_rank, created_at[, id]) in order and stops at the first unlocked row, so
// it locks one row, not the queue. The claim runs under READ COMMITTED (every MariaDB connection
// does, src/db/index.ts): under REPEATABLE READ the scan also takes gap (next-key) locks, and two
// claimers moving their rows to 'claimed' then deadlock on each other's gaps. A deadlock that
// still happens is retried. The same statement asks whether any lease has expired (an EXISTS on
// tips_lease), so a claim is START, one SELECT, UPDATE, INSERT event, COMMIT.
// On SQLite transactions are serialised in-process.
import { QueryTypes, type Transaction } from 'sequelize';
import { withDeadlockRetry } from '../db/deadlock.js';
import { sqlDate, type Database } from '../db/index.js';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { ApplyDeps } from './apply.js';
import { applyTransition } from './apply.js';
import type { TipRow } from './models.js';
import { assertCan, can, tipListFilter } from './policy.js';
import { transition } from './rules/state-machine.js';
import { scopeOf, snapshotOf, sqlForListFilter } from './scope.js';
import { tipNotFound } from './service.js';
import type { TipListFilter } from './policy.js';

export interface QueueDeps extends ApplyDeps {
  db: Database;
  leaseMinutes: number;
}

const outranks = (a: TipRow, b: TipRow) =>
  a.colourRank - b.colourRank || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

/**
 * The oldest highest-ranked received tip in scope, locked (SKIP LOCKED on MariaDB), and whether
 * any claimed tip in scope has an expired lease — in one statement: expired leases are rare, and
 * the EXISTS probe walks tips_lease (state, lease_until, migration 006) without reading a row.
 * Hand-written SQL (placeholders only) returning model instances: the queue is the staff hot path.
 */
async function pick(deps: QueueDeps, filter: Exclude<TipListFilter, { none: true }>, now: Date, t: Transaction): Promise<TipRow | null> {
  const { Tip } = deps.repo.models;
  const qi = deps.db.sequelize.getQueryInterface();
  const q = (name: string) => qi.quoteIdentifier(name);
  const scopeOf = (alias: string) => sqlForListFilter(filter, alias, q)!;
  const lock = deps.db.dialect === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
  const order = (a: string) => `ORDER BY ${q(a)}.${q('colour_rank')}, ${q(a)}.${q('created_at')}, ${q(a)}.${q('id')} LIMIT 1`;
  const expiredIn = (a: string) => `${q(a)}.${q('state')} = ? AND ${q(a)}.${q('lease_until')} < ? AND ${scopeOf(a).sql}`;
  const expiredValues = (a: string) => ['claimed', sqlDate(deps.db.dialect, now), ...scopeOf(a).replacements];
  const run = (sql: string, replacements: unknown[]) =>
    deps.db.sequelize.query<TipRow>(sql, { replacements, model: Tip, mapToModel: true, transaction: t });

  const [fresh] = await run(
    `SELECT ${q('t')}.*, EXISTS (SELECT 1 FROM ${q('tips')} ${q('x')} WHERE ${expiredIn('x')}) AS ${q(EXPIRED_FLAG)}
     FROM ${q('tips')} ${q('t')} WHERE ${q('t')}.${q('state')} = ? AND ${scopeOf('t').sql} ${order('t')}${lock}`,
    [...expiredValues('x'), 'received', ...scopeOf('t').replacements],
  );
  let anyExpired: boolean;
  if (fresh) {
    // Not a column of the model: read it and take it off the instance.
    const values = fresh.dataValues as Record<string, unknown>;
    anyExpired = Number(values[EXPIRED_FLAG]) === 1;
    delete values[EXPIRED_FLAG];
  } else {
    const probe = await deps.db.sequelize.query(
      `SELECT 1 AS ${q('hit')} FROM ${q('tips')} ${q('x')} WHERE ${expiredIn('x')} LIMIT 1`,
      { replacements: expiredValues('x'), type: QueryTypes.SELECT, transaction: t },
    );
    anyExpired = probe.length > 0;
  }
  if (!anyExpired) return fresh ?? null;
  const [expired] = await run(
    `SELECT ${q('t')}.* FROM ${q('tips')} ${q('t')} WHERE ${expiredIn('t')} ${order('t')}${lock}`,
    expiredValues('t'),
  );
  if (!expired) return fresh ?? null;
  if (!fresh) return expired;
  return outranks(expired, fresh) < 0 ? expired : fresh;
}

const EXPIRED_FLAG = 'lease_expired_waiting';

/** The claimed tip, or null when nothing in the actor's scope is waiting. */
export async function claimNext(deps: QueueDeps, actor: StaffPrincipal): Promise<TipRow | null> {
  assertCan(actor, 'tip.claim');
  const filter = tipListFilter(actor);
  if ('none' in filter) return null;
  // MariaDB connections run READ COMMITTED already (src/db/index.ts): no SET per claim.
  const inTransaction = <T>(fn: (t: Transaction) => Promise<T>): Promise<T> => deps.db.transaction(fn);
  return withDeadlockRetry(() => inTransaction(async (t) => {
    const now = new Date();
    const tip = await pick(deps, filter, now, t);
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

/**
 * Claims one tip by its tracking code, under the same lease as claimNext. Only a `received` tip
 * can be claimed (the state machine refuses any other with 409); a tip the actor may not see is
 * "not found", as everywhere else.
 */
export async function claimByCode(deps: QueueDeps, actor: StaffPrincipal, code: string): Promise<TipRow> {
  assertCan(actor, 'tip.claim');
  return withDeadlockRetry(() => deps.db.transaction(async (t) => {
    const tip = await deps.repo.findByCode(code, t, true);
    if (!tip || !can(actor, 'tip.view', scopeOf(tip))) throw tipNotFound();
    assertCan(actor, 'tip.claim', scopeOf(tip));
    const now = new Date();
    // Asked first: a tip in any other state is refused before the row is touched.
    const result = transition(snapshotOf(tip), 'claim', {}, now);
    tip.claimedBy = actor.id;
    tip.leaseUntil = new Date(now.getTime() + deps.leaseMinutes * 60_000);
    await applyTransition(deps, tip, result, { type: 'staff', id: actor.id, name: actor.displayName }, t, {
      notice: 'none', eventType: 'claimed', data: { leaseUntil: tip.leaseUntil.toISOString() },
    });
    return tip;
  }));
}

