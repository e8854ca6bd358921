// Free words outside any flow, read by understanding.ts: a problem is offered as a tip, a fraud
// victim gets 110 and 96110 first, a greeting is answered in kind, another agency's question
// gets the FAQ's answer, a question about scams gets the anti-fraud guide, a phone number alone
// how to tell a scammer, an ID or card number alone a warning (it is kept nowhere), emoji alone
// a Chinese answer, English the bilingual menu. Only what is still not understood reaches the
// fallback.
import { bestArticle } from './articles.js';
import { fallback } from './fallback.js';
import { checked } from './fraud-check.js';
import type { FraudTopic } from '../fraud-questions.js';
import type { EmojiFeeling } from '../bare-messages.js';
import { say, type EngineContext, type Intent, type Turn } from '../intent.js';
import { isPlaceOnly, matchPlace } from '../places.js';
import { isWord } from '../text.js';
import { MAX_DESCRIPTION_CHARS } from '../../tips/rules/limits.js';
import { placeOfText, recordBot, recordCitizen, startTipFlow, transcriptEntry } from '../tip-flow/draft.js';
import { categoryName, heldPlaceLine, promptFor } from '../tip-flow/prompts.js';
import { DAILY_LIMIT_TEXT, underDailyLimit } from '../tip-flow/submit.js';
import { understand } from '../understanding.js';
import { startSupplement } from './supplement.js';
import type { TipDraft, TipFlow, TipOffer } from '../conversation.js';
import type { TipCategoryKey } from '../ports.js';
import type { BotReplyPart } from '../types.js';

const FRAUD_VICTIM = '先别慌，也别再给对方转钱：请尽快拨打110报警，也可以拨打反诈专线96110。\n'
  // Many write while the caller is still on the line.
  + '对方还在电话里的，马上挂断；验证码、密码不要告诉任何人。\n'
  + '如果已经转了账，马上打您银行卡背面的客服电话，或到银行柜台，说明被骗，申请止付、冻结对方账户：越快越有希望追回。\n'
  + '不要相信说能「帮您追回损失」的人。';

function offer(turn: Turn, category: TipCategoryKey, answered: string): BotReplyPart[] {
  const more = moreToOffer(turn, category);
  if (more) return more;
  turn.record.offer = { category, text: turn.text, said: transcriptEntry(turn.input, turn.now), answered };
  return [say(answered)];
}

const MAX_OFFER_MESSAGES = 20;

/**
 * More of the matter just offered as a tip, told instead of 「是」: it joins the offer's words (the
 * description 「是」 files) with a short answer, rather than the whole answer again and an offer
 * of the new words alone. Not across categories (another matter; 'same' for words of no category,
 * such as a place), not past a description's length or MAX_OFFER_MESSAGES messages (the record
 * holds them all until the answer).
 */
function moreToOffer(turn: Turn, category: TipCategoryKey | 'same', heard = '收到，和您刚才说的记在一起。'): BotReplyPart[] | undefined {
  const before = turn.record.offer;
  if (!before || before.kept || (category !== 'same' && category !== before.category)) return undefined;
  const text = `${before.text}\n${turn.text}`;
  if (text.length > MAX_DESCRIPTION_CHARS) return undefined;
  return offerAgain(turn, before, `${heard}\n${offerLine(before.category)}`, text);
}

/**
 * The offer standing on with this message and its answer after the earlier ones (`TipOffer.earlier`)
 * and these words to file; undefined once it holds MAX_OFFER_MESSAGES.
 */
function offerAgain(turn: Turn, before: TipOffer, answered: string, text: string): BotReplyPart[] | undefined {
  if ((before.earlier?.length ?? 0) >= MAX_OFFER_MESSAGES - 1) return undefined;
  turn.record.offer = {
    ...before, text, said: transcriptEntry(turn.input, turn.now), answered,
    earlier: [...(before.earlier ?? []), { said: before.said, answered: before.answered }],
  };
  return [say(answered)];
}

/**
 * Where it happened, told right after the offer (「在永安市燕西街道」): the place of the matter
 * offered. `alone`: only a message that is the place and little else (read before the words are
 * understood, which might take it for another matter); else any message naming one that was
 * understood as nothing else.
 */
function placeForOffer(turn: Turn, ctx: EngineContext, alone: boolean): BotReplyPart[] | undefined {
  if (!turn.record.offer) return undefined;
  const place = matchPlace(turn.text, ctx.content.divisions);
  if (!place || (alone && !isPlaceOnly(turn.text, place))) return undefined;
  return moreToOffer(turn, 'same', `收到，地点：${place.label}。`);
}

