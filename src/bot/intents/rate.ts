// 评价 编号: rates an answered tip (1 满意 / 2 基本满意 / 3 不满意, 信访工作条例 Art 21). An
// unsatisfied rating offers 复查 at once, as the next step of the same conversation.
import type { CitizenRating } from '../ports.js';
import { say, type Intent, isWholeCommand } from '../intent.js';
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import { commandArgs, isCodeOrNothing, isWord, parseCode, parseSmallNumber } from '../text.js';
import { DESK_TROUBLE, RATING_WORDS, notFoundText } from '../tip-views.js';

const ASK = '请回复数字打分：\n1 满意\n2 基本满意\n3 不满意';

/** The rating the answer gives, read folded (「不滿意」, 「第三個」). */
function ratingOf(typed: string): CitizenRating | undefined {
  const text = foldToSimplified(typed);
  const n = parseSmallNumber(text);
  if (n === 1 || text === '满意' || text === '非常满意') return 'satisfied';
  if (n === 2 || text === '基本满意') return 'basically_satisfied';
  if (n === 3 || text === '不满意') return 'unsatisfied';
  return undefined;
}

export const rate: Intent = {
  name: 'rate',
  match: (turn) => turn.menuIntent === undefined && isCodeOrNothing(commandArgs(turn.text, '评价')),
  async handle(turn, ctx) {
    const code = parseCode(commandArgs(turn.text, '评价') ?? '');
    try {
      if (!code) {
        const open = (await ctx.desk.listMine(turn.citizen)).filter((v) => v.canRate);
        if (open.length === 0) return [say('目前没有可以评价的反映，收到答复后就可以评价了。')];
        return [say(`请回复「评价 编号」，比如「评价 ${open[0]?.code ?? ''}」。可以评价的有：\n${open.map((v) => v.code).join('\n')}`)];
      }
      const view = await ctx.desk.getMine(turn.citizen, code);
      if (!view) return [say(notFoundText(code))];
      if (!view.canRate) {
        if (view.rating) return [say(`这件事您已经评价过了（${RATING_WORDS[view.rating as CitizenRating] ?? view.rating}），谢谢您！`)];
        // Answered and closed, past the 30 days in which it could still be rated.
        if (view.answer) return [say('这件事已经办结，评价的时间（收到答复后30日内）已经过了。如有新情况，可以回复「举报」重新反映。')];
        return [say('这件事还没有答复，收到答复后才能评价。')];
      }
      turn.record.flow = { name: 'rate', code };
      return [say(`请为编号「${code}」的办理打分。\n${ASK}\n（回复「取消」可以退出）`)];
    } catch (err) {
      ctx.logger.error({ err }, 'bot: rate lookup failed');
      return [say(DESK_TROUBLE)];
    }
  },
};

export const rateAnswer: Intent = {
  name: 'rate_answer',
  match: (turn) => turn.record.flow?.name === 'rate' && turn.menuIntent === undefined && !isWholeCommand(turn.text),
  async handle(turn, ctx) {
    const flow = turn.record.flow;
    if (flow?.name !== 'rate') return [];
    if (isWord(turn.text, ['取消', '退出'])) {
      delete turn.record.flow;
      return [say('好的，先不评价。需要时回复「评价 编号」。')];
    }
    const rating = ratingOf(turn.text);
    if (!rating) return [say(`${ASK}\n（回复「取消」可以退出）`)];
    try {
      const view = await ctx.desk.rate(turn.citizen, flow.code, rating);
      delete turn.record.flow;
      if (rating !== 'unsatisfied') return [say('谢谢您的评价！有事随时找我们。')];
      if (!view.canRequestReview) return [say('很抱歉没能让您满意，您的意见我们会认真对待。')];
      turn.record.flow = { name: 'review', code: flow.code };
      return [say('很抱歉没能让您满意。您可以申请复查：请直接回复您的理由（比如哪里还没解决）。\n不需要请回复「取消」。')];
    } catch (err) {
      ctx.logger.error({ err }, 'bot: rating failed');
      return [say(DESK_TROUBLE)];
    }
  },
};
