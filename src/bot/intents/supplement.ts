// 补充: the citizen adds words, photos, voice or video to a tip they sent, while it is being
// handled (信访工作条例 Art 19: what they tell is recorded as told). 「补充」 alone picks their one
// tip being handled, or asks which when there are several; 「补充 编号 内容」 adds at once. While
// the flow is open every text, photo, voice and video is added as it comes, each committed before
// the reply says so; 「好了」 ends it, and so does the idle timeout. A change to a sent tip told
// in other words (「我刚才举报的 地址说错了 应该是…」, understood.ts) starts it too, and is itself
// the first addition when it says more than that it wants to change something.
import { createHash } from 'node:crypto';
import { isCoded } from '../../platform/errors.js';
import { errorFields } from '../../platform/logger.js';
import type { SupplementFlow } from '../conversation.js';
import { say, isWholeCommand, type EngineContext, type Intent, type Turn } from '../intent.js';
import type { CitizenTipView, TipAddition } from '../ports.js';
import { commandArgs, isWord, parseCode, parseSmallNumber } from '../text.js';
import { DESK_TROUBLE, notFoundText, tipLine } from '../tip-views.js';
import type { BotReplyPart } from '../types.js';

// Longest first: 「补充材料 SM…」 is the command, not 「补充」 followed by 「材料」.
const WORDS = ['我要补充', '我想补充', '补充材料', '补充内容', '补充情况', '补充一下', '补充'];
const DONE = ['好了', '好', '完了', '发完了', '说完了', '没有了', '没了', '就这些', '就这样', '结束', '可以了', '行了'];
const CANCEL = ['取消', '退出', '不补充了', '不用了', '算了'];
/** How many tips being handled the question lists at most. */
const CHOICES_MAX = 5;

const MORE = '还有要补充的可以接着发（文字、照片、语音、视频都可以），发完了回复「好了」。';
const CLOSED = (code: string) => `「${code}」已经答复或办结了，不能再补充。\n`
  + `对答复不满意，可以回复「复查 ${code} 理由」申请复查；有新的情况，请回复「举报」重新反映。`;

function addedText(code: string, first: boolean, red: boolean): string {
  const urgent = red ? '\n这件事已标为紧急，会优先处理。' : '';
  return first
    ? `已经补充到您反映的「${code}」里了，办理的工作人员会看到。${urgent}\n${MORE}`
    : `收到，已补充到「${code}」。${urgent}`;
}

/**
 * The key of the message being added: the same message delivered twice is added once (the desk).
 * A channel's message id; without one, its time and what it carries.
 */
function messageKey(turn: Turn): string {
  const input = turn.input;
  if (input.msgId) return `msg:${input.msgId}`;
  const carried = 'mediaId' in input && input.mediaId ? input.mediaId
    : input.kind === 'location' ? `${input.latitude},${input.longitude}`
      : input.kind === 'link' ? input.url : turn.text;
  return `at:${input.receivedAt.getTime()}:${createHash('sha256').update(`${input.kind}\n${carried}`).digest('base64url').slice(0, 22)}`;
}

/** What this message adds, or undefined when it carries nothing that can be added (a link without words, a sticker). */
function additionOf(turn: Turn, text: string): TipAddition | undefined {
  const base = { messageKey: messageKey(turn), danger: turn.emergency !== undefined };
  const input = turn.input;
  switch (input.kind) {
    case 'image':
    case 'video':
      return input.mediaId ? { ...base, attachment: { type: input.kind, mediaId: input.mediaId } } : undefined;
    case 'voice':
      // The recording, with what recognition heard of it when WeChat gave that.
      if (!input.mediaId) return text ? { ...base, text } : undefined;
      return { ...base, attachment: { type: 'voice', mediaId: input.mediaId }, ...(text ? { text } : {}) };
    case 'location':
      // The place as WeChat names it; its coordinates only when it names none.
      return { ...base, text: `位置：${input.label || `(${input.latitude.toFixed(5)}, ${input.longitude.toFixed(5)})`}` };
    case 'link':
      return { ...base, text: `链接：${input.title} ${input.url}` };
    default:
      return text ? { ...base, text } : undefined;
  }
}

