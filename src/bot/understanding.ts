// What a free message outside any flow is, for citizens who never read the menu: a problem to
// file, a fraud victim's story, a message to check for fraud, a greeting, a question for another
// agency, or English/emoji only. Word rules over the compact text, the sentence model of
// intent-model.ts, the category classifier of src/tips/rules and the 鉴诈 checker of src/alerts.
import type { FraudChecker, FraudVerdict } from '../alerts/fraud/checker.js';
import { classifyCategory } from '../tips/rules/category.js';
import { compactText, wordUnion } from '../tips/rules/plain-text.js';
import type { Category } from '../tips/types.js';
import type { FaqEntry } from './content.js';
import { CATEGORY_SURE, type IntentModel } from './intent-model.js';
import { bareMessage, type BareMessage, type EmojiFeeling } from './bare-messages.js';
import { fraudQuestion, PREVENTION, type FraudTopic } from './fraud-questions.js';

export type Understood =
  /** `faq`: another agency's line for such a matter, told before the offer (「拖欠工资」: 12333). */
  | { intent: 'problem'; category: Category; faq?: FaqEntry }
  /** `warning`: the checker's first reason, for a scam told as going on now. */
  | { intent: 'fraud_victim'; warning?: string }
  | { intent: 'fraud_check'; verdict: FraudVerdict }
  | { intent: 'greeting'; thanks: boolean }
  | { intent: 'other_agency'; faq: FaqEntry }
  | { intent: 'foreign' }
  /** A question about scams themselves (what there are, how to tell them), and the scam it names. */
  | { intent: 'fraud_knowledge'; topic?: FraudTopic }
  /** A phone number alone (a public line the FAQ knows, such as 12345, is `other_agency`). */
  | { intent: 'phone_number'; abroad: boolean; personal: boolean }
  /** An ID or bank card number alone: never kept, and the citizen is told not to send it around. */
  | { intent: 'private_number'; what: 'id_card' | 'bank_card' }
  | { intent: 'emoji'; feeling: EmojiFeeling }
  | { intent: 'unknown' };

const HAS_CJK = /\p{Script=Han}/u;
const HAS_LETTER_OR_SYMBOL = /[\p{L}\p{Extended_Pictographic}]/u;

const GREETING = wordUnion([
  '^(你好|您好|哈喽|哈啰|嗨|喂|在吗|在不在|有人吗|有人在吗|早上好|早安|中午好|下午好|晚上好|晚安|再见|拜拜)',
  // Not 「有人在河里电鱼」 nor 「他现在不还钱」: someone there is asked after, at the end.
  '^在不', '(你好|您好|在吗|在不在|有人吗|(有人|工作人员|客服|人工)在(线|岗|班)?(吗|嘛|么|呢|不|没|$))', '新年快乐', '节日快乐', '工作顺利',
]);
const THANKS = wordUnion(['谢谢', '感谢', '多谢', '辛苦', '麻烦你们了', '点赞', '点个赞', '做得不错', '做得好', '给力', '好的', '嗯嗯', '收到']);

// The citizen lost money or is losing it now (also read by intents/fraud-check.ts).
export const LOSS = wordUnion([
  '被骗', '骗了', '受骗', '上当', '被人骗', '骗走', '骗去',
  '(已经|我|他|她|我妈|我爸|老人|老头子?|老伴)?(转了|交了|付了|汇了|打了|借了|投了|充了|给了)[^没]{0,12}(钱|块|元|万|千|百|验证码|定金|押金|[0-9])',
  '(钱|卡里的钱|余额)(全|都)?(没了|不见了|被转走|转走了|少了)', '(卡|账户|微信|支付宝)(里)?(少了|被转走)', '转走(了)?',
  '(拉黑|删了我|联系不上|找不到(人|他|她|那伙人)|不回(了|消息)|提不出来|提现不了|不能提现|不发货|打不开)',
  '(已经|我)按(他|她|对方)说的', '还要(转|交|付)', '(转|付|交|汇)了.{0,10}(过去|给他|给她|给对方)', '收了我', '把我.{0,8}(转走|删了|拉黑)',
]);

/** Someone who saw through it (「我没上当」, 「还好没转钱」): not a victim, whatever they were told. */
export const NOT_FOOLED = /(没|没有|并没有|幸好没|还好没)(被骗|受骗|上当|上他们?的当|转(账|钱)|理他)|识破/u;
// Someone is telling the writer (or their family) what to do.
export const TOLD_TO_ME = wordUnion([
  '(让|叫|要|逼|喊)(我|我们|我妈|我爸|我老公|我老婆|我家|老人)', '(打电话|来电|打来|加我|联系我).{0,12}(说|让|叫|要)', '跟我说', '说我',
]);

// Signs that the one who took the money was not who they said.
const DECEIVED = wordUnion([
  '骗', '假的', '根本没(这个人|有)', '不发货', '联系不上', '拉黑', '删了', '不认识我', '提不出', '打不开', '人好好的', '不是他', '转走', '冒充', '才知道',
]);

