// What the citizen is told when their tip changes state (信访工作条例 Art 21: they can follow
// progress), in the words of the 信访 steps (CITIZEN_STATE_LABELS: 已收到 → 已登记受理 / 不予受理 →
// 办理中 → 已答复 → 已办结) and with the step's date. A claim or the start of handling says nothing:
// it would only be noise.
import { CITIZEN_STATE_LABELS, type TipState } from '../types.js';
import { REVIEW_WINDOW_DAYS } from './limits.js';
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
}

const clean = (s: string | null | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

// The menu path the account's menu config shows (我要反映 → 进度查询).
const PROGRESS_HINT = '可点击菜单「我要反映 → 进度查询」查看办理进度。';

/** The plain-Chinese notice for the citizen, or undefined when the change is internal. */
export function citizenNoticeFor(to: TipState, ctx: NoticeContext): string | undefined {
  const code = ctx.trackingCode;
  const subject = `您反映的事项（编号 ${code}）`;
  const reason = clean(ctx.reason);
  const unit = clean(ctx.unitName);
  // 「已登记受理（12月6日）」: the citizen's status word and the day it happened, Beijing time.
  const step = (state: TipState) => `${CITIZEN_STATE_LABELS[state]}${ctx.at ? `（${formatShanghaiMonthDay(ctx.at)}）` : ''}`;
  switch (to) {
    case 'received':
      return `${subject}${step('received')}。我们会在15日内登记受理，并告诉您由哪个单位办理。${PROGRESS_HINT}`;
    case 'assigned':
      return `${subject}${step('assigned')}，交由${unit ?? '有关单位'}办理，请耐心等待答复。${PROGRESS_HINT}`;
    case 'extended': {
      const days = ctx.extensionDays ? `${ctx.extensionDays}日` : '';
      const why = reason ? `，原因：${reason}` : '';
      const by = ctx.newDeadline ? `，将于${formatShanghaiDate(ctx.newDeadline)}前答复您` : '';
      return `${subject}正在办理中，需要延长办理期限${days}${why}${by}。`;
    }
    case 'answered': {
      const answer = clean(ctx.answer);
      return [
        `${subject}${step('answered')}，答复如下：`,
        ...(answer ? [answer] : []),
        `请回复「评价 ${code}」对办理情况作出评价。如对答复有异议，可在收到答复之日起${REVIEW_WINDOW_DAYS}日内申请复查。`,
      ].join('\n');
    }
    case 'rejected':
      return `${subject}${step('rejected')}${reason ? `，原因：${reason}` : ''}。如有新的情况，可以重新反映。`;
    case 'closed':
      return `${subject}${step('closed')}，感谢您对平安三明工作的支持。`;
    case 'reopened':
      return `您对编号 ${code} 事项的复查申请已收到${ctx.at ? `（${formatShanghaiMonthDay(ctx.at)}）` : ''}，事项重新办理中，我们会在30日内答复您。`;
    case 'duplicate':
      return `${subject}属于${step('duplicate')}：与正在办理的事项相同，不再重复受理。如有新的情况，可以补充反映。`;
    case 'transferred':
      return `${subject}${step('transferred')}，转交${unit ?? '有权处理的机关'}处理${reason ? `，原因：${reason}` : ''}。`;
    case 'claimed':
    case 'in_progress':
      return undefined;
  }
}
