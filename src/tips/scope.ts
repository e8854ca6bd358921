// Adapters from a stored tip to the pure modules' inputs (policy scope, state-machine
// snapshot), the policy's list filter as a Sequelize WHERE, and who handles a tip now.
import { Op, type WhereOptions } from 'sequelize';
import type { TipRow } from './models.js';
import type { TipScope, TipListFilter } from './policy.js';
import type { TipSnapshot } from './rules/state-machine.js';
import type { Category, LegalType, TipState } from './types.js';

/** Geography for access is where the tip is being handled, not where it happened. */
export function scopeOf(tip: Pick<TipRow, 'handlerCountyCode' | 'handlerTownshipCode' | 'legalType' | 'category' | 'unitKey' | 'accusedUnitKey'>): TipScope {
  return {
    countyCode: tip.handlerCountyCode,
    townshipCode: tip.handlerTownshipCode,
    legalType: tip.legalType as LegalType,
    category: tip.category as Category,
    handlingUnitKey: tip.unitKey,
    accusedUnitKey: tip.accusedUnitKey,
  };
}

export function snapshotOf(tip: TipRow): TipSnapshot {
  return {
    id: tip.code,
    state: tip.state as TipState,
    extendedOnce: tip.extensionDays > 0,
    answeredAt: tip.answeredAt,
    answerPublicAt: tip.answerPublicAt,
    reviewCount: tip.reviewCount,
  };
}

/**
 * Who handles a tip now, for what the citizen added to it (补充): the handling unit once it is
 * assigned, before that the staff member who claimed it. `handles` for one tip, `handledBy` as a
 * WHERE for the tips a member handles: the same rule.
 */
export interface Handler { id: number; unitKey: string | null }

export function handles(actor: Handler, tip: Pick<TipRow, 'unitKey' | 'claimedBy'>): boolean {
  return tip.unitKey !== null ? actor.unitKey === tip.unitKey : tip.claimedBy === actor.id;
}

export function handledBy(actor: Handler): WhereOptions<TipRow> {
  const claimed: WhereOptions<TipRow> = { unitKey: null, claimedBy: actor.id };
  return actor.unitKey ? { [Op.or]: [{ unitKey: actor.unitKey }, claimed] } : claimed;
}

/** Every clause of the policy's filter applied; `null` means the actor sees no tips at all. */
export function whereForListFilter(filter: TipListFilter): WhereOptions<TipRow> | null {
  if ('none' in filter) return null;
  const and: Array<WhereOptions<TipRow>> = [];
  if ('countyCode' in filter) and.push({ handlerCountyCode: filter.countyCode });
  if ('townshipCode' in filter) and.push({ handlerTownshipCode: filter.townshipCode });
  if (filter.excludeSensitive) {
    and.push({ legalType: { [Op.ne]: 'accusation' } }, { category: { [Op.ne]: 'report' } });
  }
  if (filter.excludeAccusedUnitKey !== null) {
    and.push({ [Op.or]: [{ accusedUnitKey: null }, { accusedUnitKey: { [Op.ne]: filter.excludeAccusedUnitKey } }] });
  }
  return { [Op.and]: and };
}

/** A WHERE fragment with `?` placeholders and its values, in order. */
export interface SqlCondition {
  sql: string;
  replacements: Array<string | number>;
}

/**
 * The same filter as whereForListFilter, as a raw condition on the tips table under `alias`
 * (for the queue's hand-written SELECT … FOR UPDATE SKIP LOCKED). `null`: the actor sees no tips.
 * `quote` quotes an identifier for the dialect; values only ever travel as replacements.
 */
export function sqlForListFilter(filter: TipListFilter, alias: string, quote: (name: string) => string): SqlCondition | null {
  if ('none' in filter) return null;
  const c = (column: string) => `${quote(alias)}.${quote(column)}`;
  const parts: string[] = [];
  const replacements: Array<string | number> = [];
  if ('countyCode' in filter) { parts.push(`${c('handler_county_code')} = ?`); replacements.push(filter.countyCode); }
  if ('townshipCode' in filter) { parts.push(`${c('handler_township_code')} = ?`); replacements.push(filter.townshipCode); }
  if (filter.excludeSensitive) {
    parts.push(`${c('legal_type')} <> ?`, `${c('category')} <> ?`);
    replacements.push('accusation', 'report');
  }
  if (filter.excludeAccusedUnitKey !== null) {
    parts.push(`(${c('accused_unit_key')} IS NULL OR ${c('accused_unit_key')} <> ?)`);
    replacements.push(filter.excludeAccusedUnitKey);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', replacements };
}
