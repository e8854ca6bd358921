// One handler per step of the tip flow. Each returns what to say; moving between steps is a
// matter of setting flow.step. Words that work at every step (取消, 返回, 修改) are handled first.
import { classifyCategory } from '../../tips/rules/category.js';
import { CATEGORIES } from '../../tips/types.js';
import { TIP_STEPS, type TipFlow, type TipStep } from '../conversation.js';
import type { EngineContext, Turn } from '../intent.js';
import { CATEGORY_SURE, type IntentModel } from '../intent-model.js';
import { matchPlace } from '../places.js';
import type { TipCategoryKey } from '../ports.js';
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import { isWord, parseMobile, parseSmallNumber } from '../text.js';
import {
  CANCELLED, MORE_HINT, categoryName, categoryPrompt, confirmPrompt, contactPrompt, descriptionPrompt, editMenu, heldPlaceLine, placePrompt, promptFor,
} from './prompts.js';
import { absorbMedia, addDescription, contactIn, DESCRIPTION_FULL, keepVoice, maskRefusedContact, placeOfLocation, placeOfText } from './draft.js';
import { confirmTip } from './submit.js';

const CANCEL = ['取消', '退出', '不举报了', '不报了'];
// Said as a sigh as often as to stop: asked back, so a draft is never dropped on a guess.
const MAYBE_CANCEL = ['算了', '不要了', '不用了', '不弄了', '不填了', '不想填了', '不想弄了', '不搞了'];
// The citizen does not follow the question: explained, never taken as its answer.
const LOST = [
  '啥意思', '什么意思', '啥', '什么', '不懂', '看不懂', '听不懂', '不明白', '不会', '我不会', '不会弄', '我不会弄', '不会填', '我不会填',
  '怎么弄', '咋弄', '怎么填', '咋填', '怎么搞', '不知道怎么弄', '不知道怎么填',
];
const BACK = ['返回', '上一步', '修改'];
// At 确认, which part to change is asked (editMenu); elsewhere 修改 goes back a step.
const EDIT = ['修改', '改', '要改', '我要改', '改一下', '修改一下', '要修改', '我要修改'];
const EDIT_PARTS: ReadonlyArray<readonly [TipStep, readonly string[]]> = [
  ['category', ['类别', '改类别', '分类']],
  ['description', ['描述', '改描述', '情况', '内容', '事情']],
  ['place', ['地点', '改地点', '地址', '位置']],
  ['contact', ['联系方式', '改联系方式', '电话', '手机', '手机号', '联系电话', '号码']],
];
const DONE = ['好了', '好', '说完了', '完了', '没有了', '没了', '就这些', '完成', '没有'];
const YES = ['是', '对', '是的', '对的', '确认', '嗯', '好的', '没错'];
const TOLD = ['好了', '好', '行', '可以', '说完了', '就这些'];
const SKIP = ['跳过', '不知道', '不清楚', '不记得', '略过'];
const ANONYMOUS = ['匿名', '不留', '不想留', '不方便', '不留了'];
const CONFIRM = ['确认', '提交', '确定', '确认提交'];

// Said inside a draft, these mean the draft itself, never an answer to the step's question
// (「继续」 is not a place, 「重新开始」 not a phone number).
const GO_ON = ['继续', '接着填', '继续填写', '继续举报', '继续反映'];
const START_OVER = ['重新开始', '重来', '重新来', '重新填', '重新填写', '从头开始'];

export async function tipStep(flow: TipFlow, turn: Turn, ctx: EngineContext): Promise<string[]> {
  if (isWord(turn.text, CANCEL)) {
    delete turn.record.flow;
    return [flow.draft.danger ? `${CANCELLED}\n${DANGER_CANCELLED}` : CANCELLED];
  }
  if (isWord(turn.text, MAYBE_CANCEL)) {
    return [`要放弃这次填写吗？确定不提交了，请回复「取消」。\n要接着填写，请回答下面的问题：\n${promptFor(flow)}`];
  }
  if (flow.step === 'confirm' && isWord(turn.text, EDIT)) {
    flow.edit = 'choose';
    return [editMenu()];
  }
  if (isWord(turn.text, BACK)) return [goBack(flow)];
  if (isWord(turn.text, GO_ON)) return [`好的，接着填写。\n${promptFor(flow)}`];
  if (isWord(turn.text, START_OVER)) {
    return [`要放弃这次填写、从头再来，请先回复「取消」，再回复「举报」。\n要接着填写，请回答下面的问题：\n${promptFor(flow)}`];
  }
  // Danger told at a step that asks for something else: the words are what staff must read first.
  const danger = flow.step === 'place' || flow.step === 'contact' || flow.step === 'confirm' ? dangerAtStep(flow, turn, ctx) : undefined;
  if (danger) return [danger];
  switch (flow.step) {
    case 'category': return [categoryStep(flow, turn, ctx)];
    case 'description': return [descriptionStep(flow, turn, ctx)];
    case 'place': return [placeStep(flow, turn, ctx)];
    case 'contact': return [contactStep(flow, turn)];
    case 'confirm': return confirmStep(flow, turn, ctx);
  }
}

