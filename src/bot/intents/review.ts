// 复查 编号 理由: asks for a review of the answer (信访工作条例 Art 35, within 30 days). Without
// a reason the bot asks for it and takes the next message.
import { say, type EngineContext, type Intent, type Turn, isWholeCommand } from '../intent.js';
import { commandArgs, isWord, parseCode } from '../text.js';
import { DESK_TROUBLE, notFoundText } from '../tip-views.js';
import type { BotReplyPart } from '../types.js';

async function request(turn: Turn, ctx: EngineContext, code: string, reason: string): Promise<BotReplyPart[]> {
  try {
    await ctx.desk.requestReview(turn.citizen, code, reason);
    return [say(`已收到您对「${code}」的复查申请，我们会在30日内给您答复。回复「查询 ${code}」可以看进度。`)];
  } catch (err) {
    ctx.logger.error({ err }, 'bot: review request failed');
    return [say(DESK_TROUBLE)];
  }
}

export const review: Intent = {
  name: 'review',
  match: (turn) => turn.menuIntent === undefined && commandArgs(turn.text, '复查') !== undefined,
  async handle(turn, ctx) {
    const rest = commandArgs(turn.text, '复查') ?? '';
    const code = parseCode(rest);
    if (!code) return [say('请回复「复查 编号 理由」，比如「复查 SM251126ABCDEF 问题还没解决」。')];
    const reason = rest.replace(/^[A-Za-z0-9]+/, '').replace(/^[\s,，:：]+/, '').trim();
    try {
      const view = await ctx.desk.getMine(turn.citizen, code);
      if (!view) return [say(notFoundText(code))];
      if (!view.canRequestReview) return [say('这件事现在不能申请复查。收到答复后30日内可以申请。')];
    } catch (err) {
      ctx.logger.error({ err }, 'bot: review lookup failed');
      return [say(DESK_TROUBLE)];
    }
    if (!reason) {
      turn.record.flow = { name: 'review', code };
      return [say('请说说您申请复查的理由（比如哪里还没解决）。不需要请回复「取消」。')];
    }
    return request(turn, ctx, code, reason);
  },
};

export const reviewAnswer: Intent = {
  name: 'review_answer',
  match: (turn) => turn.record.flow?.name === 'review' && turn.menuIntent === undefined && !isWholeCommand(turn.text),
  async handle(turn, ctx) {
    const flow = turn.record.flow;
    if (flow?.name !== 'review') return [];
    if (isWord(turn.text, ['取消', '退出', '不需要', '不用了'])) {
      delete turn.record.flow;
      return [say('好的。30日内如需复查，回复「复查 编号 理由」即可。')];
    }
    if (!turn.text) return [say('请用文字说说复查的理由。不需要请回复「取消」。')];
    delete turn.record.flow;
    return request(turn, ctx, flow.code, turn.text);
  },
};
