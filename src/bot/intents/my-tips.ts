// 查询: the citizen's own tips; 「查询 编号」: one of them. The desk returns only the citizen's
// own tips, so someone else's code reads as 未找到, never as a hint that it exists.
//
// A tracking code is recognised however the citizen asks with it: alone, before or after words
// that only ask for progress (「查询编号：SM…」, 「查一下SM…」, 「SM… 进度」, in quotes), with
// spaces, dashes, lower case or full-width letters. A message with anything else in it (「评价
// SM…」, a story that quotes a code) is left to the other intents. The words are read folded to
// simplified characters (「查詢進度」, 「我舉報的那個有結果沒有」).
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import { isCommand, say, type Intent } from '../intent.js';
import { commandArgs, isCodeOrNothing, parseCode } from '../text.js';
import { DESK_TROUBLE, notFoundText, tipDetail, tipLine } from '../tip-views.js';
import { isTrackingCode, normaliseTrackingCode } from '../../tips/rules/tracking-code.js';

// Longest first: 「进度查询 SM…」 is the menu's own words, not 「进度」 followed by 「查询 SM…」.
const WORDS = ['进度查询', '查进度', '我的举报', '查询', '进度'];
const LIST_MAX = 10;

// Words that only ask for progress, longest first; what is left after removing them (and
// punctuation) must be nothing for a message to count as asking.
const ASKING = [
  '进度查询', '查询进度', '查看进度', '我的举报', '我的反映', '受理编号', '怎么样了', '到哪一步',
  '查进度', '查一下', '查一查', '帮我查', '怎么样', '到哪了',
  '查询', '查查', '查看', '看看', '帮我', '帮忙', '麻烦', '编号', '我的', '事项', '办理', '进度', '情况', '结果', '一下',
  '请', '的', '了', '吗', '呢', '啊', '查', '看',
];
// Words that make a message about progress even without a code (「查询进度」, 「我的反映」).
const PROGRESS_WORDS = ['查询', '进度', '我的举报', '我的反映'];
const PUNCTUATION = /[\s,，.。:：;；!！?？、"'“”‘’「」『』【】()（）《》<>\-_#＃]/gu;
// A citizen asking about a tip writes a few words; longer messages are someone's story.
const ASKING_MAX_CHARS = 40;
// SM, then 12 letters or digits, spaces or dashes between any of them (normalised afterwards).
const CODE_IN_TEXT = /S[\s\-_]*M(?:[\s\-_]*[0-9A-Z]){12}(?![0-9A-Z])/u;

function onlyAsking(text: string): boolean {
  let rest = text.replace(PUNCTUATION, '');
  for (const w of ASKING) rest = rest.split(w).join('');
  return rest === '';
}

/** The tracking code of a message that asks for one tip's progress, in canonical form. */
export function askedCode(text: string): string | undefined {
  if (text.length > ASKING_MAX_CHARS) return undefined;
  const t = foldToSimplified(text.normalize('NFKC')).toUpperCase();
  const m = CODE_IN_TEXT.exec(t);
  if (!m) return undefined;
  const code = normaliseTrackingCode(m[0]);
  if (!isTrackingCode(code)) return undefined;
  return onlyAsking(`${t.slice(0, m.index)} ${t.slice(m.index + m[0].length)}`) ? code : undefined;
}

// A matter sent before, asked after in the citizen's own words: 「我上次反映的事怎么样了」,
// 「我举报的那个有结果没有」, 「前几天投诉的有人管没有」, 「上次反映的问题整改了没有」. Not 「我要反映的是…」 (a new matter).
const EARLIER = /^(?:我|俺)?(?:上次|上回|之前|以前|前几天|前些天|前段时间|昨天|前天|上个月|上周|上个?星期|那天|刚才|去年|前年|年初|[一两半几][个年]多?月?前|好久以前|很久以前|早就)?(?:反映|举报|投诉|报|提交|提|说)(?:过|了)?的(?!是).{0,12}(?:怎么样|咋样|怎样|如何|进度|结果|处理|人管|回复|答复|下文|消息|动静|到哪|整改|解决|落实|办(?:好|了|完))/u;

/** A message that asks for the list of the citizen's tips in other words (「查询进度」, 「我的反映」). */
function asksList(typed: string): boolean {
  if (typed.length > ASKING_MAX_CHARS) return false;
  const text = foldToSimplified(typed);
  return (PROGRESS_WORDS.some((w) => text.includes(w)) && onlyAsking(text)) || EARLIER.test(text.replace(PUNCTUATION, ''));
}

export const myTips: Intent = {
  name: 'my_tips',
  match: (turn) => isCommand(turn, 'my_tips', WORDS) || (turn.menuIntent === undefined && (
    isCodeOrNothing(commandArgs(turn.text, WORDS)) || askedCode(turn.text) !== undefined || asksList(turn.text)
  )),
  async handle(turn, ctx) {
    const code = turn.menuIntent ? undefined : askedCode(turn.text) ?? parseCode(commandArgs(turn.text, WORDS) ?? '');
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