/**
 * Adds one message to the flow's tip and says so. A refusal or a store failure says plainly
 * that it was not added; the flow stays open for the citizen to send it again, except when the
 * tip takes no more.
 */
async function add(turn: Turn, ctx: EngineContext, flow: SupplementFlow, code: string, addition: TipAddition): Promise<BotReplyPart[]> {
  try {
    const result = await ctx.desk.addToTip(turn.citizen, code, addition);
    const first = !flow.added;
    flow.added = (flow.added ?? 0) + (result.outcome === 'added' ? 1 : 0);
    ctx.logger.info({ code, outcome: result.outcome, attachment: addition.attachment?.type }, 'bot: tip addition');
    return [say(addedText(code, first, addition.danger && result.colour === 'red'))];
  } catch (err) {
    const refusal = isCoded(err) ? err.code : 'UNKNOWN';
    if (refusal === 'TIP_CANNOT_ADD') {
      delete turn.record.flow;
      return [say(CLOSED(code))];
    }
    if (refusal === 'TIP_ADDITIONS_FULL') {
      delete turn.record.flow;
      return [say(`「${code}」补充的内容已经很多了，这一条【没有】加进去。还要补充的，请回复「人工」联系工作人员。`)];
    }
    if (refusal === 'TIP_INVALID') {
      return [say(`这一条【没有】加进去：${err instanceof Error ? err.message : '内容无效'}。发完了回复「好了」。`)];
    }
    if (refusal === 'TIP_NOT_FOUND') {
      delete turn.record.flow;
      return [say(notFoundText(code))];
    }
    ctx.logger.error({ ...errorFields(err), code: refusal }, 'bot: tip addition failed');
    return [say(`抱歉，系统暂时出了点问题，您刚才补充的内容【没有保存上】，请过几分钟再发一次。${addition.danger ? '\n情况紧急，请不要等，马上拨打110！' : ''}`)];
  }
}

/** The flow on the tip chosen: the words waiting for it added first, then the prompt for more. */
async function begin(turn: Turn, ctx: EngineContext, code: string, words: string | undefined): Promise<BotReplyPart[]> {
  const flow: SupplementFlow = { name: 'supplement', code };
  turn.record.flow = flow;
  if (words) return add(turn, ctx, flow, code, { messageKey: messageKey(turn), text: words, danger: turn.emergency !== undefined });
  return [say(`好的，请把要补充到「${code}」的内容发给我，文字、照片、语音、视频都可以，我会原样加进去，办理的工作人员会看到。\n发完了回复「好了」。`)];
}

/**
 * Starts adding to a tip: `code` when the citizen named one, `words` the first addition when
 * their message already said it. Without a code: their one tip being handled, or the question
 * which (the words wait in the flow for the answer).
 */
export async function startSupplement(turn: Turn, ctx: EngineContext, code: string | undefined, words: string | undefined): Promise<BotReplyPart[]> {
  try {
    if (code) {
      const view = await ctx.desk.getMine(turn.citizen, code);
      if (!view) return [say(notFoundText(code))];
      if (!view.canAdd) return [say(CLOSED(view.code))];
      return begin(turn, ctx, view.code, words);
    }
    const mine = await ctx.desk.listMine(turn.citizen);
    const open = mine.filter((v) => v.canAdd);
    if (open.length === 1) return begin(turn, ctx, open[0]!.code, words);
    if (open.length === 0) {
      return [say(mine.length === 0
        ? '您还没有提交过反映，没有可以补充的。要反映问题，请回复「举报」。'
        : '您反映的事都已经答复或办结了，不能再补充。对答复不满意可以回复「复查 编号 理由」；有新的情况，请回复「举报」重新反映。')];
    }
    const choices = open.slice(0, CHOICES_MAX);
    turn.record.flow = { name: 'supplement', choices: choices.map((v) => v.code), ...(words ? { pending: words } : {}) };
    const more = open.length > CHOICES_MAX ? `\n（只列出最近${CHOICES_MAX}件，其他的请回复「补充 编号」）` : '';
    return [say(`您有${open.length}件反映正在办理，要补充到哪一件？请回复前面的序号：\n${choices.map((v: CitizenTipView, i) => tipLine(v, i)).join('\n')}${more}`)];
  } catch (err) {
    ctx.logger.error(errorFields(err), 'bot: tip lookup for an addition failed');
    return [say(DESK_TROUBLE)];
  }
}