const offerLine = (category: TipCategoryKey) =>
  `现在还没有登记。要我帮您登记成一条「${categoryName(category)}」方面的反映吗？登记后会有工作人员处理，全程保密。\n`
  + '回复「是」开始，您刚才说的就作为情况描述，不用重打；不需要请回复「不用」。';

/**
 * A fraud victim's answer (110 and 96110, stop-payment advice) and the offer of a fraud tip
 * (`record.offer`): for free words and for a scam report that tells a loss (fraud-check.ts).
 */
export function fraudVictimAnswer(turn: Turn, warning?: string): BotReplyPart[] {
  // The scam's own rule of thumb (「…直接给家人本人打电话核实」) right after the numbers.
  const [first, ...rest] = FRAUD_VICTIM.split('\n');
  const answer = warning ? [first, warning, ...rest].join('\n') : FRAUD_VICTIM;
  return offer(turn, 'fraud', `${answer}\n\n${offerLine('fraud')}`);
}

/**
 * A question about scams: the named scam's advice (鉴诈's words for that type) before the guide
 * 「反诈」 shows, then the shelf's best article on it. The guide comes first and alone when the
 * shelf has nothing or fails: the words never wait on the articles.
 */
async function fraudKnowledge(ctx: EngineContext, topic: FraudTopic | undefined): Promise<BotReplyPart[]> {
  const info = topic ? ctx.fraud.typeInfo(topic.type) : undefined;
  const guide = say(`${info ? `【${info.name}】\n${info.advice}\n\n` : ''}${ctx.content.fraudGuide}`);
  if (!topic) return [guide];
  try {
    const article = await bestArticle(topic.search, ctx);
    return article ? [guide, article] : [guide];
  } catch (err) {
    ctx.logger.warn({ err }, 'bot: articles for a fraud question failed');
    return [guide];
  }
}

/**
 * A phone number alone, or asked about in 鉴诈 (fraud-check.ts): most likely one that called them.
 * Nobody can say whose it is.
 */
export const phoneAnswer = (abroad: boolean): string => [
  '我们查不到这个号码是谁的。',
  ...(abroad ? ['这是境外的号码，骗子常从境外打来，要特别小心。'] : []),
  '只要对方让您转账、交钱、说验证码，或者把钱转到「安全账户」，就是诈骗，请马上挂断。',
  '拿不准可以拨打反诈专线96110问一问，也可以用「国家反诈中心」App查一查。',
  '想让我看看对方说的话，请发「鉴诈」加上对方的原话；想留下您的号码反映问题，请先回复「举报」。',
].join('\n');

/** A number sent right after a tip offer: the contact comes later, and the offer still stands. */
export const NUMBER_AT_OFFER = [
  '您发的是您的电话号码吗？登记的时候我会再问联系电话，现在先不用发。',
  '要登记您刚才说的情况，请回复「是」；不需要请回复「不用」。',
  '如果是想问这个号码是不是骗子，请发「鉴诈」加上对方说的话。',
].join('\n');

/**
 * The offer is kept for one more message: a fresh copy, since the engine lets the offer it read
 * at the start of the turn lapse. The number itself is kept nowhere (the offer holds the story only).
 */
function offerStandsForNumber(turn: Turn): BotReplyPart[] {
  if (turn.record.offer) turn.record.offer = { ...turn.record.offer };
  return [say(NUMBER_AT_OFFER)];
}

const PRIVATE_NUMBER = { id_card: '身份证号', bank_card: '银行卡号' } as const;

/** An ID or card number alone. Nothing of the message is kept anywhere: the words say so, and it is true. */
const privateNumberAnswer = (what: keyof typeof PRIVATE_NUMBER) => [
  `${PRIVATE_NUMBER[what]}很要紧，请不要在聊天里发给任何人。在这里反映问题也不用填${PRIVATE_NUMBER[what]}。`,
  '您刚才发的号码，我们这边没有保存。',
  `有人在电话、微信里向您要${PRIVATE_NUMBER[what]}${what === 'bank_card' ? '、密码或验证码' : ''}的，要当心是骗子；拿不准请拨打反诈专线96110。`,
].join('\n');

