// 查询: the citizen's own tips; 「查询 编号」: one of them. The desk returns only the citizen's
// own tips, so someone else's code reads as 未找到, never as a hint that it exists.
import { isCommand, say, type Intent } from '../intent.js';
import { commandArgs, isCodeOrNothing, parseCode } from '../text.js';
import { DESK_TROUBLE, notFoundText, tipDetail, tipLine } from '../tip-views.js';

const WORDS = ['查询', '查进度', '进度', '进度查询', '我的举报'];
const LIST_MAX = 10;

export const myTips: Intent = {
  name: 'my_tips',
  match: (turn) => isCommand(turn, 'my_tips', WORDS) || (turn.menuIntent === undefined && isCodeOrNothing(commandArgs(turn.text, WORDS))),
  async handle(turn, ctx) {
    const code = turn.menuIntent ? undefined : parseCode(commandArgs(turn.text, WORDS) ?? '');
    try {
      if (code) {
        const view = await ctx.desk.getMine(turn.citizen, code);
        return [say(view ? tipDetail(view) : notFoundText(code))];
      }
      const mine = await ctx.desk.listMine(turn.citizen);
      if (mine.length === 0) return [say('您还没有反映过问题。需要时回复「举报」，我帮您一步一步填写。')];
      const lines = mine.slice(0, LIST_MAX).map(tipLine);
      const more = mine.length > LIST_MAX ? `\n（只列出最近${LIST_MAX}条）` : '';
      return [say(`您反映的问题：\n${lines.join('\n')}${more}\n回复「查询 编号」看详细进度。`)];
    } catch (err) {
      ctx.logger.error({ err }, 'bot: listing tips failed');
      return [say(DESK_TROUBLE)];
    }
  },
};
