// 举报 / 线索 / 信访 / 投诉 (or the TIP menu) starts the flow. When the first message already
// tells the matter (「我要举报，村口有人聚众赌博」) it becomes the start of the description and
// the citizen only confirms the guessed category.
import type { TipFlow } from '../conversation.js';
import { say, type Intent } from '../intent.js';
import { addDescription, recordBot, recordCitizen, resumeSuspended, startTipFlow } from '../tip-flow/draft.js';
import { categoryPrompt, promptFor } from '../tip-flow/prompts.js';
import { describeFirst } from '../tip-flow/steps.js';
import { DAILY_LIMIT_TEXT, underDailyLimit } from '../tip-flow/submit.js';
import { fileKept } from './understood.js';
import { foldToSimplified } from '../../tips/rules/plain-text.js';

// 「怎么举报」, 「请问在哪里投诉」, 「可以反映吗」 ask for the very thing the flow does: it starts. 「我要上访」,
// 「我要申诉」, 「我要告状」 are how many older citizens say it; a greeting may come first (「你好 我想举报」).
const START = /^(?:(?:你好|您好|你们好|在吗|喂|同志|领导)[啊呀吗，,！!。.\s]*){0,2}(?:请问|想问一下|问一下)?(?:我们?)?(?:怎么|怎样|如何|在哪里?|去哪里?|哪里能|哪里可以|可以|能不能|可不可以|能)?(?:要|想|需要|想要)?(?:匿名)?(?:举报|提供线索|线索|信访|上访|投诉|反映|报料|申诉|告状)(?:一下|一个问题|个问题|一件事情?|一个事情?|个事情?|个(?!人)|问题)?/;
// What may follow the trigger in such a question (「举报怎么弄」, 「举报电话是多少」): no matter told.
const HOW = /^(?:要|该|应该)?(?:怎么|如何|咋|怎样)(?:弄|办|做|操作|填|写|提交|举报|反映|投诉)?|^(?:的)?(?:电话|热线|方式|途径|渠道|流程|在哪|去哪|找谁)/;

// After the trigger, a worry about reporting itself: whether it is safe, kept secret, of any use, how long.
const CONCERN = /^(?:了|的话|以后|之后|后)?.{0,4}(?:会不会|会被|怕|担心|有用|有没有用|管用|安全|保密|泄露|知道是我|查到我|被发现|多久|多长时间|什么时候|几天)/u;

/** The words after the trigger, when they say enough to be a description; read folded (「我要舉報」), kept as typed. */
export function startRemainder(text: string): string | undefined {
  const m = START.exec(foldToSimplified(text));
  if (!m) return undefined;
  // The fold keeps code points in place: the trigger typed is as many of them as the one read.
  const rest = Array.from(text).slice(Array.from(m[0]).length).join('').replace(/^[\s,，:：。!！、]+/, '').trim();
  const read = foldToSimplified(rest);
  // 「信访条例」 asks about the regulation (a keyword reply), not to file something.
  if (/^(工作)?条例/.test(read)) return undefined;
  // 「我举报的那个有结果没有」 asks about a matter sent before (my-tips.ts), not to file one.
  if (/^(过|了)?的(?!是)/.test(read)) return undefined;
  // 「举报了会不会被报复」, 「匿名举报有用吗」: a question about reporting (keyword replies), not a matter.
  if (CONCERN.test(read)) return undefined;
  const asked = rest.replace(/[吗么呢啊呀？?]+$/u, '');
  if (HOW.test(foldToSimplified(asked))) return '';
  return asked.length >= 4 ? rest : '';
}

export const tipStart: Intent = {
  name: 'tip',
  match: (turn) => (turn.menuIntent !== undefined ? turn.menuIntent === 'tip' : startRemainder(turn.text) !== undefined),
  async handle(turn, ctx) {
    const current = turn.record.flow;
    if (current?.name === 'tip') return [say(`您正在填写一条反映，接着填写就好。\n${promptFor(current)}`)];
    // 「举报」 right after danger words: those words (and what followed them) are the tip.
    const kept = turn.record.offer?.kept;
    if (kept) {
      const rest = startRemainder(turn.text);
      if (rest) addDescription(kept, rest);
      return fileKept(turn, ctx, kept);
    }
    if (!(await underDailyLimit(turn, ctx))) return [say(DAILY_LIMIT_TEXT(ctx.config.bot.tipsPerDay))];
    const suspended = turn.record.suspended;
    if (suspended) {
      // Resume rather than start over: the earlier words would otherwise be lost.
      resumeSuspended(turn, suspended);
      const parts = [say(`您有一条没填完的反映，已为您接着填写（要重新开始请回复「取消」后再回复「举报」）。\n${promptFor(suspended.flow)}`)];
      recordCitizen(suspended.flow.draft, turn);
      recordBot(suspended.flow.draft, parts, turn.now);
      return parts;
    }
    const flow: TipFlow = startTipFlow(turn);
    recordCitizen(flow.draft, turn);
    const rest = startRemainder(turn.text);
    const intro = '好的，我来帮您一步一步填写，所有信息严格保密。';
    const body = rest ? describeFirst(flow, rest, ctx.intentModel) : categoryPrompt();
    const parts = [say(`${intro}\n${body}`)];
    recordBot(flow.draft, parts, turn.now);
    return parts;
  },
};