function moveTo(flow: TipFlow, step: TipStep): void {
  flow.step = step;
  if (step === 'confirm') delete flow.edit;
}

/**
 * On from an answered step to `next`, and what to ask there; a part answered again after 修改
 * leads back to 确认 instead.
 */
function advance(flow: TipFlow, next: TipStep): string {
  moveTo(flow, flow.edit === 'step' || flow.edit === 'retell' ? 'confirm' : next);
  return promptFor(flow);
}

/**
 * On to the place question, unless the draft has its place already (a location sent before the
 * words, held for the tip): then that is said, and on to the contact.
 */
function toPlace(flow: TipFlow): string {
  const place = flow.draft.place;
  if (!place || flow.edit) return advance(flow, 'place');
  return `${heldPlaceLine(place)}\n${advance(flow, 'contact')}`;
}

function goBack(flow: TipFlow): string {
  // Inside a change asked for at 确认 (修改), back is where it was asked: 确认, the rest kept.
  if (flow.edit) {
    moveTo(flow, 'confirm');
    return `好的，回到核对。\n${confirmPrompt(flow.draft)}`;
  }
  const at = TIP_STEPS.indexOf(flow.step);
  if (at <= 0) return `已经是第一步了。\n${categoryPrompt()}`;
  moveTo(flow, TIP_STEPS[at - 1] ?? 'category');
  if (flow.step === 'category') delete flow.draft.suggested;
  return `好的，回到上一步。\n${promptFor(flow)}`;
}

/** The category a reply names: its number, or a piece of its name, read folded (「矛盾糾紛」). */
function categoryFromAnswer(typed: string): TipCategoryKey | undefined {
  const text = foldToSimplified(typed);
  const n = parseSmallNumber(text);
  if (n !== undefined) return CATEGORIES[n - 1]?.key;
  if (text.length < 2) return undefined;
  return CATEGORIES.find((c) => c.name.includes(text))?.key;
}

/** Sets the category and moves on; what the citizen already said stays as the description. */
export function chooseCategory(flow: TipFlow, key: TipCategoryKey): string {
  flow.draft.category = key;
  delete flow.draft.suggested;
  return `好的，类别：「${categoryName(key)}」。\n${advance(flow, 'description')}`;
}

function modelCategory(text: string, model: IntentModel): TipCategoryKey | undefined {
  const heard = model.classify(text);
  return heard.categoryProbability >= CATEGORY_SURE ? heard.category : undefined;
}

/**
 * Free words at the category step are the start of the description, and a hint for the category:
 * the rules' (classifyCategory), else the sentence model's when it is sure enough (「小区门口有人
 * 摆摊卖假药 专门骗老人」 names no rule's word).
 */
export function describeFirst(flow: TipFlow, text: string, model: IntentModel): string {
  if (!addDescription(flow.draft, text)) return `${DESCRIPTION_FULL}\n${categoryPrompt()}`;
  const guess = classifyCategory(text) ?? modelCategory(text, model);
  if (guess && guess !== 'other') {
    flow.draft.suggested = guess;
    return promptFor(flow);
  }
  return `已记下您说的情况。\n${categoryPrompt()}`;
}

const DANGER_CANCELLED = '如果还有危险，请马上拨打110。';

/**
 * Words told in danger (or the danger itself) at the place, contact or confirm step. They join
 * the description, which staff read first, rather than becoming the place 「他拿刀冲过来了」 or
 * a phone number refused; the step's question is asked again. A place or a mobile number in
 * the same words still answers the step.
 */
