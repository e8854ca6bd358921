// Staff-room announcements: what is said (code, colour, category, county, never the reporter)
// and how often (a due-soon tip once per Shanghai day, so an hourly check does not spam the room).
import type { TipAnnouncement } from '../ports.js';
import { CATEGORIES, COLOUR_LABELS } from '../../tips/types.js';
import { formatShanghaiDate, shanghaiDayKey } from '../../platform/beijing-time.js';

function categoryName(key: TipAnnouncement['category']): string {
  return CATEGORIES.find((c) => c.key === key)?.name ?? key;
}

function shanghaiTime(date: Date): string {
  const hhmm = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(date);
  return `${formatShanghaiDate(date)} ${hhmm}`;
}

const HEADS: Record<TipAnnouncement['kind'], string> = {
  new_red: '【新红色线索】',
  assigned: '【新交办事项】',
  due_soon: '【线索即将超期】',
};

const CALLS: Record<TipAnnouncement['kind'], string> = {
  new_red: '请立即登录工作台受理。',
  assigned: '请承办单位登录工作台查看并开始办理。',
  due_soon: '请抓紧办理，避免超期。',
};

export function formatAnnouncement(a: TipAnnouncement): string {
  const head = HEADS[a.kind];
  const lines = [
    `${head}编号：${a.code}`,
    `等级：${COLOUR_LABELS[a.colour]}`,
    `类别：${categoryName(a.category)}`,
    `县（市、区）：${a.countyName ?? '未确定'}`,
  ];
  if (a.kind === 'assigned') lines.push(`交办单位：${a.unitName ?? '未确定'}`);
  if (a.dueAt) lines.push(`办理时限：${shanghaiTime(a.dueAt)}`);
  lines.push(CALLS[a.kind]);
  return lines.join('\n');
}

/** Remembers which codes were announced on which Shanghai day. */
export class DailyOnce {
  private readonly seen = new Map<string, string>();

  has(code: string, now: Date): boolean {
    return this.seen.get(code) === shanghaiDayKey(now);
  }

  mark(code: string, now: Date): void {
    const today = shanghaiDayKey(now);
    // Entries from earlier days are dead weight: drop them as the day turns.
    for (const [k, day] of this.seen) if (day !== today) this.seen.delete(k);
    this.seen.set(code, today);
  }
}
