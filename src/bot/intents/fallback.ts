// The last intents: danger words outside a flow (110 is already first in the reply), and a
// helpful answer to anything else — always with the commands, never a bare "不明白".
import { classifyCategory } from '../../tips/rules/category.js';
import { say, type Intent } from '../intent.js';
import { transcriptEntry } from '../tip-flow/draft.js';

/**
 * What the citizen said in danger is offered as a tip, as any problem heard outside the flow is
 * (intents/understood.ts): one 「是」 files those words, graded red, without typing them again.
 */
export const dangerOutsideFlow: Intent = {
  name: 'danger',
  match: (turn) => turn.emergency !== undefined && turn.record.flow === undefined,
  handle(turn) {
    if (!turn.text) return [say('等您安全了，如果方便，回复「举报」把情况告诉我们，我们会尽快处理。')];
    const answered = '等您安全了，如果方便，回复「是」，我们就把您刚才说的情况登记下来，尽快处理，不用重打；不需要请回复「不用」。';
    turn.record.offer = {
      category: classifyCategory(turn.text) ?? 'other', text: turn.text, said: transcriptEntry(turn.input, turn.now), answered, danger: true,
    };
    return [say(answered)];
  },
};

export const fallback: Intent = {
  name: 'fallback',
  match: () => true,
  handle(turn, ctx) {
    const input = turn.input;
    if (input.kind === 'voice' && !turn.text) {
      return [say('语音我没听清。请打字告诉我，或者回复「人工」联系工作人员。')];
    }
    if (input.kind === 'image' || input.kind === 'video' || input.kind === 'location' || input.kind === 'link') {
      return [say('收到了。如果是要反映问题，请先回复「举报」，再按提示发照片或位置。\n想看看一条消息是不是诈骗，请回复「鉴诈」加上文字内容。')];
    }
    return [say(`您好，我是「平安三明」小助手，这句话我没能明白。\n${ctx.content.help}`)];
  },
};
