// 确认: commits the draft through the TipDesk. The draft's id is the submissionKey, so a 确认
// that is delivered again (WeChat retry, a second process, the citizen pressing twice) returns
// the same receipt instead of a second tip. On failure the draft stays, and the citizen is told
// plainly that nothing was received yet.
import type { LastReceipt, TipFlow } from '../conversation.js';
import type { EngineContext, Turn } from '../intent.js';
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

/** True when the citizen may submit one more tip today; a failing count does not block them. */
export async function underDailyLimit(turn: Turn, ctx: EngineContext): Promise<boolean> {
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

export async function confirmTip(flow: TipFlow, turn: Turn, ctx: EngineContext): Promise<string[]> {
  if (!(await underDailyLimit(turn, ctx))) {
    flow.draft.heldByLimit = true;
    return [`${DAILY_LIMIT_TEXT(ctx.config.bot.tipsPerDay)}\n您填写的内容已为您保留，明天回复「继续」再「确认」即可提交。`];
  }
  try {
    const receipt = await ctx.desk.submit(toSubmission(flow.draft, turn.citizen));
    const last: LastReceipt = {
      submissionKey: flow.draft.id,
      code: receipt.code,
      acknowledgeBy: receipt.acknowledgeBy.toISOString(),
      concludeBy: receipt.concludeBy.toISOString(),
      at: turn.now.toISOString(),
    };
    turn.record.lastReceipt = last;
    delete turn.record.flow;
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
      + '填写的内容已为您保存，请过几分钟再回复「确认」提交。'];
  }
}
