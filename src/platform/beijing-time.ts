// Beijing time (Asia/Shanghai) done with a fixed +8h offset: the calendar (days, deadlines, the
// quota's day) and how times read to citizens and staff. China has had no DST since 1991, so the
// offset is exact, and the result does not depend on the host's TZ (servers and CI often run in
// UTC, where "today" starts at 08:00 Beijing time). Every +8h in the code is here.

const OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since 1970-01-01 on the Shanghai calendar: the unit every deadline counts in. */
export function shanghaiDay(date: Date): number {
  return Math.floor((date.getTime() + OFFSET_MS) / DAY_MS);
}

/** The first millisecond of a Shanghai day, as an instant. */
export function startOfShanghaiDay(day: number): Date {
  return new Date(day * DAY_MS - OFFSET_MS);
}

/** The last millisecond of a Shanghai day: deadlines run to the end of their last day. */
export function endOfShanghaiDay(day: number): Date {
  return new Date((day + 1) * DAY_MS - OFFSET_MS - 1);
}

/** YYYY-MM-DD of a Shanghai day number. */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Shanghai day number of a YYYY-MM-DD key; NaN when the key is not a real date. */
export function dayFromKey(key: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return Number.NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 02-30 over to 03-02; a round trip catches it.
  return new Date(ms).toISOString().slice(0, 10) === key ? ms / DAY_MS : Number.NaN;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function shanghaiDayKey(date: Date): string {
  return dayKey(shanghaiDay(date));
}

/** "2025年10月10日", for messages to citizens. */
export function formatShanghaiDate(date: Date): string {
  const [y, m, d] = shanghaiDayKey(date).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** "12月6日", for the steps of a tip the citizen reads (the year is plain from context). */
export function formatShanghaiMonthDay(date: Date): string {
  const [, m, d] = shanghaiDayKey(date).split('-');
  return `${Number(m)}月${Number(d)}日`;
}

const two = (n: number) => String(n).padStart(2, '0');
/** The instant moved by +8h: its UTC fields read as Beijing's wall clock. */
const wall = (date: Date) => new Date(date.getTime() + OFFSET_MS);

/** A `datetime-local` value (YYYY-MM-DDTHH:mm) in Beijing time. */
export function beijingLocal(date: Date): string {
  return wall(date).toISOString().slice(0, 16);
}

/** A `datetime-local` value read as Beijing time, or undefined when it is not one. */
export function fromBeijingLocal(v: string | undefined): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec((v ?? '').trim());
  if (!m) return undefined;
  const day = dayFromKey(m[1]!);
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (Number.isNaN(day) || hours > 23 || minutes > 59) return undefined;
  return new Date(startOfShanghaiDay(day).getTime() + (hours * 60 + minutes) * 60_000);
}

/** "2026-03-05 14:07", for tables and exports. */
export function formatBeijingMinute(date: Date): string {
  return beijingLocal(date).replace('T', ' ');
}

/** "2026年12月6日 18:30", for messages. */
export function formatBeijingDateTime(date: Date): string {
  const b = wall(date);
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${two(b.getUTCHours())}:${two(b.getUTCMinutes())}`;
}

/** "18:30:05": a time later today. */
export function formatBeijingClock(date: Date): string {
  const b = wall(date);
  return `${two(b.getUTCHours())}:${two(b.getUTCMinutes())}:${two(b.getUTCSeconds())}`;
}
