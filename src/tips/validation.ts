// Input of the staff API. Every body is `.strict()`: an unknown field is refused, not ignored,
// so a typo ("colur") fails loudly instead of silently doing nothing. Messages are Chinese
// and per field, for the staff pages to show next to the input.
import { z, ZodIssueCode, type ZodErrorMap, type ZodTypeAny } from 'zod';
import { AppError } from '../platform/errors.js';
import { cleanInputValue } from '../platform/input-text.js';
import { CATEGORY_KEYS, COLOURS, LEGAL_TYPES, RATINGS, TIP_STATES } from './types.js';
import { dayFromKey } from '../platform/beijing-time.js';
import { MAX_EXTENSION_DAYS } from './rules/limits.js';

const chinese: ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case ZodIssueCode.invalid_type:
      return { message: issue.received === 'undefined' ? '必填' : '类型不正确' };
    case ZodIssueCode.unrecognized_keys:
      return { message: `不允许的字段：${issue.keys.join('、')}` };
    case ZodIssueCode.invalid_enum_value:
      return { message: `取值应为：${issue.options.join('、')}` };
    case ZodIssueCode.too_small:
      return { message: issue.type === 'string' ? (issue.minimum === 1 ? '不能为空' : `至少${String(issue.minimum)}个字符`) : `不能小于${String(issue.minimum)}` };
    case ZodIssueCode.too_big:
      return { message: issue.type === 'string' ? `不能超过${String(issue.maximum)}个字符` : `不能大于${String(issue.maximum)}` };
    default:
      return { message: ctx.defaultError };
  }
};

/**
 * The staff API's edge: every string of a body, query or path parameter is cleaned first
 * (src/platform/input-text.ts: NFKC, no control or bidi characters; invalid UTF-16 is 400
 * TEXT_INVALID), then checked against the schema.
 */
export function parseInput<S extends ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(cleanInputValue(value), { errorMap: chinese });
  if (result.success) return result.data as z.infer<S>;
  const fields = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  throw new AppError('VALIDATION_FAILED', 400, '输入有误，请检查后重试', { fields });
}

const text = (max: number) => z.string().trim().min(1).max(max);
const code = z.string().trim().regex(/^SM\d{6}[A-Z0-9]{6}$/, '编号格式不正确');
const flag = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const loginSchema = z.object({ username: text(64), password: z.string().min(1).max(200) }).strict();

/** A Beijing-time calendar day as YYYY-MM-DD (the queue's date filters). */
const dayParam = z.string().trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应写成“年-月-日”，例如 2026-03-01')
  .refine((k) => !Number.isNaN(dayFromKey(k)), { message: '没有这一天，请检查日期' });
const unitKeyParam = z.string().trim().regex(/^[a-z0-9_]{1,32}$/, '单位代码不正确');

/** Which date `from`/`to` apply to: received (default), finished (答复 or 办结), rated, or the `action`'s event. */
export const DATE_FIELDS = ['received', 'finished', 'rated', 'action'] as const;
export type DateField = (typeof DATE_FIELDS)[number];
/**
 * Tips with an event of this kind: `assign` = 交办 (first assignment or 改派, by anyone);
 * `supervise` = any 督办 action, i.e. by a supervisor or admin account: `raise` (colour raised),
 * `reassign` (改派 of a tip already with a unit), `extend` (延期).
 */
export const ACTION_FILTERS = ['assign', 'supervise', 'raise', 'reassign', 'extend'] as const;
export type ActionFilter = (typeof ACTION_FILTERS)[number];

/**
 * The queue's filters without their combination rules (export.ts extends it). Every filter has
 * one meaning wherever it is used: the list, the export and the dashboard's counts
 * (`queueFilterWhere` in reads.ts).
 */