// A dispute or a case asked about (「离婚财产怎么分」, 「欠的工资能不能要回来」) wants the law's
// answer as much as a tip: the public legal service line gives it, free, before anything is filed.
const ASKS_THE_LAW = /咨询|请问|问一下|问问|想问|怎么(?:分|办|处理|判|算|赔|要回|要)|能不能|可不可以|该不该|合法吗|违法吗|犯法吗|[吗么呢？?]$/u;
const LEGAL_ADVICE = '想问法律上怎么规定，可以拨打12348公共法律服务热线，免费咨询。';
// A report on officials may be made here or to the lines outside this committee, which someone
// wary of its own staff may prefer.
const OTHER_REPORT_LINES = '在这里反映，您的身份严格保密；也可以拨打12337（反映政法干警）或12388（反映党员、公职人员）。';
const legalAdvice = (category: TipCategoryKey, text: string) =>
  category === 'report' ? `${OTHER_REPORT_LINES}\n`
    : (category === 'dispute' || category === 'legal') && ASKS_THE_LAW.test(text) ? `${LEGAL_ADVICE}\n` : '';

// 「怎么办」 asked of the matter just offered, as many ask before they say yes to anything.
const ASKS_WHAT_TO_DO = /^(?:那|那我|我)?(?:该|应该|要|现在)?(?:怎么办|咋办|怎么弄|怎么处理|怎么做|咋整|如何处理|怎么搞)[啊呀呢吗？?！!。.]*$/u;
const NEXT_STEP = '您回复「是」，我帮您登记，会给您一个受理编号，工作人员按规定时间处理，进度可以随时查。';
const WHAT_TO_DO: Partial<Record<TipCategoryKey, string>> = {
  fraud: FRAUD_VICTIM,
  security: '正在发生、有危险的，请马上拨打110。',
  dispute: '邻里、家庭这类纠纷，可以先找村（社区）的调解委员会调解，不收费。想问法律上怎么规定，可以拨打12348。',
  legal: LEGAL_ADVICE,
};

/**
 * 「怎么办」 while a tip offer stands: what can be done now for that kind of matter, and the offer
 * again; the question and its answer go into the transcript (`TipOffer.earlier`, MAX_OFFER_MESSAGES
 * in all), not the words filed.
 */
function whatToDo(turn: Turn): BotReplyPart[] | undefined {
  const before = turn.record.offer;
  if (!before || before.kept || !ASKS_WHAT_TO_DO.test(turn.text)) return undefined;
  const advice = WHAT_TO_DO[before.category];
  return offerAgain(turn, before, `${advice ? `${advice}\n` : ''}${NEXT_STEP}\n${offerLine(before.category)}`, before.text);
}

// A tip sent, to be taken back (「撤回」, 「我想撤回刚才的举报」, 「我不想举报了」): not a transfer to recall.
const WITHDRAW = /(?:撤回|撤销|收回)(?!.{0,8}(?:款|钱|转账|汇款|消息))|(?:不想|不要|不)再?(?:举报|反映|投诉)了/u;
// There is no state for a tip its reporter takes back: staff close it (不予受理, 办结) with the
// reason, reached through 人工 with its code. What the citizen adds or corrects goes by 补充.
const WITHDRAW_ANSWER = '已经提交的反映，在这里没法自己撤回。想撤回，请回复「人工」联系工作人员，告诉他们受理编号（回复「查询」可以看编号），他们会帮您处理。要补充或更正内容，回复「补充」。';
// A change to a tip already sent (「我刚才举报的 地址说错了」, 「我想补充一下材料」): not a new
// matter, but words for that tip (intents/supplement.ts). The message is itself the first
// addition when it says more than the wish to change something (AMEND_ONLY).
const AMEND = /(?:刚才|刚刚|之前|上次|前几天|昨天|已经)(?:举报|反映|投诉|提交|报)(?:的|了)[^。！？!?]{0,12}(?:错|补充|更正|(?<!整)改|漏|忘了)|补充(?:一下|一点|一些)?(?:材料|证据|照片|图片|情况|内容)|(?:补交|补传|补发)(?:材料|证据|照片)/u;
// What is left of a message that only asks to change or add, once these are taken out, is no words.
const AMEND_ONLY = /[\s,，.。!！?？、~～…]|我|想|要|需要|再|刚才|刚刚|之前|上次|前几天|昨天|已经|举报|反映|投诉|提交|报|的|了|有|点|些|一下|一点|一些|东西|问题|事情?|内容|材料|证据|照片|图片|情况|补充|补交|补传|补发|更正|改正|修改|改|错|漏|忘|说|写|填|可以|吗|呢|怎么|办|发|给你们|你们/gu;
const AMEND_DRAFT_ANSWER = '您有一条反映还没填完、还没提交。回复「继续」接着填写，要补充的文字、照片可以直接发。';