const ASK_IF_FRAUD = wordUnion([
  '是不是(骗|诈|假)', '是真的(吗|还是)', '真的假的', '真假', '能信吗', '可信吗', '靠谱吗', '可靠吗', '正常吗', '帮(我|忙)(看|查|鉴)',
  '是骗人的吧', '是骗子吧', '会不会是骗', '是骗局吗', '有没有问题', '该不该(转|交|付|信)', '要不要(转|交|付|信)', '能不能(转|交|付|信)',
]);

const PROBLEM = wordUnion([
  '找谁', '找哪', '谁来管', '谁管', '管不管', '有没有人管', '没人管', '管管', '管一管', '反映', '投诉', '举报', '查查', '查一下他们', '来查',
  '不给', '不退', '不赔', '不还', '不修', '没人修', '不肯', '拖着', '拖欠', '霸占', '乱收', '乱罚', '乱停', '乱倒', '乱排', '堵(了|住|着)', '坏了',
  '合理吗', '凭什么', '怎么办', '能不能(帮|管|处理|调解)', '帮忙(调解|反映|处理)', '受不了', '太吵', '扰民', '违法', '不公', '欺负', '咬(了|人|伤)',
  '提心吊胆', '又脏又臭', '归谁', '不归', '互相推', '推来推去', '踢皮球', '针对我', '算不算', '罚了', '占道', '走不过去', '过不去', '没法(住|过|做|搞)',
  '冒领', '冒用', '被人(领|取|用|花|转)(走|了)',
]);

const PRAISE = wordUnion(['点赞', '点个赞', '做得不错', '做得好', '辛苦', '谢谢', '感谢']);

// Looks pasted from an SMS or a chat rather than typed as a question.
const PASTED = /【|】|https?:|www\.|\.(cn|com|cc|top|xyz|vip)\b|对方[:：]|回复?(t|td)退订/iu;

const AGENCY_QUESTION = wordUnion([
  '怎么', '如何', '去哪', '在哪', '哪里', '哪个', '什么材料', '要带', '多久', '能不能', '可不可以', '可以', '吗', '么', '咋', '流程', '手续', '预约', '多少',
]);

// Each entry's keywords in the compact form, made once per entry rather than at every message.
const compactKeywords = new WeakMap<FaqEntry, string[]>();

/** Whether the keyword is in the text; a number (12345) only whole, never inside a longer one (13859812345). */
function holds(compact: string, kw: string): boolean {
  if (!/^\d|\d$/.test(kw)) return compact.includes(kw);
  for (let at = compact.indexOf(kw); at !== -1; at = compact.indexOf(kw, at + 1)) {
    if (!/\d/.test(compact[at - 1] ?? '') && !/\d/.test(compact[at + kw.length] ?? '')) return true;
  }
  return false;
}

/** The FAQ entry of a public line (12345, 12315) whose number stands alone in the compact text. */
function faqLineIn(compact: string, faq: readonly FaqEntry[]): FaqEntry | undefined {
  return faq.find((e) => e.keywords.some((k) => /^\d+$/.test(k) && holds(compact, k)));
}

/** The FAQ entry whose longest keyword the text contains. */
function findFaq(compact: string, faq: readonly FaqEntry[]): FaqEntry | undefined {
  let best: { entry: FaqEntry; length: number } | undefined;
  for (const entry of faq) {
    let keywords = compactKeywords.get(entry);
    if (!keywords) compactKeywords.set(entry, (keywords = entry.keywords.map(compactText)));
    for (const kw of keywords) {
      if (kw && holds(compact, kw) && (!best || kw.length > best.length)) best = { entry, length: kw.length };
    }
  }
  return best?.entry;
}

const LONG_ENOUGH = 12;
const SHORT = 6;

// A question about scams is short; a longer message about them tells a story.
const KNOWLEDGE_MAX = 36;
// Something that happened to the writer, or a matter to take somewhere: not a question about scams.
const STORY_OR_REPORT = wordUnion([
  '收到', '接到', '刚才', '刚刚', '加了我', '加我', '给我打', '打给我', '给我发', '发给我', '这条', '这是', '这个人', '那个人', '有人',
  '部门', '管', '举报', '报警', '立案',
]);

/** A number or emoji alone: what it most likely is (a public line the FAQ knows gets its answer). */
function understandBare(bare: BareMessage, deps: UnderstandingDeps): Understood {
  switch (bare.kind) {
    case 'emoji': return { intent: 'emoji', feeling: bare.feeling };
    case 'private_number': return { intent: 'private_number', what: bare.what };
    case 'phone': {
      const line = faqLineIn(bare.digits, deps.faq);
      return line ? { intent: 'other_agency', faq: line } : { intent: 'phone_number', abroad: bare.abroad, personal: bare.personal };
    }
  }
}

/** A problem to offer as a tip, with the line of the agency the FAQ names for it, if any. */
function problemOf(category: Category, faq: FaqEntry | undefined): Understood {
  return { intent: 'problem', category, ...(faq ? { faq } : {}) };
}

