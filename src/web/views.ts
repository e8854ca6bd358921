// Server-rendered HTML through Nunjucks (the engine of the GOV.UK design system), autoescaping
// everything: a value reaches a page as text unless a template says otherwise, and ours never do.
// Templates load from the web base's folder (layout, components) and each module's own folder.
import nunjucks from 'nunjucks';
import type { Assets } from './assets.js';

export interface Views {
  render(template: string, data: Record<string, unknown>): string;
}

const SHANGHAI = 'Asia/Shanghai';
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: SHANGHAI, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: SHANGHAI, year: 'numeric', month: '2-digit', day: '2-digit' });

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** 2026-12-06 15:30, Beijing time. */
export function formatDateTime(v: unknown): string {
  const d = asDate(v);
  return d ? dateTimeFormat.format(d).replace(/\//g, '-') : '';
}

export function formatDate(v: unknown): string {
  const d = asDate(v);
  return d ? dateFormat.format(d).replace(/\//g, '-') : '';
}

/** A length of time as staff say it: 3天5小时, 5小时20分, 12分钟. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days}天${hours}小时` : `${days}天`;
  if (hours > 0) return `${hours}小时${minutes % 60}分`;
  return `${minutes}分钟`;
}

export function createViews(opts: { dirs: readonly string[]; assets: Assets; watch?: boolean }): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([...opts.dirs], { noCache: Boolean(opts.watch) }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addGlobal('asset', (name: string) => opts.assets.url(name));
  env.addFilter('datetime', formatDateTime);
  env.addFilter('date', formatDate);
  env.addFilter('duration', (ms: unknown) => (typeof ms === 'number' ? formatDuration(ms) : ''));
  return {
    render: (template, data) => env.render(template, data),
  };
}