/** An FAQ answer before the offer: without its own 「回复「举报」…」, which the offer says instead. */
const agencyLine = (answer: string) => answer.split(/(?<=。)/u).filter((sentence) => !sentence.includes('回复「举报」')).join('');

const HEARSAY = /网上|听说|群里|朋友圈|抖音|快手|视频号|有人说|都在传|传言|传闻|在传/u;
const HEARSAY_ANSWER = '网上和群里传的消息，要以政府部门的官方发布为准（政府网站、官方公众号），拿不准可以打福建12345问一问。'
  + '如果是谣言，可以回复「举报」，选「网络生态」在这里反映。要是让您转账、点链接的，回复「鉴诈」加上内容，我帮您看看是不是诈骗。';

const DISTRESS = '您好，遇到什么事了吗？可以直接打字或发语音告诉我。紧急情况请马上拨打110。';
const THANKS = '不客气，这是我们应该做的！';
const HELLO = '您好！我是「平安三明」小助手。';

/**
 * Emoji alone, in Chinese: someone who may be upset is asked what happened; thanks and hello in
 * kind. A smile or a thumbs-up thanks only for something said: as a first message, or after the
 * idle timeout, it is a hello.
 */
function emojiAnswer(feeling: EmojiFeeling, turn: Turn, ctx: EngineContext): string {
  if (feeling === 'distress') return DISTRESS;
  const answered = turn.lastMessageAt !== undefined && turn.now.getTime() - turn.lastMessageAt.getTime() <= ctx.config.bot.idleTimeoutSeconds * 1000;
  return `${feeling === 'thanks' && answered ? THANKS : HELLO}\n${ctx.content.shortMenu}`;
}

async function answerFreeText(turn: Turn, ctx: EngineContext): Promise<BotReplyPart[] | undefined> {
  const u = understand(turn.text, { faq: ctx.content.faq, fraud: ctx.fraud, model: ctx.intentModel });
  ctx.logger.debug({ understood: u.intent }, 'bot: understood');
  switch (u.intent) {
    case 'problem':
      // Nothing is filed until the citizen says yes: the words must not suggest otherwise.
      // Another agency's line for such a matter (the FAQ's), or the legal service line, first.
      return offer(turn, u.category, `${u.faq ? `${agencyLine(u.faq.answer)}\n` : legalAdvice(u.category, turn.text)}您说的情况，听起来是「${categoryName(u.category)}」方面的问题。\n${offerLine(u.category)}`);
    case 'fraud_victim':
      return fraudVictimAnswer(turn, u.warning);
    case 'fraud_check':
      // Hearsay asked about with nothing of a scam in it (「网上说三明要拆迁 是真的吗」): where to
      // check it, not 「暂未发现明显风险」, which would read as 「it is true」.
      if (u.verdict.risk === 'low' && HEARSAY.test(turn.text)) return [say(HEARSAY_ANSWER)];
      // Checked again with citizens' reports: a number several citizens reported is 高风险.
      return checked(turn, ctx, turn.text, '您发来的内容我帮您看了一下：\n');
    case 'greeting':
      return [say(`${u.thanks ? THANKS : HELLO}\n${ctx.content.shortMenu}`)];
    case 'other_agency':
      return [say(u.faq.answer)];
    case 'foreign':
      return [say(ctx.content.bilingualMenu)];
    case 'fraud_knowledge':
      return fraudKnowledge(ctx, u.topic);
    case 'phone_number':
      // Right after 「要登记吗？」 a number of their own is most likely their contact, given early.
      if (u.personal && turn.record.offer) return offerStandsForNumber(turn);
      return [say(phoneAnswer(u.abroad))];
    case 'private_number':
      return [say(privateNumberAnswer(u.what))];
    case 'emoji':
      return [say(emojiAnswer(u.feeling, turn, ctx))];
    case 'unknown':
      return undefined;
  }
}

