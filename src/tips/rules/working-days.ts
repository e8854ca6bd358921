// Working days follow the State Council's yearly holiday notice: public holidays are days
// off even on weekdays, and 调休 make-up days are workdays even on weekends. The table is
// data (config/holidays.json) handed in by the caller; nothing here reads files.
//
// Past the table's last year the notice is not known yet, but the law is: 全国年节及纪念日放假办法
// (as amended in 2024, in force 1 January 2025) fixes 元旦 on 1 January, 劳动节 on 1–2 May and
// 国庆节 on 1–3 October, so those are days off in any later year. The lunar holidays (春节, 端午,
// 中秋), 清明 and the year's 调休 come only from the notice: until the table lists the year, a
// working-day count there is an estimate (callers warn with holidayTableCovers).
import { z } from 'zod';
import { dayFromKey, dayKey, endOfShanghaiDay, shanghaiDay, weekday } from '../../platform/beijing-time.js';

export interface HolidayTable {
  /** Days off, YYYY-MM-DD. */
  holidays: string[];
  /** Weekend days that are workdays (调休), YYYY-MM-DD. */
  makeupWorkdays: string[];
}

const dateKey = z.string().refine((s) => !Number.isNaN(dayFromKey(s)), { message: '日期格式应为 YYYY-MM-DD' });

const holidayTableSchema = z.object({
  holidays: z.array(dateKey),
  makeupWorkdays: z.array(dateKey),
}).refine((t) => !t.holidays.some((d) => t.makeupWorkdays.includes(d)), {
  message: '同一天不能既是假日又是调休上班日',
});

/** Validates a parsed holidays.json (for the config loader); throws a ZodError when malformed. */
export function parseHolidayTable(input: unknown): HolidayTable {
  return holidayTableSchema.parse(input);
}

/** Month-day keys of the holidays fixed by date in 全国年节及纪念日放假办法, in force from 2025. */
const STATUTORY_FIXED_DAYS_OFF: ReadonlySet<string> = new Set(['01-01', '05-01', '05-02', '10-01', '10-02', '10-03']);
const STATUTORY_FIXED_FROM_YEAR = 2025;

interface DaySets {
  off: Set<string>;
  on: Set<string>;
  /**
   * The last year the table lists any day of. An empty table (Infinity) states no holidays at
   * all: only weekends are off.
   */
  lastYear: number;
}
// Tables are loaded once and reused for every tip, so the sets are built once per table.
const cache = new WeakMap<HolidayTable, DaySets>();

function sets(table: HolidayTable): DaySets {
  let s = cache.get(table);
  if (!s) {
    const years = [...table.holidays, ...table.makeupWorkdays].map((d) => Number(d.slice(0, 4)));
    s = { off: new Set(table.holidays), on: new Set(table.makeupWorkdays), lastYear: years.length ? Math.max(...years) : Infinity };
    cache.set(table, s);
  }
  return s;
}

/** Whether a Shanghai day number is a working day. */
export function isWorkingDayNumber(day: number, table: HolidayTable): boolean {
  const key = dayKey(day);
  const { off, on, lastYear } = sets(table);
  if (on.has(key)) return true;
  if (off.has(key)) return false;
  const year = Number(key.slice(0, 4));
  if (year > lastYear && year >= STATUTORY_FIXED_FROM_YEAR && STATUTORY_FIXED_DAYS_OFF.has(key.slice(5))) return false;
  const wd = weekday(day);
  return wd !== 0 && wd !== 6;
}

/** Whether the Shanghai calendar day containing `date` is a working day. */
export function isWorkingDay(date: Date, table: HolidayTable): boolean {
  return isWorkingDayNumber(shanghaiDay(date), table);
}

/**
 * Whether the table lists anything for the year of `date`. Past its last year only weekends
 * and the date-fixed statutory holidays count as days off, which misses 春节, 清明, 端午, 中秋
 * and every 调休: callers should warn when this is false.
 */
export function holidayTableCovers(table: HolidayTable, date: Date): boolean {
  const year = dayKey(shanghaiDay(date)).slice(0, 4);
  return [...table.holidays, ...table.makeupWorkdays].some((d) => d.startsWith(year));
}

/**
 * The end (23:59:59.999 Shanghai) of the n-th working day after the day of `date`; the day
 * itself is not counted, as in 民法典 Art 201. n = 0 gives the end of that day if it is a
 * working day, else of the next working day.
 */
export function addWorkingDays(date: Date, n: number, table: HolidayTable): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let day = shanghaiDay(date);
  if (n === 0) return endOfShanghaiDay(firstWorkingDayFrom(day, table));
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDayNumber(day, table)) left -= 1;
  }
  return endOfShanghaiDay(day);
}

/** The first working day on or after `day` (Shanghai day numbers). */
export function firstWorkingDayFrom(day: number, table: HolidayTable): number {
  let d = day;
  // A year has no run of days off longer than a few weeks; the bound only guards bad data.
  for (let i = 0; i < 366; i += 1, d += 1) {
    if (isWorkingDayNumber(d, table)) return d;
  }
  throw new RangeError('holiday table has no working day within a year');
}