/** A tracking code at the start, as typed: SM and 12 letters or digits, spaces or dashes between. */
const TYPED_CODE = /^S[\s\-_]*M(?:[\s\-_]*[0-9A-Z]){12}/iu;

/** 「补充」, 「补充 编号」, 「补充 编号 内容」: a command, not 「补充医疗保险…」. */
function supplementCommand(text: string): { code?: string; words?: string } | undefined {
  const rest = commandArgs(text, WORDS);
  if (rest === undefined) return undefined;
  if (rest === '') return {};
  const code = parseCode(rest);
  if (!code?.startsWith('SM')) return undefined;
  // What follows the code as typed (spaces or dashes inside it), a number right after it included.
  const typed = rest.normalize('NFKC');
  const codeEnd = TYPED_CODE.exec(typed)?.[0].length ?? typed.length;
  const words = typed.slice(codeEnd).replace(/^[\s,，:：]+/u, '').trim();
  return { code, ...(words ? { words } : {}) };
}

export const supplement: Intent = {
  name: 'supplement',
  match: (turn) => turn.menuIntent === undefined && supplementCommand(turn.text) !== undefined,
  handle(turn, ctx) {
    const asked = supplementCommand(turn.text) ?? {};
    return startSupplement(turn, ctx, asked.code, asked.words);
  },
};

/**
 * Each message while adding; 「好了」 ends it. A whole command (「查询」, 「人工」), and a message
 * one of `commands` takes (「鉴诈 …」, 「查询 SM…」, 「补充 SM…」), goes to its intent instead; the
 * engine ends the flow at any other intent's answer, and says so.
 */
export function supplementAnswer(commands: readonly Intent[]): Intent {
  return {
    name: 'supplement_answer',
    match: (turn) => turn.record.flow?.name === 'supplement' && turn.menuIntent === undefined && !isWholeCommand(turn.text)
      && !commands.some((c) => c.match(turn)),
    handle: addFromFlow,
  };
}

async function addFromFlow(turn: Turn, ctx: EngineContext): Promise<BotReplyPart[]> {
  const flow = turn.record.flow;
  if (flow?.name !== 'supplement') return [];
  if (isWord(turn.text, CANCEL) || (isWord(turn.text, DONE) && (flow.code !== undefined || flow.choices))) {
    delete turn.record.flow;
    if (!flow.code || !flow.added) return [say('好的，没有补充。需要时回复「补充」。')];
    return [say(`好的，您补充的内容都已经加到「${flow.code}」里了，办理的工作人员会看到。回复「查询 ${flow.code}」可以看进度。`)];
  }
  if (flow.code === undefined) {
    const n = parseSmallNumber(turn.text.trim());
    const typed = parseCode(turn.text);
    const code = n !== undefined ? flow.choices?.[n - 1] : flow.choices?.find((c) => c === typed);
    if (!code) return [say('请回复前面的序号（比如「1」）选一件；不补充了请回复「取消」。')];
    return startSupplement(turn, ctx, code, flow.pending);
  }
  const addition = additionOf(turn, turn.text);
  if (!addition) return [say(`这条消息没法加进去。请发文字、照片、语音或视频；发完了回复「好了」。`)];
  return add(turn, ctx, flow, flow.code, addition);
}

/** The note an answer of another intent gets when it ended the adding (engine.ts). */
export const supplementEndedNote = (code: string): string => `（给「${code}」的补充已结束，还要补充请回复「补充」。）`;