/** Free text or recognised voice, outside any flow and not a command. */
export const understood: Intent = {
  name: 'understood',
  match: (turn) => turn.record.flow === undefined && turn.menuIntent === undefined && turn.text !== '',
  async handle(turn, ctx) {
    if (WITHDRAW.test(turn.text)) return [say(WITHDRAW_ANSWER)];
    // With an offer standing, more words are for that offer (they join it); with a draft put aside
    // (not sent yet), they are for that draft.
    if (!turn.record.offer && AMEND.test(turn.text)) {
      if (turn.record.suspended) return [say(AMEND_DRAFT_ANSWER)];
      return startSupplement(turn, ctx, undefined, turn.text.replace(AMEND_ONLY, '') === '' ? undefined : turn.text);
    }
    return whatToDo(turn) ?? placeForOffer(turn, ctx, true) ?? (await answerFreeText(turn, ctx)) ?? placeForOffer(turn, ctx, false)
      ?? fallback.handle(turn, ctx);
  },
};

/** Yes to 「要登记吗？」, wherever it was asked: at the offer, and for a danger draft put aside (resume.ts). */
export const YES_TO_FILE = ['是', '是的', '对', '对的', '好', '好的', '可以', '要', '要的', '需要', '登记', '帮我登记', '嗯', '嗯嗯', '行', '确定'];
const NO = ['不用', '不用了', '不要', '不需要', '不', '不了', '算了', '否', '不登记'];

/** The answer to a tip offered at the last message: 「是」 files it, 「不用」 drops it. */
export const offerAnswer: Intent = {
  name: 'tip_offer',
  match: (turn) => turn.record.flow === undefined && turn.record.offer !== undefined && isWord(turn.text, [...YES_TO_FILE, ...NO]),
  async handle(turn, ctx) {
    const offered = turn.record.offer;
    delete turn.record.offer;
    if (!offered || !isWord(turn.text, YES_TO_FILE)) {
      // Photos held for the matter offered go with it.
      delete turn.record.held;
      return [say(`好的，不登记。${offered?.danger ? '如果还有危险，请马上拨打110。\n' : ''}${ctx.content.shortMenu}`)];
    }
    if (offered.kept) return fileKept(turn, ctx, offered.kept);
    if (!(await underDailyLimit(turn, ctx, offered.danger))) return [say(DAILY_LIMIT_TEXT(ctx.config.bot.tipsPerDay))];
    const flow = startTipFlow(turn);
    const draft = flow.draft;
    for (const { said, answered } of [...(offered.earlier ?? []), offered]) {
      draft.transcript.push(said, { at: said.at, from: 'bot', kind: 'text', text: answered });
    }
    recordCitizen(draft, turn);
    draft.category = offered.category;
    if (offered.danger) draft.danger = true;
    draft.description.push(offered.text);
    const place = matchPlace(offered.text, ctx.content.divisions);
    if (place) draft.place = placeOfText(offered.text, place);
    // A location sent before the words (held for the tip) is the place when they name none.
    flow.step = draft.place ? 'contact' : 'place';
    const heard = place ? `地点：${place.label}（不对可以回复「返回」修改）\n`
      : draft.place ? `${heldPlaceLine(draft.place)}\n` : '';
    const parts = [say(`好的，现在按「${categoryName(offered.category)}」帮您填写，您说的情况已记下。\n${heard}${promptFor(flow)}`)];
    recordBot(draft, parts, turn.now);
    return parts;
  },
};

/**
 * A danger offer taken up (「是」, or 「举报」 while it stands): its draft, with everything said
 * and sent since the danger words, becomes the open tip, at the place (or, with one already
 * known, the contact) question. Told in danger, it is never refused by the daily limit.
 */
export function fileKept(turn: Turn, ctx: EngineContext, draft: TipDraft): BotReplyPart[] {
  const flow: TipFlow = { name: 'tip', step: 'place', draft };
  turn.record.flow = flow;
  delete turn.record.offer;
  recordCitizen(draft, turn);
  let heard = '';
  if (!draft.place) {
    // The first piece of what they told that names a place.
    for (const text of draft.description) {
      const place = matchPlace(text, ctx.content.divisions);
      if (!place) continue;
      draft.place = placeOfText(text, place);
      heard = `地点：${place.label}（不对可以回复「返回」修改）\n`;
      break;
    }
  } else {
    heard = '位置已记下（不对可以回复「返回」修改）。\n';
  }
  flow.step = draft.place ? 'contact' : 'place';
  const category = draft.category ?? 'other';
  draft.category = category;
  const parts = [say(`好的，现在按「${categoryName(category)}」帮您填写，您说的情况已记下。\n${heard}${promptFor(flow)}`)];
  recordBot(draft, parts, turn.now);
  return parts;
}
