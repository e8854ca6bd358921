// 继续: brings back a tip draft that went idle (kept for bot.draftKeepSeconds). And 确认 sent
// again after a tip was committed answers with the same receipt, never a second tip.
import { isWord } from '../text.js';
import { say, type Intent } from '../intent.js';
import { recordBot, recordCitizen, resumeSuspended } from '../tip-flow/draft.js';
import { promptFor } from '../tip-flow/prompts.js';
import { receiptText } from '../tip-flow/submit.js';
import { fileKept, YES_TO_FILE } from './understood.js';

const RESUME = ['继续', '接着填', '继续填写', '继续举报', '继续反映'];
// A draft told in danger and put aside (a danger offer the citizen had not answered yet, see
// applyExpiry) also comes back with any answer that offer took (YES_TO_FILE).

export const resume: Intent = {
  name: 'resume',
  match: (turn) => !turn.record.flow && (isWord(turn.text, RESUME)
    || (turn.record.suspended?.flow.draft.danger === true && !turn.record.offer && isWord(turn.text, YES_TO_FILE))),
  handle(turn, ctx) {
    const suspended = turn.record.suspended;
    // 「继续」 right after danger words: the citizen means those words, not an older draft.
    const kept = turn.record.offer?.kept;
    if (kept) return fileKept(turn, ctx, kept);
    if (!suspended) return [say('您没有未填完的反映。需要反映问题请回复「举报」。')];
    resumeSuspended(turn, suspended);
    const parts = [say(`好的，接着上次的填写。\n${promptFor(suspended.flow)}`)];
    recordCitizen(suspended.flow.draft, turn);
    recordBot(suspended.flow.draft, parts, turn.now);
    return parts;
  },
};

export const receiptAgain: Intent = {
  name: 'receipt_again',
  match: (turn) => !turn.record.flow && turn.record.lastReceipt !== undefined && isWord(turn.text, ['确认', '提交', '确定']),
  handle(turn) {
    const last = turn.record.lastReceipt;
    return last ? [say(receiptText(last))] : [];
  },
};