/** The FAQ's answer; for a matter this account also takes (its `category`), the answer and the offer. */
function answerOf(faq: FaqEntry): Understood {
  return faq.category ? problemOf(faq.category, faq) : { intent: 'other_agency', faq };
}

export interface UnderstandingDeps {
  faq: readonly FaqEntry[];
  fraud: FraudChecker;
  model: IntentModel;
}

// From this probability the sentence model's intent counts (its category: CATEGORY_SURE).
const MODEL_SURE = 0.5;

/**
 * Word rules first where they name the case outright (a loss to a deceit, 「是不是骗子」, a pasted
 * scam, a short greeting); then the sentence model (intent-model.ts), which reads the stories
 * that name no keyword; then the rules again for what the model is unsure of.
 */
export function understand(text: string, deps: UnderstandingDeps): Understood {
  // A number or emoji alone has no words to read: a Chinese citizen sends them far more often than
  // a foreigner does.
  const bare = bareMessage(text);
  if (bare) return understandBare(bare, deps);
  const t = compactText(text);
  if (!HAS_CJK.test(text)) return HAS_LETTER_OR_SYMBOL.test(text) || t === '' ? { intent: 'foreign' } : { intent: 'unknown' };
  if (!t) return { intent: 'unknown' };

  const category = classifyCategory(text);
  const verdict = deps.fraud.check(text);
  // Nothing to judge but a number asked about (「13859812345是骗子吗」): 鉴诈 answers it with the
  // answer to a phone number (a number staff confirmed is high), unless it is a public line the FAQ names.
  if (verdict.risk === 'unknown') {
    const line = faqLineIn(t, deps.faq);
    return line ? { intent: 'other_agency', faq: line } : { intent: 'fraud_check', verdict };
  }
  const flagged = verdict.risk === 'high' || verdict.risk === 'medium';
  const fraudish = flagged || category === 'fraud';
  // 「怎样才能不被骗」 names being cheated without telling of it.
  const fooled = !NOT_FOOLED.test(t);
  if (fooled && LOSS.test(t.replace(PREVENTION, '')) && (fraudish || DECEIVED.test(t))) return { intent: 'fraud_victim' };
  if (ASK_IF_FRAUD.test(t) || (flagged && PASTED.test(text))) return { intent: 'fraud_check', verdict };
  // Told as happening to them (「有人打电话说是公安局的，让我转钱到安全账户」): a victim now, who
  // needs 110 and 96110 before a verdict.
  if (fooled && verdict.risk === 'high' && TOLD_TO_ME.test(t)) return { intent: 'fraud_victim', ...(verdict.reasons[0] ? { warning: verdict.reasons[0] } : {}) };

  const problem = PROBLEM.test(t);
  // A short question about scams themselves, not about something that happened or is to be reported.
  const knowledge = t.length <= KNOWLEDGE_MAX && !problem && !TOLD_TO_ME.test(t) && !STORY_OR_REPORT.test(t) && !THANKS.test(t)
    && !PASTED.test(text) ? fraudQuestion(t) : undefined;
  if (knowledge) return { intent: 'fraud_knowledge', ...knowledge };
  const greeting = GREETING.test(t) || THANKS.test(t);
  if (t.length <= 24 && !problem && (!category || PRAISE.test(t)) && greeting) {
    return { intent: 'greeting', thanks: THANKS.test(t) && !GREETING.test(t) };
  }
  const faq = findFaq(t, deps.faq);
  if (faq && !problem && (AGENCY_QUESTION.test(t) || t.length < LONG_ENOUGH)) return answerOf(faq);
  const guess = deps.model.classify(text);
  // Where neither the rules nor a sure model name the category, a high-risk scam in it makes it a fraud.
  const heard = guess.categoryProbability >= CATEGORY_SURE ? guess.category : category ?? (verdict.risk === 'high' ? 'fraud' : guess.category);
  // A few words give the sentence models too little to go on: 「匿名」 is not a scam.
  if (guess.probability >= MODEL_SURE && t.length >= SHORT) {
    switch (guess.intent) {
      case 'problem': return problemOf(heard, faq);
      case 'fraud_victim': if (fooled) return { intent: 'fraud_victim' }; break;
      case 'fraud_check': return { intent: 'fraud_check', verdict };
      case 'greeting': if (greeting) return { intent: 'greeting', thanks: THANKS.test(t) && !GREETING.test(t) }; break;
      // Only with a topic the FAQ knows: 「今天天气怎么样」 is not a question for an agency.
      case 'other_agency': if (faq) return answerOf(faq); break;
    }
  }
  if (t.length >= LONG_ENOUGH && (verdict.risk === 'high' || (verdict.risk === 'medium' && !problem && !category))) return { intent: 'fraud_check', verdict };
  if (category) return problemOf(category, faq);
  if (faq) return answerOf(faq);
  // Someone who writes a whole sentence to this account is telling of a matter: offering to
  // file it (they can say no) serves them better than 「没能明白」.
  if ((problem && t.length >= 6) || t.length >= LONG_ENOUGH) return problemOf(heard, faq);
  return { intent: 'unknown' };
}
