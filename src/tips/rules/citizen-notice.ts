// What the citizen is told when their tip changes state (信访工作条例 Art 21: they can follow
// progress), in the words of the 信访 steps (CITIZEN_STATE_LABELS: 已收到 → 已登记受理 / 不予受理 →
// 办理中 → 已答复 → 已办结) and with the step's date. A claim or the start of handling says nothing:
// it would only be noise.
//
// Every notice names the tip's code and says what the citizen can do next, in words they can type
// on any channel (a Wechaty contact has no menu). It never names staff, the accused unit of a
// 检举控告, another citizen's tip, or why staff moved work between units.
import { CITIZEN_STATE_LABELS, type TipState } from '../types.js';
import { MAX_REVIEWS, REVIEW_WINDOW_DAYS } from './limits.js';
import { formatShanghaiDate, formatShanghaiMonthDay } from '../../platform/beijing-time.js';

export interface NoticeContext {
  trackingCode: string;
  reason?: string | null;
  answer?: string | null;
  /** Chinese name of the unit the tip went to (assigned, transferred). */
  unitName?: string | null;
  /** Extension: days granted and the new answer-by date. */
  extensionDays?: number | null;
  newDeadline?: Date | null;
  /** When the step happened: its date is shown next to the status word. */
  at?: Date | null;
  /**
   * The state the tip left. An assignment from a handling state (改派) is told as a change of
   * unit, never as a second 已登记受理 after 办理中.
   */
  from?: TipState | null;
  /** 复查/复核 taken before this answer: after the last one (MAX_REVIEWS) no review is offered. */
  reviewCount?: number | null;
  /** The original of a duplicate, given only when it is the same citizen's own tip and neither is 匿名. */
  duplicateOfOwn?: string | null;
}

const clean = (s: string | null | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

// States a tip is handled in: an assignment from one of them moves the work to another unit.
const HANDLING: ReadonlySet<TipState> = new Set<TipState>(['assigned', 'in_progress', 'extended', 'reopened']);

/** What to type to see the tip: works on the official account and on Wechaty alike. */
const progressHint = (code: string) => `回复「查询 ${code}」可以随时查看进度。`;

/** The plain-Chinese notice for the citizen, or undefined when the change is internal. */
export function citizenNoticeFor(to: TipState, ctx: NoticeContext): string | undefined {
  const code = ctx.trackingCode;
  const subject = `您反映的事项（编号 ${code}）`;
  const reason = clean(ctx.reason);
  const unit = clean(ctx.unitName);
  const day = ctx.at ? `（${formatShanghaiMonthDay(ctx.at)}）` : '';
  // 「已登记受理（12月6日）」: the citizen's status word and the day it happened, Beijing time.
  const step = (state: TipState) => `${CITIZEN_STATE_LABELS[state]}${day}`;
  switch (to) {
    case 'received':
      return `${subject}${step('received')}。我们会在15日内登记受理，并告诉您由哪个单位办理。${progressHint(code)}`;
    case 'assigned':
      if (ctx.from && HANDLING.has(ctx.from)) {
        return `${subject}改由${unit ?? '其他单位'}办理${day}，办理期限不变，请耐心等待答复。${progressHint(code)}`;
      }
      return `${subject}${step('assigned')}，交由${unit ?? '有关单位'}办理，请耐心等待答复。${progressHint(code)}`;
    case 'extended': {
      const days = ctx.extensionDays ? `${ctx.extensionDays}日` : '';
      const why = reason ? `，原因：${reason}` : '';
      const by = ctx.newDeadline ? `，最晚在${formatShanghaiDate(ctx.newDeadline)}前答复您` : '';
      return `${subject}还在办理中，办理时间需要延长${days}${why}${by}。${progressHint(code)}`;
    }
    case 'answered': {
      const answer = clean(ctx.answer);
      const last = (ctx.reviewCount ?? 0) >= MAX_REVIEWS;
      return [
        `${subject}${step('answered')}，答复如下：`,
        ...(answer ? [answer] : []),
        `请回复「评价 ${code}」为这次办理打分。`
          + (last
            ? '这是复核后的答复，同一件事不再受理复查。'
            : `如果不满意，打分时选「不满意」，就可以申请复查（收到答复后${REVIEW_WINDOW_DAYS}日内）。`),
      ].join('\n');
    }
    case 'rejected':
      return `${subject}${step('rejected')}${reason ? `，原因：${reason}` : ''}。如有新的情况，可以回复「举报」重新反映。`;
    case 'closed':
      return `${subject}${step('closed')}，感谢您对平安三明工作的支持。`;
    case 'reopened':
      // Asked for by the citizen (复查) or reopened by staff: the same words fit both.
      return `${subject}重新办理${day}，我们会在${REVIEW_WINDOW_DAYS}日内答复您。${progressHint(code)}`;
    case 'duplicate': {
      const own = clean(ctx.duplicateOfOwn);
      if (own) {
        return `${subject}与您之前反映的事项（编号 ${own}）是同一件事，合并到该事项办理，不再重复受理${day}。回复「查询 ${own}」可以查看进度。`;
      }
      return `${subject}属于${step('duplicate')}：这件事已经登记过，不再重复受理。如有新的情况，可以回复「举报」补充反映。`;
    }
    case 'transferred':
      return `${subject}${step('transferred')}，转交${unit ?? '有权处理的机关'}处理${reason ? `，原因：${reason}` : ''}。`;
    case 'claimed':
    case 'in_progress':
      return undefined;
  }
}
