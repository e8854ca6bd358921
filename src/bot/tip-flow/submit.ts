// 确认: commits the draft through the TipDesk. The draft's id is the submissionKey, so a 确认
// that is delivered again (WeChat retry, a second process, the citizen pressing twice) returns
// the same receipt instead of a second tip. On failure the draft stays, and the citizen is told
// plainly that nothing was received yet. A draft can also be a tip already without the record
// saying so (a turn committed it and then could not save the record): `filedReceipt` asks.
import type { LastReceipt, TipFlow } from '../conversation.js';
import type { EngineContext, Turn } from '../intent.js';
import type { TipReceipt } from '../ports.js';
import { errorFields } from '../../platform/logger.js';
import { isCoded } from '../../platform/errors.js';
import { formatMonthDay } from '../text.js';
import { toSubmission } from './draft.js';
import { askCountyConsent } from '../intents/county.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function receiptText(r: Pick<LastReceipt, 'code' | 'acknowledgeBy' | 'concludeBy'>): string {
  return '您反映的问题已提交成功，谢谢您的信任！\n'
    + `受理编号：${r.code}\n`
    + `我们会在${formatMonthDay(new Date(r.acknowledgeBy))}前告诉您受理情况，`
    + `一般在${formatMonthDay(new Date(r.concludeBy))}前办结。\n`
    + `请记好编号，回复「查询 ${r.code}」可以随时查看进度。`;
}

/**
 * True when the citizen may submit one more tip today; a failing count does not block them. A
 * tip told in danger (`danger`, or danger words in this very message) is never refused: the limit
 * keeps the desk's work manageable, and a matter in which someone may be hurt must reach it.
 */
export async function underDailyLimit(turn: Turn, ctx: EngineContext, danger = false): Promise<boolean> {
  if (danger || turn.emergency) return true;
  try {
    const since = new Date(turn.now.getTime() - DAY_MS);
    return (await ctx.desk.countSince(turn.citizen, since)) < ctx.config.bot.tipsPerDay;
  } catch (err) {
    ctx.logger.warn({ err }, 'bot: countSince failed; daily tip limit not applied');
    return true;
  }
}

export const DAILY_LIMIT_TEXT = (n: number) =>
  `您今天已经反映了${n}件事，我们都会认真办理。为了保证办理质量，每人每天最多提交${n}件，明天可以继续反映。`
  + '\n如果情况紧急，请立即拨打110。';

/**
 * What the citizen is told when a message meant for a draft finds that the draft was submitted
 * already (the record had not been saved after the commit): its code, and that what they just
 * sent is not part of it, so nothing they add is lost without their knowing.
 */
export const alreadyFiledText = (code: string): string =>
  `您反映的这件事，之前已经提交成功了，受理编号：${code}。\n`
  + '已经提交的事不能再修改，您刚才发的内容【没有】加进去。\n'
  + '如果还有新的情况要说，请回复「举报」，当作一件新的事来反映。\n'
  + `回复「查询 ${code}」可以查看办理进度。`;

/** Added to another answer when the draft the citizen had open turned out to be submitted already. */
export const filedNote = (code: string): string => `（您之前反映的事已经提交成功，受理编号：${code}，不用再提交。）`;

/**
 * The record as a commit leaves it: the draft's flow (open or put aside) closed, and the receipt
 * kept so a 确认 sent again answers the same code (`receipt_again`).
 */
export function markSubmitted(turn: Turn, flow: TipFlow, receipt: TipReceipt): LastReceipt {
  const last: LastReceipt = {
    submissionKey: flow.draft.id,
    code: receipt.code,
    acknowledgeBy: receipt.acknowledgeBy.toISOString(),
    concludeBy: receipt.concludeBy.toISOString(),
    at: turn.now.toISOString(),
  };
  turn.record.lastReceipt = last;
  if (turn.record.flow?.name === 'tip' && turn.record.flow.draft.id === flow.draft.id) delete turn.record.flow;
  if (turn.record.suspended?.flow.draft.id === flow.draft.id) delete turn.record.suspended;
  return last;
}

/**
 * The receipt of the tip this draft already became, if any. A turn that committed it but could
 * not save the conversation record (engine.ts) left the stored record waiting at 确认, while the
 * citizen holds the receipt. One indexed read (by submission key and citizen). A failing read is
 * logged and taken as "not filed": the citizen goes on as before, and a 确认 below the daily
 * limit still gets the same code from the desk (the unique submission key).
 */
export async function filedReceipt(flow: TipFlow, turn: Turn, ctx: EngineContext): Promise<TipReceipt | undefined> {
  try {
    return await ctx.desk.findReceipt(turn.citizen, flow.draft.id);
  } catch (err) {
    ctx.logger.warn(errorFields(err), 'bot: findReceipt failed; draft taken as not submitted');
    return undefined;
  }
}

export async function confirmTip(flow: TipFlow, turn: Turn, ctx: EngineContext): Promise<string[]> {
  if (!(await underDailyLimit(turn, ctx, flow.draft.danger))) {
    // The count may include this very draft (committed, record not saved): then it is filed, not
    // refused. Asked only here: below the limit the desk answers the same code by itself.
    const filed = await filedReceipt(flow, turn, ctx);
    if (filed) {
      ctx.logger.info({ code: filed.code }, 'bot: draft found submitted at 确认; receipt repeated');
      return [receiptText(markSubmitted(turn, flow, filed))];
    }
    flow.draft.heldByLimit = true;
    return [`${DAILY_LIMIT_TEXT(ctx.config.bot.tipsPerDay)}\n您填写的内容已为您保留，明天回复「继续」再「确认」即可提交。`];
  }
  try {
    const receipt = await ctx.desk.submit(toSubmission(flow.draft, turn.citizen));
    const last = markSubmitted(turn, flow, receipt);
    ctx.logger.info({ code: receipt.code, colour: receipt.colour }, 'bot: tip submitted');
    // A follower with no county yet is asked, once, whether the tip's county may be kept for alerts.
    const county = flow.draft.place?.countyCode;
    const question = county ? await askCountyConsent(turn, ctx, county) : undefined;
    return [question ? `${receiptText(last)}\n\n${question}` : receiptText(last)];
  } catch (err) {
    const code = isCoded(err) ? err.code : 'UNKNOWN';
    // The desk refused the draft itself: trying again would fail the same way, so say what to change.
    if (code === 'TIP_INVALID') {
      ctx.logger.warn({ code, reason: err instanceof Error ? err.message : undefined }, 'bot: tip refused by the desk; draft kept');
      return [`您反映的内容【还没有提交成功】：${err instanceof Error ? err.message : '内容不完整'}。\n`
        + '填写的内容已为您保存。请回复「修改」改好后再「确认」；不提交请回复「取消」。'];
    }
    ctx.logger.error({ err, code }, 'bot: tip submit failed; draft kept');
    return ['抱歉，系统暂时出了点问题，您反映的内容【还没有提交成功】。\n'
      + '填写的内容已为您保存，请过几分钟再回复「确认」提交。\n'
      + (flow.draft.danger ? '情况紧急，请不要等，马上拨打110！' : '情况紧急请直接拨打110。')];
  }
}
