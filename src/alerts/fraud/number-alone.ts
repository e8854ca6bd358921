// A text that gives nothing to judge but a number: a phone number (any notation) alone, or with
// only the words people put around a number they ask about (「这个号码138…是不是骗子」, 「帮我查查
// 这个号 +86 138…」, 「这个电话靠谱吗 0598-…」). A number says nothing of who calls from it, so the
// checker gives such a text no risk either way (`unknown`, checker.ts). Pure.

// A number as written: digits with the separators of any notation, a plus before a country code.
const NUMBER = /\+?\d[\d\-.()]*/g;
// A phone number has five digits (95588, 12345) to fifteen (0086 and a mobile; E.164's longest):
// a longer one is a card or an ID number, not a caller.
const PHONE_DIGITS = 5;
const LONGEST_PHONE = 15;

// Words that only point at the number, say how it reached them, ask whether it is a scam, ask for
// help with it or ask whose it is. Anything else in the text is something to judge.
const ASKING = [
  '这个', '那个', '这是', '这', '那', '该', '此', '个',
  '电话号码', '手机号码', '手机号', '电话', '手机', '号码', '座机', '固话', '来电', '陌生', '号', '归属地',
  '打来的', '打来', '打过来', '打给我', '给我打', '打电话', '打了', '打', '接到', '收到', '一直', '老是', '总是', '刚才', '刚刚', '今天', '昨天', '好几次', '几次',
  '是不是', '是否', '会不会', '不是', '是', '骗子', '诈骗', '骗人', '骗局', '假的', '真的', '真假', '坏人', '还是',
  '靠谱', '可靠', '可信', '能不能信', '能信', '信得过', '安全', '正常', '有没有问题', '有问题', '没问题', '要不要接', '接不接', '能接', '可以接',
  '帮我', '帮忙', '请', '麻烦', '你们', '你', '您', '给我', '我', '一下', '查查', '查一查', '查', '看看', '看', '鉴定', '鉴别', '问问', '问',
  '谁的', '是谁', '谁', '哪里的', '哪里', '哪儿', '哪个', '地方', '什么', '人',
  '吗', '么', '嘛', '呢', '啊', '吧', '呀', '的', '了', '啦', '哦', '哈',
];
// Longest first, so that a word is never cut by a shorter one inside it.
const ASKING_WORDS = new RegExp([...ASKING].sort((a, b) => b.length - a.length).join('|'), 'gu');
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/gu;

/**
 * Whether the text (in the checker's text form: NFKC, folded, lower case, no spaces) holds a
 * phone number and nothing to judge beside it but words asking about that number.
 */
export function numberAlone(form: string): boolean {
  const digits = (form.match(NUMBER) ?? []).map((n) => n.replace(/\D/g, '').length);
  if (!digits.some((d) => d >= PHONE_DIGITS) || digits.some((d) => d > LONGEST_PHONE)) return false;
  return form.replace(NUMBER, '').replace(ASKING_WORDS, '').replace(PUNCTUATION_OR_SYMBOL, '') === '';
}

/**
 * Whether the text (in the checker's text form) only asks, with nothing to judge at all: no number
 * and no word but the asking ones (「这个号码是骗子吗」, 「是真的吗」). Such a text is no message
 * to check: the citizen is asked for what they were sent or told.
 */
export function onlyAsking(form: string): boolean {
  return !/\d/.test(form) && form.replace(ASKING_WORDS, '').replace(PUNCTUATION_OR_SYMBOL, '') === '';
}
