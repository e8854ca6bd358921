// Shared by the rule tests: instants written as Beijing wall-clock time, and the real table.
import { readFileSync } from 'node:fs';
import { parseHolidayTable, type HolidayTable } from '../../../src/tips/rules/working-days.js';

/** '2025-10-01', '2025-10-01T10:00' or '…T23:59:59.999' → that instant in Asia/Shanghai (a bare date is noon). */
export const sh = (local: string): Date => {
  const full = local.length === 10 ? `${local}T12:00:00` : local.length === 16 ? `${local}:00` : local;
  return new Date(`${full}+08:00`);
};

export const holidays: HolidayTable = parseHolidayTable(
  JSON.parse(readFileSync(new URL('../../../config/holidays.json', import.meta.url), 'utf8')),
);
