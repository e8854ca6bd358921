// The tips in a staff member's scope as CSV (UTF-8 with a BOM, so Excel opens the Chinese
// correctly): one row per tip, personal data masked the way staffView masks it without a reveal,
// never the reporter's identity (the sealed columns are not even read), and every cell that a
// spreadsheet would take for a formula neutralised. Rows are read in pages by id and written as
// they come, so a large export never holds every tip in memory.
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../db/index.js';
import { formatBeijingMinute } from '../platform/beijing-time.js';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { TipRow } from './models.js';
import { tipListFilter } from './policy.js';
import type { TipRepository } from './repository.js';
import { maskFully, maskPersonalData } from './rules/personal-data.js';
import { whereForListFilter } from './scope.js';
import { FINISHED_STATES, yearRange } from './stats.js';
import {
  COLOUR_LABELS, LEGAL_TYPE_LABELS, RATING_LABELS, STATE_LABELS, categoryInfo, isCategory, isColour, isLegalType, isRating, isTipState,
} from './types.js';
import { checkFilterCombination, queueFilterObject } from './validation.js';
import { queueFilterWhere } from './reads.js';

export interface ExportDeps {
  db: Database;
  repo: TipRepository;
}

/** Which tips, within the actor's scope. The names are the queue's (listQuerySchema) plus `year`. */
export const exportQuerySchema = queueFilterObject.omit({ q: true, page: true, pageSize: true }).extend({
  year: z.string().regex(/^\d{4}$/, '年份应为4位数字').transform(Number).optional(),
}).superRefine(checkFilterCombination);
export type ExportFilter = z.infer<typeof exportQuerySchema>;

/** Rows read per query. */
export const EXPORT_PAGE_SIZE = 500;

/** The columns staff see in the spreadsheet, in order. */
export const EXPORT_HEADER = [
  '受理编号', '收到时间', '交办时间', '答复时间', '办结时间', '办理状态', '风险颜色', '事项类别', '信访类型',
  '事发县（市、区）', '事发乡镇（街道）', '承办单位', '承办县（市、区）', '办理期限', '当前环节期限', '是否超期',
  '群众评价', '事项内容（已隐去个人信息）',
] as const;

// Only what a row needs: no reporter hash, seal, key id, transcript, place text or coordinates.
const ATTRIBUTES = [
  'id', 'code', 'createdAt', 'assignedAt', 'answeredAt', 'concludedAt', 'state', 'colour', 'category', 'legalType',
  'placeCountyCode', 'placeTownshipCode', 'unitKey', 'handlerCountyCode', 'concludeBy', 'dueAt', 'rating', 'description', 'anonymous',
] as const;
type ExportedTip = Pick<TipRow, (typeof ATTRIBUTES)[number]>;

/**
 * A cell as a spreadsheet will read it: a leading = + - @ (or tab / carriage return, which Excel
 * skips before them) would start a formula, so such a cell gets a leading apostrophe; then CSV
 * quoting (RFC 4180) when it holds a comma, quote or line break.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

const FINISHED = new Set<string>(FINISHED_STATES);

/**
 * Late: the current step's deadline has passed, or the handling ended (答复 or concluded) after
 * the conclusion deadline — the same test as the dashboard's annual on-time count.
 */
export function isLate(tip: Pick<TipRow, 'state' | 'dueAt' | 'answeredAt' | 'concludedAt' | 'concludeBy'>, now: Date): boolean {
  if (FINISHED.has(tip.state)) {
    const ended = tip.answeredAt ?? tip.concludedAt;
    return ended !== null && ended.getTime() > tip.concludeBy.getTime();
  }
  return tip.dueAt !== null && tip.dueAt.getTime() < now.getTime();
}