function dangerAtStep(flow: TipFlow, turn: Turn, ctx: EngineContext): string | undefined {
  if (!turn.emergency || !turn.text) return undefined;
  const draft = flow.draft;
  if (!addDescription(draft, turn.text)) return `${DESCRIPTION_FULL}\n${promptFor(flow)}`;
  keepVoice(draft, turn.input);
  const added = '您说的情况已补充进描述。';
  if (flow.step === 'place') {
    const match = matchPlace(turn.text, ctx.content.divisions);
    if (match) {
      draft.place = placeOfText(turn.text, match);
      return `${added}\n已记下地点：${match.label}。\n${advance(flow, 'contact')}`;
    }
  }
  if (flow.step === 'contact') {
    const phone = parseMobile(turn.text);
    if (phone) {
      draft.contact = { anonymous: false, phone };
      moveTo(flow, 'confirm');
      return `${added}\n${confirmPrompt(draft)}`;
    }
  }
  return `${added}\n${promptFor(flow)}`;
}

function categoryStep(flow: TipFlow, turn: Turn, ctx: EngineContext): string {
  const media = absorbMedia(flow.draft, turn.input);
  if (media) return `${media}\n${promptFor(flow)}`;
  const text = turn.text;
  if (flow.draft.suggested && isWord(text, YES)) return chooseCategory(flow, flow.draft.suggested);
  // 「好了」 after telling the matter: the category heard, and on to the place. Else the place
  // and the phone number that follow are taken for more of the story.
  if (flow.draft.suggested && isWord(text, TOLD)) {
    const key = flow.draft.suggested;
    chooseCategory(flow, key);
    return `好的，类别：「${categoryName(key)}」，您说的情况已记下。\n${toPlace(flow)}`;
  }
  const chosen = categoryFromAnswer(text);
  if (chosen) return chooseCategory(flow, chosen);
  // Told in danger, short pieces count too (「厕所里」, 「门锁了」): none is dropped as no category.
  if (text.length >= 4 || (flow.draft.danger && text !== '' && !isWord(text, YES))) {
    keepVoice(flow.draft, turn.input);
    return describeFirst(flow, text, ctx.intentModel);
  }
  // 「是」 or 「好了」 with no category guessed: the list is the question.
  if (isWord(text, YES) || isWord(text, TOLD)) return `请从下面选一个类别，回复前面的数字；不知道选哪个，回复「10」也可以，工作人员会帮您分类。\n${categoryPrompt()}`;
  return `没认出来，请回复类别前面的数字，比如「1」。\n${categoryPrompt()}`;
}

function descriptionStep(flow: TipFlow, turn: Turn, ctx: EngineContext): string {
  const draft = flow.draft;
  const media = absorbMedia(draft, turn.input);
  if (media) return `${media}${MORE_HINT}`;
  if (turn.input.kind === 'location') {
    // Sending a location means the citizen has moved on to the place.
    setLocation(flow, turn, ctx);
    if (draft.description.length === 0) return `位置已记下。${descriptionPrompt(draft)}`;
    return `位置已记下。\n${advance(flow, 'contact')}`;
  }
  if (isWord(turn.text, DONE)) {
    if (draft.description.length === 0 && draft.attachments.length === 0) {
      return '还没有收到您的描述，请简单说说发生了什么事。';
    }
    return toPlace(flow);
  }
  if (!turn.text) return descriptionPrompt(draft);
  if (flow.edit === 'retell') {
    // Said again after 修改: the first words replace what was said (which the transcript keeps).
    const before = draft.description;
    draft.description = [];
    if (!addDescription(draft, turn.text)) {
      draft.description = before;
      return DESCRIPTION_FULL;
    }
    flow.edit = 'step';
  } else if (!addDescription(draft, turn.text)) {
    return DESCRIPTION_FULL;
  }
  keepVoice(draft, turn.input);
  return turn.input.kind === 'voice' ? `收到语音：「${turn.text}」。${MORE_HINT}` : `收到。${MORE_HINT}`;
}

function setLocation(flow: TipFlow, turn: Turn, ctx: EngineContext): void {
  const place = placeOfLocation(turn.input, ctx.content.divisions);
  if (place) flow.draft.place = place;
}