export const queueFilterObject = z.object({
  state: z.enum(TIP_STATES).optional(),
  colour: z.enum(COLOURS).optional(),
  category: z.enum(CATEGORY_KEYS).optional(),
  /** A county's division code (happened or handled there), or `none`: no place and no handler county. */
  county: z.string().regex(/^(\d{6}|none)$/, '县（市、区）代码应为6位数字').optional(),
  overdue: flag.optional(),
  /** The citizen added to it (补充) what whoever handles it has not opened since. */
  added: flag.optional(),
  dueWithinDays: z.string().trim().regex(/^\d{1,2}$/, '天数应为1到30的整数').transform(Number)
    .refine((n) => n >= 1 && n <= 30, { message: '天数应为1到30的整数' }).optional(),
  legalType: z.enum(LEGAL_TYPES).optional(),
  /** A rating, or `any`: rated at all. */
  rating: z.enum([...RATINGS, 'any']).optional(),
  /** Finished (答复 or concluded) on time / after the conclusion deadline. */
  finished: z.enum(['ontime', 'late']).optional(),
  unit: unitKeyParam.optional(),
  accused: unitKeyParam.optional(),
  action: z.enum(ACTION_FILTERS).optional(),
  from: dayParam.optional(),
  to: dayParam.optional(),
  date: z.enum(DATE_FIELDS).optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
}).strict();

type FilterCombination = Partial<Pick<z.infer<typeof queueFilterObject>, 'from' | 'to' | 'date' | 'action'>>;

/** The rules across fields, for the list and the export alike. */
export function checkFilterCombination(v: FilterCombination, ctx: z.RefinementCtx): void {
  if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: ZodIssueCode.custom, path: ['to'], message: '结束日期不能早于开始日期' });
  if (v.date && !v.from && !v.to) ctx.addIssue({ code: ZodIssueCode.custom, path: ['date'], message: '按日期筛选时，请填写开始日期或结束日期' });
  if (v.date === 'action' && !v.action) ctx.addIssue({ code: ZodIssueCode.custom, path: ['action'], message: '按办理操作的日期筛选时，请选择是哪种操作' });
}

export const listQuerySchema = queueFilterObject.superRefine(checkFilterCombination);
export type ListQuery = z.infer<typeof listQuerySchema>;
/** The filters alone (no search, no paging): what the dashboard's links and the export pass. */
export type QueueFilter = Omit<ListQuery, 'q' | 'page' | 'pageSize'>;

/**
 * A filter as the queue's URL parameters, in the schema's order: what `listQuerySchema` parses
 * back to the same filter (booleans as true/false, numbers as digits).
 */
export function queueFilterParams(f: QueueFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(queueFilterObject.shape) as Array<keyof typeof queueFilterObject.shape>) {
    if (key === 'q' || key === 'page' || key === 'pageSize') continue;
    const v = f[key];
    if (v !== undefined) out[key] = String(v);
  }
  return out;
}

/**
 * `identity=1` asks for the reporter's identity, and only with `reason`: why, kept with the logged
 * view, as the console requires (Art 46: every view is logged, and accounted for).
 */
export const detailQuerySchema = z.object({ identity: flag.optional(), reason: text(500).optional() }).strict()
  .refine((q) => q.identity !== true || q.reason !== undefined, { path: ['reason'], message: '查看举报人身份，请写明原因（reason）' });

export const emptySchema = z.object({}).strict();

export const assignSchema = z.object({
  unitKey: z.string().trim().min(1).max(32).optional(),
  countyCode: z.string().regex(/^\d{6}$/, '县（市、区）代码应为6位数字').optional(),
  townshipCode: z.string().regex(/^\d{9}$/, '乡镇代码应为9位数字').optional(),
  accusedUnitKey: z.string().trim().min(1).max(32).optional(),
  reason: text(500).optional(),
}).strict().refine((v) => v.unitKey || v.countyCode || v.townshipCode, { message: '请选择交办单位', path: ['unitKey'] });
export type AssignInput = z.infer<typeof assignSchema>;

export const unitsQuerySchema = z.object({
  q: z.string().trim().max(50).optional(),
  kind: z.enum(['city', 'department', 'county', 'township']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
}).strict();

export const colourSchema = z.object({ colour: z.enum(COLOURS), reason: text(255) }).strict();
export const answerSchema = z.object({ answer: text(5000) }).strict();
export const extendSchema = z.object({ days: z.number().int().min(1).max(MAX_EXTENSION_DAYS), reason: text(500) }).strict();
export const reasonSchema = z.object({ reason: text(500) }).strict();
export const optionalReasonSchema = z.object({ reason: text(500).optional() }).strict();
export const duplicateSchema = z.object({ of: code, reason: text(500).optional() }).strict();
export const codeParam = code;
