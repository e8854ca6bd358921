// Input of the staff API. Every body is `.strict()`: an unknown field is refused, not ignored,
// so a typo ("colur") fails loudly instead of silently doing nothing. Messages are Chinese
// and per field, for the staff pages to show next to the input.
import { z, ZodIssueCode, type ZodErrorMap, type ZodTypeAny } from 'zod';
import { AppError } from '../platform/errors.js';
import { cleanInputValue } from '../platform/input-text.js';
import { CATEGORY_KEYS, COLOURS, TIP_STATES } from './types.js';
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

export const listQuerySchema = z.object({
  state: z.enum(TIP_STATES).optional(),
  colour: z.enum(COLOURS).optional(),
  category: z.enum(CATEGORY_KEYS).optional(),
  county: z.string().regex(/^\d{6}$/, '县（市、区）代码应为6位数字').optional(),
  overdue: flag.optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
}).strict();
export type ListQuery = z.infer<typeof listQuerySchema>;

export const detailQuerySchema = z.object({ identity: flag.optional() }).strict();

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
