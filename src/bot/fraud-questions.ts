// A question about scams themselves: which there are, what one is, how to tell or avoid them
// (「养老诈骗有哪些」, 「怎么识别杀猪盘」, 「怎样才能不被骗」). Answered with the anti-fraud
// knowledge, not offered as a tip. understanding.ts decides when such words are a question and not
// a victim's story, a message to check or a matter to report; this file only reads the words.
// Over the compact text (rules/plain-text.ts).
import type { FraudTypeKey } from '../alerts/fraud/index.js';
import { wordUnion } from '../tips/rules/plain-text.js';

/** The kind of scam a question names, and the word the article shelf is searched with. */
export interface FraudTopic {
  type: FraudTypeKey;
  search: string;
}

const ABOUT_FRAUD = wordUnion(['骗', '诈', '套路', '杀猪盘']);

const ASKS_KNOWLEDGE = wordUnion([
  '(有|都有|还有)哪些', '有(什么|啥|哪几种|几种|多少种)', '(哪几|几|多少)种', '(是|叫)(什么|啥)', '(什么|啥)(是|叫)', '怎么回事',
  '(怎么|如何|怎样|咋|怎么样)(才能|才会|能|去|来|样)?(防|识别|辨别|分辨|判断|看出|认出|区分|应对|提防|避免|不被|不上当|不受骗|才不)',
  '常见', '的(套路|手段|手法|伎俩|花招|特征|特点|类型|种类|表现)(有|是)?$', '(要|该)?注意(什么|啥|哪些|些什么)', '注意事项',
  '(一般|通常|常常|经常|都)(是)?(怎么|如何|用什么|用啥)', '(讲讲|讲一讲|介绍一下|科普)',
  '防(骗|诈)(小)?(知识|技巧|常识|方法|办法|指南|妙招|窍门)', '反诈(小)?(知识|常识)',
]);

// Words of prevention that name being cheated without telling of it: 「怎样才能不被骗」.
export const PREVENTION = /(防止|避免|以免|免得|防|不|别|不再|不会|才能不|才不会)(被骗|受骗|上当|被人骗|上当受骗)/gu;

/** The scams a question may name, most specific first; the words are the citizen's, not the publicity's. */
const TOPICS: ReadonlyArray<FraudTopic & { words: RegExp }> = [
  { type: 'sextortion', words: /裸聊|视频敲诈/u, search: '裸聊' },
  { type: 'romance', words: /杀猪盘|网恋|婚恋|交友|相亲/u, search: '杀猪盘' },
  { type: 'credit', words: /征信|校园贷/u, search: '征信' },
  { type: 'loan', words: /贷款|网贷|借贷|放款/u, search: '贷款' },
  { type: 'rebate', words: /刷单|返利|做任务|点赞/u, search: '刷单' },
  { type: 'investment', words: /投资|理财|炒股|股票|荐股|炒币|虚拟币|数字货币|带单/u, search: '投资' },
  { type: 'customer_service', words: /客服|退款|理赔|快递/u, search: '客服' },
  { type: 'police', words: /公检法|警察|公安|民警|检察|法院|安全账户|洗钱/u, search: '公检法' },
  { type: 'acquaintance', words: /领导|熟人|亲友|老板|亲戚|老同学/u, search: '熟人' },
  { type: 'game', words: /游戏|装备/u, search: '游戏' },
  { type: 'code', words: /验证码/u, search: '验证码' },
  { type: 'phishing', words: /链接|钓鱼|网址/u, search: '链接' },
  { type: 'prize', words: /中奖|抽奖|领奖/u, search: '中奖' },
  { type: 'shopping', words: /购物|网购|低价|代购/u, search: '购物' },
  { type: 'pension', words: /养老|保健品|老年人|老人/u, search: '养老' },
];

/**
 * Whether the compact text asks about scams, and the scam it names (undefined topic: scams in
 * general). Undefined when it does not read as such a question.
 */
export function fraudQuestion(t: string): { topic?: FraudTopic } | undefined {
  if (!ABOUT_FRAUD.test(t) || !ASKS_KNOWLEDGE.test(t)) return undefined;
  const named = TOPICS.find((topic) => topic.words.test(t));
  return named ? { topic: { type: named.type, search: named.search } } : {};
}
