// Input of the alert APIs, strict like the rest of the staff API (an unknown field is refused).
// The county list is Sanming's (content/sanming-divisions.json), handed in by the module.
import { z } from 'zod';
import { ARTICLE_STATES } from '../articles/types.js';
import { dayFromKey, endOfShanghaiDay } from '../platform/beijing-time.js';
import { FRAUD_TYPE_KEYS } from './fraud/index.js';
import { PUSH_CHANNELS } from './push/rules.js';
import { ALERT_SEVERITIES, type AlertContent, type CountyName } from './types.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Valid until: a Beijing calendar day (`2026-05-31`: to the end of that day) or an instant with
 * its offset (`2026-05-31T18:00:00+08:00`).
 */
const validUntil = z.string().trim().transform((v, ctx) => {
  const day = dayFromKey(v);
  if (!Number.isNaN(day)) return endOfShanghaiDay(day);
  if (z.string().datetime({ offset: true }).safeParse(v).success) return new Date(v);
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: '有效期应写成“年-月-日”，例如 2026-05-31' });
  return z.NEVER;
});

/** The alert's fields; `counties` are checked against Sanming's and kept in the divisions' order. */
export function alertContentSchema(counties: readonly CountyName[]) {
  const known = counties.map((c) => c.code);
  return z.object({
    title: text(200),
    summary: text(300),
    fraudType: z.enum(FRAUD_TYPE_KEYS),
    severity: z.enum(ALERT_SEVERITIES),
    /** Empty or absent: all of Sanming. */
    counties: z.array(z.string().trim().refine((c) => known.includes(c), '没有这个县（市、区）代码')).max(known.length).default([])
      .transform((list) => known.filter((c) => list.includes(c))),
    body: z.string().min(1).max(100_000),
    validUntil,
    author: text(100),
    /** The revision the editor started from: refused when someone saved since (409 ALERT_STALE). */
    baseRevision: z.number().int().positive().optional(),
  }).strict();
}

/** The content part of a parsed body, without the editor's base revision. */
export function contentOf(input: AlertContent & { baseRevision?: number | undefined }): AlertContent {
  const { baseRevision: _base, ...content } = input;
  return content;
}

export const emptySchema = z.object({}).strict();

/**
 * A publication's channels (`custom` 客服消息, `mass` 群发, `template` 模板消息), each once, in
 * their fixed order. Absent: customer-service messages only (no quota, the 48-hour window).
 */
export const publishSchema = z.object({
  channels: z.array(z.enum(PUSH_CHANNELS)).min(1, '请至少选一种发送方式').max(PUSH_CHANNELS.length)
    .transform((list) => PUSH_CHANNELS.filter((c) => list.includes(c)))
    .default(['custom']),
}).strict();
export const idParam = z.coerce.number().int().positive().max(2_147_483_647);
export const staffListQuery = z.object({ state: z.enum(ARTICLE_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }).strict();
export const candidatesQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

/**
 * The public list: a county (unknown or none: every alert) and the page of expired ones. Other
 * parameters are dropped, not refused: WeChat adds its own (`?from=singlemessage`) to shared links.
 */
export function publicListQuery(counties: readonly CountyName[]) {
  const known = counties.map((c) => c.code);
  return z.object({
    county: z.unknown().transform((v) => (typeof v === 'string' && known.includes(v.trim()) ? v.trim() : undefined)),
    page: z.coerce.number().int().min(1).max(10_000).catch(1),
  });
}
