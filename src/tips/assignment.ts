// Where an assignment goes: a department by unit key, or a county / township by code (a
// county's or township's unit key is its code). 检举控告 never goes to the unit it names, nor to
// a county or township without saying which unit it names (Art 30).
import { AppError } from '../platform/errors.js';
import { isSensitiveTip } from './policy.js';
import type { TipRepository, TipRow } from './repository.js';
import type { AssignInput } from './validation.js';
import type { Category, LegalType } from './types.js';

export interface AssignmentTarget {
  unitKey: string;
  countyCode: string | null;
  townshipCode: string | null;
  accusedUnitKey: string | null;
}

/** Says where the valid codes are: the units list (GET /api/staff/units?q=名称). */
export const UNKNOWN_UNIT = '单位不存在：请用单位代码（如三元区为 350404），可在单位列表 GET /api/staff/units?q=三元 查到';

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', 400, '输入有误，请检查后重试', { fields: [{ path, message }] });

export async function resolveAssignment(repo: TipRepository, tip: TipRow, input: AssignInput): Promise<AssignmentTarget> {
  const key = input.townshipCode ?? input.countyCode ?? input.unitKey ?? '';
  const path = input.townshipCode ? 'townshipCode' : input.countyCode ? 'countyCode' : 'unitKey';
  const unit = await repo.unit(key);
  if (!unit) throw invalid(path, UNKNOWN_UNIT);
  if (input.townshipCode && unit.kind !== 'township') throw invalid(path, '不是乡镇（街道）代码');
  if (input.countyCode && !input.townshipCode && unit.kind !== 'county') throw invalid(path, '不是县（市、区）代码');
  if (input.townshipCode && input.countyCode && unit.countyCode !== input.countyCode) throw invalid('townshipCode', '乡镇不属于该县（市、区）');

  let accused = tip.accusedUnitKey;
  if (input.accusedUnitKey) {
    if (!(await repo.unit(input.accusedUnitKey))) throw invalid('accusedUnitKey', UNKNOWN_UNIT);
    accused = input.accusedUnitKey;
  }
  const sensitive = isSensitiveTip({ legalType: tip.legalType as LegalType, category: tip.category as Category });
  if (accused && (unit.key === accused || unit.parentKey === accused)) {
    throw new AppError('TIP_ASSIGN_TO_ACCUSED', 409, '不得将事项交由被反映的单位办理');
  }
  // 检举控告 assigned to a county or township reaches only that place's discipline officers:
  // the policy hides it from everyone else there. Naming the accused unit is still required.
  if (sensitive && !accused && (unit.kind === 'county' || unit.kind === 'township')) {
    throw new AppError('TIP_ACCUSED_UNIT_REQUIRED', 409, '检举控告类事项交办到县、乡前须注明被反映单位');
  }
  return {
    unitKey: unit.key,
    countyCode: unit.kind === 'county' || unit.kind === 'township' ? unit.countyCode : null,
    townshipCode: unit.kind === 'township' ? unit.townshipCode : null,
    accusedUnitKey: accused,
  };
}
