// Input of the article APIs, strict like the rest of the staff API (an unknown field is refused).
import { z } from 'zod';
import { isSitePath } from './render.js';
import { isSlug } from './rules.js';
import { MAX_QUERY_CHARS } from './search.js';
import { ARTICLE_STATES } from './types.js';

const text = (max: number) => z.string().trim().min(1).max(max);
/** A cover address: a path of this site (an uploaded image, isSiteAddress); anything else is refused. */
export const coverUrl = z.string().trim().max(1000).refine(isSitePath, '封面图片请先上传到本站，再填它在本站的地址（以 / 开头）');

export const articleContentSchema = z.object({
  title: text(200),
  summary: text(500),
  body: z.string().min(1).max(200_000),
  tags: z.array(text(30)).max(20).default([]),
  author: text(100),
  cover: coverUrl.nullable().optional(),
  /** The revision the editor started from: refused when someone saved since (409 ARTICLE_STALE). */
  baseRevision: z.number().int().positive().optional(),
}).strict();

export const newArticleSchema = articleContentSchema.extend({
  slug: z.string().trim().refine(isSlug, '网址名只能用小写字母、数字和连字符（-），最多120个字符'),
}).strict();

export const scheduleSchema = z.object({ at: z.string().datetime({ offset: true }).nullable() }).strict();
export const emptySchema = z.object({}).strict();
export const idParam = z.coerce.number().int().positive();
export const staffListQuery = z.object({ state: z.enum(ARTICLE_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }).strict();

/**
 * The public list's query. Other parameters are dropped, not refused: WeChat adds its own
 * (`?from=singlemessage`) to the links citizens share. Search words past what the search reads
 * (MAX_QUERY_CHARS) are cut, not refused, so the chat's link to more results always opens.
 */
export const publicListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  tag: z.string().trim().min(1).max(30).optional(),
  /** Search words (see search.ts); blank means no search. */
  q: z.string().optional().transform((v) => Array.from(v?.trim() ?? '').slice(0, MAX_QUERY_CHARS).join('').trim() || undefined),
});
export const slugParam = z.string().refine(isSlug);