function placeStep(flow: TipFlow, turn: Turn, ctx: EngineContext): string {
  const media = absorbMedia(flow.draft, turn.input);
  if (media) return `${media}\n${placePrompt()}`;
  if (turn.input.kind === 'location') {
    setLocation(flow, turn, ctx);
    return `位置已记下。\n${advance(flow, 'contact')}`;
  }
  // 「好了」 sent twice, or after 「是」 took the story, is not a place: say where the citizen is.
  if (isWord(turn.text, DONE)) return `您说的情况已记下，现在要填的是地点。\n${placePrompt()}`;
  if (!turn.text) return placePrompt();
  if (isWord(turn.text, LOST)) return `没关系，我说清楚一点：这一步要填的是地点。\n${placePrompt()}`;
  if (isWord(turn.text, SKIP)) {
    flow.draft.place = { skipped: true };
    return `好的，地点先不填。\n${advance(flow, 'contact')}`;
  }
  const match = matchPlace(turn.text, ctx.content.divisions);
  flow.draft.place = placeOfText(turn.text, match);
  const heard = match
    ? `已记下地点：${match.label}${match.townshipName ? '' : '（具体乡镇工作人员会和您核实）'}。`
    : `已记下地点：「${turn.text}」。`;
  return `${heard}\n${advance(flow, 'contact')}`;
}

function contactStep(flow: TipFlow, turn: Turn): string {
  const media = absorbMedia(flow.draft, turn.input);
  if (media) return `${media}\n${contactPrompt()}`;
  if (isWord(turn.text, ANONYMOUS) || isWord(turn.text, SKIP)) {
    flow.draft.contact = { anonymous: true };
    moveTo(flow, 'confirm');
    return `好的，匿名反映。凭受理编号同样可以查询进度。\n${confirmPrompt(flow.draft)}`;
  }
  const contact = contactIn(turn.text);
  if (!contact) {
    maskRefusedContact(flow.draft);
    // No digit at all (「好了」, 「啥意思」, a place): not a wrong number, the question was missed.
    if (!/[0-9]|[零〇幺一二三四五六七八九]{3}/u.test(turn.text)) {
      return `这一步是请您留个手机号，方便工作人员联系您，比如「13812345678」。\n不想留请回复「匿名」。`;
    }
    return '手机号好像不对，请输入11位手机号，比如「13812345678」；不想留请回复「匿名」。这是为了方便联系您。';
  }
  flow.draft.contact = contact;
  moveTo(flow, 'confirm');
  return confirmPrompt(flow.draft);
}

/** The citizen's 确认 at the confirm step: the one message there that `confirmTip` answers. */
export const isConfirmWord = (text: string): boolean => isWord(text, CONFIRM);

async function confirmStep(flow: TipFlow, turn: Turn, ctx: EngineContext): Promise<string[]> {
  if (isConfirmWord(turn.text)) return confirmTip(flow, turn, ctx);
  const media = absorbMedia(flow.draft, turn.input);
  if (media) return [`${media}\n${confirmPrompt(flow.draft)}`];
  if (flow.edit === 'choose' && turn.input.kind === 'location') {
    // A location sent at the menu is the place to change.
    setLocation(flow, turn, ctx);
    moveTo(flow, 'confirm');
    return [`位置已记下。\n${confirmPrompt(flow.draft)}`];
  }
  if (flow.edit === 'choose') return [chooseEdit(flow, turn.text)];
  return ['请回复「确认」提交；要改请回复「修改」；不提交请回复「取消」。'];
}

/**
 * The part named after 修改 (its number in editMenu, or its name), asked again; a mobile number
 * is the new contact at once. Else the menu again.
 */
function chooseEdit(flow: TipFlow, text: string): string {
  const contact = contactIn(text);
  if (contact) {
    flow.draft.contact = contact;
    moveTo(flow, 'confirm');
    return confirmPrompt(flow.draft);
  }
  const n = parseSmallNumber(text);
  // 「改一下描述」, 「地址写错了」: the part named anywhere in a short answer.
  const named = (words: readonly string[]) => isWord(text, words) || (Array.from(text).length <= 12 && words.some((w) => text.includes(w)));
  const part = n !== undefined ? EDIT_PARTS[n - 1]?.[0] : EDIT_PARTS.find(([, words]) => named(words))?.[0];
  if (!part) return `没认出来。${editMenu()}`;
  flow.step = part;
  if (part === 'description') {
    flow.edit = 'retell';
    return '好的，请重新说一下发生了什么事，说完回复「好了」。不改了也请回复「好了」。';
  }
  flow.edit = 'step';
  return promptFor(flow);
}
