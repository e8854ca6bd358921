// 鉴诈: the citizen pastes a suspicious message and gets a verdict with the reasons. 「鉴诈」
// alone (or the FRAUD_CHECK menu) asks for the message and checks the next one.
import type { FraudVerdict } from '../../alerts/fraud/index.js';
import { isCommand, say, type Intent, isWholeCommand } from '../intent.js';
import { commandArgs, isWord } from '../text.js';

const WORDS = ['鉴诈', '鉴别诈骗', '验诈', '查诈骗'];
const LABEL = { high: '【高风险】', medium: '【要小心】', low: '【暂未发现明显风险】' } as const;

export function verdictText(v: FraudVerdict): string {
  const lines: string[] = [LABEL[v.risk]];
  if (v.types.length > 0) lines.push(`可能的骗局：${v.types.join('、')}`);
  for (const r of v.reasons) lines.push(`· ${r}`);
  lines.push(v.advice);
  return lines.join('\n');
}

const ASK = '请把可疑的短信、聊天内容复制后粘贴发给我（或者打字说说对方让您做什么），我帮您看看是不是诈骗。';

export const fraudCheck: Intent = {
  name: 'fraud_check',
  match: (turn) => isCommand(turn, 'fraud_check', WORDS) || (turn.menuIntent === undefined && commandArgs(turn.text, WORDS) !== undefined),
  handle(turn, ctx) {
    const rest = turn.menuIntent ? '' : (commandArgs(turn.text, WORDS) ?? '');
    if (!rest) {
      turn.record.flow = { name: 'fraud_check' };
      return [say(ASK)];
    }
    return [say(verdictText(ctx.fraud.check(rest)))];
  },
};

/** The message after 「鉴诈」: checked once, then the bot is back to normal. */
export const fraudCheckAnswer: Intent = {
  name: 'fraud_check_answer',
  match: (turn) => turn.record.flow?.name === 'fraud_check' && turn.menuIntent === undefined && !isWholeCommand(turn.text) && !isWord(turn.text, WORDS),
  handle(turn, ctx) {
    if (!turn.text) {
      return [say('我暂时只能看文字。请把内容复制粘贴过来，或者打字告诉我对方说了什么。回复「取消」可以退出。')];
    }
    delete turn.record.flow;
    if (turn.text === '取消') return [say('好的。有可疑消息随时发「鉴诈」加内容给我。')];
    return [say(verdictText(ctx.fraud.check(turn.text)))];
  },
};