function whereOf(db: Database, actor: StaffPrincipal, f: ExportFilter, now: Date): WhereOptions<TipRow> | null {
  const scope = whereForListFilter(tipListFilter(actor));
  if (!scope) return null;
  const and: Array<WhereOptions<TipRow>> = [scope];
  if (f.year !== undefined) {
    const { start, end } = yearRange(f.year);
    and.push({ createdAt: { [Op.gte]: start, [Op.lt]: end } });
  }
  and.push(...queueFilterWhere(db, f, now));
  return { [Op.and]: and };
}

/**
 * The CSV as text chunks: the BOM and header, then one chunk per page of rows. `onEnd` gets the
 * number of rows written once the last one is out.
 */
export async function* tipsCsv(
  deps: ExportDeps, actor: StaffPrincipal, filter: ExportFilter, opts: { now?: Date; pageSize?: number; onEnd?: (rows: number) => void } = {},
): AsyncGenerator<string> {
  const now = opts.now ?? new Date();
  const pageSize = opts.pageSize ?? EXPORT_PAGE_SIZE;
  // The BOM and header go out with the first page, so a failing first query fails the request.
  let head = `\uFEFF${csvLine(EXPORT_HEADER)}`;
  const where = whereOf(deps.db, actor, filter, now);
  let rows = 0;
  if (where) {
    const units = new Map((await deps.repo.units()).map((u) => [u.key, u.name]));
    const name = (key: string | null) => (key ? units.get(key) ?? key : '');
    let after = 0;
    for (;;) {
      const page = await deps.repo.models.Tip.findAll({
        attributes: [...ATTRIBUTES],
        where: { [Op.and]: [where, { id: { [Op.gt]: after } }] },
        order: [['id', 'ASC']],
        limit: pageSize,
      }) as ExportedTip[];
      if (page.length === 0) break;
      let chunk = head;
      head = '';
      for (const t of page) chunk += csvLine(rowOf(t, name, now));
      rows += page.length;
      after = page[page.length - 1]?.id ?? after;
      yield chunk;
      if (page.length < pageSize) break;
    }
  }
  if (head) yield head;
  opts.onEnd?.(rows);
}


function rowOf(t: ExportedTip, unitName: (key: string | null) => string, now: Date): string[] {
  const when = (d: Date | null) => (d ? formatBeijingMinute(d) : '');
  return [
    t.code,
    when(t.createdAt),
    when(t.assignedAt),
    when(t.answeredAt),
    when(t.concludedAt),
    isTipState(t.state) ? STATE_LABELS[t.state] : t.state,
    isColour(t.colour) ? COLOUR_LABELS[t.colour] : t.colour,
    isCategory(t.category) ? categoryInfo(t.category).name : t.category,
    isLegalType(t.legalType) ? LEGAL_TYPE_LABELS[t.legalType] : t.legalType,
    unitName(t.placeCountyCode),
    unitName(t.placeTownshipCode),
    unitName(t.unitKey),
    unitName(t.handlerCountyCode),
    when(t.concludeBy),
    when(t.dueAt),
    isLate(t, now) ? '是' : '否',
    t.rating && isRating(t.rating) ? RATING_LABELS[t.rating] : '',
    // Stored masked already; masked again as in staffView, which covers any row not yet resealed.
    // An anonymous reporter's text keeps no digit of a mask, as in staffView.
    t.anonymous ? maskFully(t.description) : maskPersonalData(t.description),
  ];
}

/**
 * Answers the request with the CSV as a download, streamed; logs who exported how many rows.
 * The caller has checked the policy for its route.
 */
export async function sendTipsCsv(ctx: Context, deps: ExportDeps, actor: StaffPrincipal, filter: ExportFilter, filename: string): Promise<void> {
  const log = ctx.state.log;
  const chunks = tipsCsv(deps, actor, filter, {
    onEnd: (rows) => log.info({ staffId: actor.id, rows, year: filter.year ?? null }, 'tips exported'),
  });
  // The first chunk (BOM, header, first page) is read here, so a failing query still gets the error page.
  const first = await chunks.next();
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = 'text/csv; charset=utf-8';
  ctx.body = Readable.from((async function* () {
    if (!first.done) yield first.value;
    yield* chunks;
  })());
}
