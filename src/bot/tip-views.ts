// How a citizen's tips are read back to them: short lines for the list, a few lines for one tip.
import { categoryName } from './tip-flow/prompts.js';
import type { CitizenRating, CitizenTipView } from './ports.js';
import { formatMonthDay } from './text.js';

export const RATING_WORDS: Record<CitizenRating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

const ratingWord = (r: string | null) =>
  r && r in RATING_WORDS ? RATING_WORDS[r as CitizenRating] : r;

/** 「已登记受理（12月6日）」: the citizen's status word with the day of that step. */
export function stateWithDate(v: CitizenTipView): string {
  return v.stateAt ? `${v.stateLabel}（${formatMonthDay(v.stateAt)}）` : v.stateLabel;
}

export function tipLine(v: CitizenTipView, index: number): string {
  return `${index + 1}. ${v.code}｜${categoryName(v.category)}｜${formatMonthDay(v.submittedAt)}提交｜${stateWithDate(v)}`;
}

export function tipDetail(v: CitizenTipView): string {
  const lines = [
    `编号：${v.code}`,
    `类别：${categoryName(v.category)}`,
    `状态：${stateWithDate(v)}`,
  ];
  // The steps so far, each with its day: 已收到 12月1日 → 已登记受理 12月3日 → 办理中 12月4日.
  const steps = v.steps ?? [];
  if (steps.length > 1) lines.push(`进度：${steps.map((s) => `${s.label} ${formatMonthDay(s.at)}`).join(' → ')}`);
  else lines.push(`提交：${formatMonthDay(v.submittedAt)}`);
  if (v.concludeBy && !v.answer) lines.push(`预计办结：${formatMonthDay(v.concludeBy)}前`);
  // The whole answer: 查询 is where the citizen reads it again (a template only announced it);
  // the adapter cuts a reply over WeChat's 2048 bytes into several messages.
  if (v.answer) lines.push(`答复${v.answeredAt ? `（${formatMonthDay(v.answeredAt)}）` : ''}：${v.answer}`);
  if (v.rating) lines.push(`您的评价：${ratingWord(v.rating)}`);
  if (v.canRate) lines.push(`回复「评价 ${v.code}」为这次办理打分。`);
  else if (v.canRequestReview) lines.push(`不满意可以回复「复查 ${v.code} 理由」申请复查。`);
  if (v.canAdd) lines.push(`还有情况要补充，回复「补充 ${v.code}」。`);
  return lines.join('\n');
}

export const notFoundText = (code: string) =>
  `没有找到编号为「${code}」的反映。请核对一下编号，或回复「查询」看您反映过的全部问题。`;

export const DESK_TROUBLE = '抱歉，系统暂时出了点问题，请过几分钟再试。';
