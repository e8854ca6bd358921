// Adapters from a stored tip to the pure modules' inputs (policy scope, state-machine
// snapshot), and the policy's list filter as a Sequelize WHERE.
import { Op, type WhereOptions } from 'sequelize';
import type { TipRow } from './models.js';
import type { TipScope, TipListFilter } from './policy.js';
import type { TipSnapshot } from './rules/state-machine.js';
import type { Category, LegalType, TipState } from './types.js';

/** Geography for access is where the tip is being handled, not where it happened. */
export function scopeOf(tip: TipRow): TipScope {
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
    reviewCount: tip.reviewCount,
  };
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
