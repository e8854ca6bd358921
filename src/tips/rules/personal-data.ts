// Personal data inside free text: found in any notation citizens type, and replaced by a mask.
// Citizen texts are stored masked, with the original sealed beside the reporter identity
// (desk.ts, seal.ts); staff views mask again whatever staff wrote (views.ts); logs never carry
// message text. Public service lines (110, 12345, 96110, 400…) are not personal and stay.
//
// What is found, after folding the notations (full-width, circled and Chinese digits 一三九 /
// 壹叁玖 / 幺 / 两 / 〇零, spaces, dashes, dots and brackets between digits, +86 / 0086; commas,
// 、, ~, bullets, a single * and line breaks too, but only inside a number recognised whole, see
// LIST_MARKS; characters that show nothing, such as a zero-width joiner or a variation selector,
// and the keycap mark of 1️⃣ are read through):
// - mobile numbers (1[3-9] + 9 digits)                     → 139****5678
// - landlines with an area code (0598-8xxxxxx, 010, 02x)   → 0598-****1234
// - resident ID numbers (18 characters, or the old 15)     → 350402********123X
// - bank cards (16–19 digits) and other digit runs of 12+  → ************1234
// - e-mail addresses                                       → z***@qq.com
// - after a contact word (电话, 手机, 座机, 联系, QQ, 微信…): a number of 7+ digits (5+ for QQ),
//   or a WeChat id                                         → *****78 / w***
// - the writer's own name after the words that introduce it (我叫, 本人, 举报人：, 姓名：, 落款,
//   我是退休教师…): a surname, one or two more characters, then a pause → *** (selfNames)
// Digit runs are read across separators and cut where a number is recognised; whatever is left
// of 12 digits or more (not across a list mark) is masked too. Masks never match again: masking
// is idempotent.

/** Bumped whenever the rule finds more: the reseal (tips/reseal.ts) then passes every older row again. */
export const PERSONAL_DATA_RULE_VERSION = 7;

export type PersonalDataKind = 'mobile' | 'landline' | 'id_card' | 'bank_card' | 'number' | 'email' | 'contact' | 'name';

export interface PersonalDataSpan {
  kind: PersonalDataKind;
  start: number;
  /** Exclusive. */
  end: number;
  mask: string;
  /** What was found, in plain form: ASCII digits (no +86) or the e-mail / id / name as written. Never stored or logged. */
  value: string;
}

const DIGITS = new Map<string, string>();
for (let d = 0; d <= 9; d += 1) {
  DIGITS.set(String(d), String(d));
  DIGITS.set(String.fromCharCode(0xff10 + d), String(d));
  // Circled forms the input edge's NFKC leaves as they are: ❶ ➀ ➊ ⓵ (① folds to 1 there).
  if (d > 0) for (const one of [0x2776, 0x2780, 0x278a, 0x24f5]) DIGITS.set(String.fromCharCode(one + d - 1), String(d));
}
DIGITS.set('⓿', '0');
[['〇零⓪', '0'], ['一壹幺①', '1'], ['二贰两②', '2'], ['三叁③', '3'], ['四肆④', '4'], ['五伍⑤', '5'], ['六陆⑥', '6'], ['七柒⑦', '7'], ['八捌⑧', '8'], ['九玖⑨', '9']]
  .forEach(([chars, d]) => { for (const c of chars ?? '') DIGITS.set(c, d ?? ''); });

// What people put between the digits of one number. A gap between two digit groups holds at most
// MAX_GAP of them, two spaces in a row counting as one (「138  -  1234  -  5678」 is three, and so
// are six spaces); the wider gaps of a table's columns still part its numbers.
const SPACES = new Set([' ', '\u00a0', '\u3000']);
const SEPARATORS = new Set([
  ...SPACES, '-', '－', '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '﹘', '.', '．', '·', '・', '_', '(', ')', '（', '）', '+', '＋', '/',
]);
// Characters that show nothing: a number written with them reads as the number alone, so they
// neither part digits nor count as a gap (zero-width space and joiners, direction marks and
// embeddings, word joiner, soft hyphen, BOM; the input edge keeps ZWJ and ZWNJ for emoji). So do
// variation selectors and the combining grapheme joiner, which the input edge keeps, and the
// keycap mark, which only frames the digit before it: 1️⃣3️⃣8️⃣ (1 + U+FE0F + U+20E3 …) is 138.
// Code units, as the digit runs are read (a set: selectors and marks in a regex class would join
// their neighbours).
const INVISIBLE_RANGES: ReadonlyArray<[number, number]> = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x180b, 0x180e], [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064],
  [0x2066, 0x2069], [0x20e3, 0x20e3], [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];
const INVISIBLE: ReadonlySet<string> = new Set(INVISIBLE_RANGES.flatMap(([from, to]) =>
  Array.from({ length: to - from + 1 }, (_, k) => String.fromCharCode(from + k))));
// Marks that also list or span ordinary numbers (「2023、2024、2025年」, 「100000~200000元」,
// 「3*4*5」, bullets, a table's pipes). Across them digits join only into a number recognised whole (a mobile, ID or
// landline: 「138，1234，5678」), never into a leftover long or contact number. A comma of an amount
// (1,000 / 38，000，000) ends the number instead, and a * beside another * is a mask's. A list
// mark joins a group of 3 digits or more to one of 4 or more after it, as a number split 3-4-4
// is written: small numbers, decimals (0.5，0.8), rooms (1801、1802、302) and a digit in a word
// after a comma (「，三明」) stay apart. A line break is one too: a number typed over two lines (or
// in two messages, whose texts the description joins by line) is still the number.
const LIST_MARKS = new Set(['，', ',', '、', '~', '～', '〜', '∼', '*', '＊', '•', '∙', '‧', '|', '｜', '\n', '\r']);
// Sticky: tried at the comma itself (lastIndex), without copying the rest of the text. Three
// digits and an ID number's check character (「，123X」) are the end of an ID number, not an amount.
const THOUSANDS = /[,，][0-9０-９]{3}(?:[,，][0-9０-９]{3})*(?![0-9０-９XxＸｘ]|[,，][0-9０-９])/y;
const STARS = new Set(['*', '＊']);
const MAX_GAP = 3;
const LISTED_BEFORE = 3;
const LISTED_AFTER = 4;
const CHECK_X = new Set(['X', 'x', 'Ｘ', 'ｘ']);
const ALNUM = /[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/;

interface Group {
  digits: string;
  start: number;
  end: number;
  /** The gap before this group holds a list mark: it joins the group before only into a recognised number. */
  listed: boolean;
}

/** What the character at i is between two digit groups: a separator, a list mark, or neither. */
function gapKind(text: string, i: number): 'separator' | 'list' | undefined {
  const c = text[i] ?? '';
  if (SEPARATORS.has(c)) return 'separator';
  if (!LIST_MARKS.has(c)) return undefined;
  if (STARS.has(c) && (STARS.has(text[i - 1] ?? '') || STARS.has(text[i + 1] ?? ''))) return undefined;
  THOUSANDS.lastIndex = i;
  if (THOUSANDS.test(text)) return undefined;
  return 'list';
}

/** The run cut at each list mark that does not part a number's groups (LISTED_BEFORE, LISTED_AFTER). */
function cutShortLists(run: readonly Group[]): Group[][] {
  const out: Group[][] = [];
  run.forEach((g, k) => {
    const before = run[k - 1];
    const short = !before || before.digits.length < LISTED_BEFORE || g.digits.length < LISTED_AFTER;
    const last = out.at(-1);
    if (last && !(g.listed && short)) last.push(g);
    else out.push([{ ...g, listed: false }]);
  });
  return out;
}

/** Runs of digit groups: digits (any notation) with at most MAX_GAP separators between groups. */
function digitRuns(text: string, skip: (i: number) => boolean): Group[][] {
  const runs: Group[][] = [];
  let run: Group[] = [];
  let group: Group | undefined;
  let groupScript = '';
  let gap = 0;
  let spaces = 0;
  let listed = false;
  let count = 0;
  const close = () => {
    if (run.length) runs.push(...cutShortLists(run));
    run = [];
    group = undefined;
    gap = 0;
    spaces = 0;
    listed = false;
    count = 0;
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (INVISIBLE.has(c)) continue;
    const d = skip(i) ? undefined : DIGITS.get(c);
    if (d !== undefined) {
      // Where Chinese and Arabic digits meet, a new group starts: 「李四15900001111」 is 四 and
      // then a number, while 「1三9 1234」 still joins across the groups.
      const script = (c >= '0' && c <= '9') || (c >= '０' && c <= '９') ? 'a' : 'h';
      if (group && script !== groupScript) group = undefined;
      groupScript = script;
      if (group) {
        group.digits += d;
        group.end = i + 1;
      } else {
        group = { digits: d, start: i, end: i + 1, listed };
        run.push(group);
      }
      count += 1;
      gap = 0;
      spaces = 0;
      listed = false;
    } else if (group && count === 17 && CHECK_X.has(c) && !ALNUM.test(text[i + 1] ?? '')) {
      // The check character of an ID number; nothing can follow it in the same number.
      group.digits += 'X';
      group.end = i + 1;
      close();
    } else {
      const kind = run.length ? gapKind(text, i) : undefined;
      spaces = SPACES.has(c) ? spaces + 1 : 0;
      // The second space of a pair is free.
      const free = spaces % 2 === 0 && spaces > 0;
      if (kind && (free || gap < MAX_GAP)) {
        group = undefined;
        if (!free) gap += 1;
        if (kind === 'list') listed = true;
      } else {
        close();
      }
    }
  }
  close();
  return runs;
}

const stars = (n: number) => '*'.repeat(Math.max(n, 0));
const MOBILE = /^(?:0086|86)?(1[3-9]\d{9})$/;
const ID_18 = /^\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;
const ID_15 = /^\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/;
const LANDLINE = /^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$/;
const PUBLIC_LINE = /^(?:400|800)\d{7}$/;

/** A whole number recognised from its digits alone, with its mask. */
type Found = Pick<PersonalDataSpan, 'kind' | 'mask' | 'value'>;

function recognise(digits: string): Found | undefined {
  const mobile = MOBILE.exec(digits)?.[1];
  if (mobile) return { kind: 'mobile', mask: `${mobile.slice(0, 3)}****${mobile.slice(7)}`, value: mobile };
  if (ID_18.test(digits)) return { kind: 'id_card', mask: `${digits.slice(0, 6)}********${digits.slice(14)}`, value: digits };
  if (ID_15.test(digits)) return { kind: 'id_card', mask: `${digits.slice(0, 6)}******${digits.slice(12)}`, value: digits };
  const landline = LANDLINE.exec(digits);
  if (landline?.[1] && landline[2]) {
    const local = landline[2];
    return { kind: 'landline', mask: `${landline[1]}-${stars(local.length - 4)}${local.slice(-4)}`, value: digits };
  }
  return undefined;
}

/** A leftover digit run long enough to be a card or account number. */
function longNumber(digits: string): Found | undefined {
  if (digits.length < 12 || digits.includes('X')) return undefined;
  return { kind: digits.length >= 16 && digits.length <= 19 ? 'bank_card' : 'number', mask: `${stars(digits.length - 4)}${digits.slice(-4)}`, value: digits };
}

// A contact word close before a number makes even a short one personal (a local landline without
// its area code, a mistyped mobile, a QQ number).
const CONTACT_WORD = /(?:电话|手机|号码|座机|联系|致电|拨打|打给|打我|call|tel|phone|微信|vx|wx)[^\d\n]{0,6}$/i;
const QQ_WORD = /(?:qq|扣扣)[^\d\n]{0,6}$/i;
const WECHAT_ID = /(?:微信号?|vx|wx|weixin|v信)\s*(?:号|id)?\s*[:：是为]?\s*([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])/gi;
const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]*[@＠][A-Za-z0-9-]+(?:[.．][A-Za-z0-9-]+)*[.．][A-Za-z]{2,}/g;

function contactNumber(text: string, start: number, digits: string): Found | undefined {
  if (digits.includes('X') || PUBLIC_LINE.test(digits)) return undefined;
  const before = text.slice(Math.max(0, start - 12), start);
  const min = QQ_WORD.test(before) ? 5 : CONTACT_WORD.test(before) ? 7 : Infinity;
  if (digits.length < min) return undefined;
  return { kind: 'number', mask: `${stars(digits.length - 2)}${digits.slice(-2)}`, value: digits };
}

// The writer's own name. A tip is about others, whose names staff need (村主任王大海); the one who
// writes is named by the words before: 我叫, 我的名字是, 本人(系), 我是, a form's 姓名： or
// 举报人： (never 被举报人), a letter's 落款, or a role the writer gives themselves (我是退休教师…,
// 本人系…居民).
// The name is a surname (the common ones, and the compound 欧阳, 司马…) and one or two more
// characters, then a pause: the end, a stop, a space or a digit, or words that start what the
// writer says next (今年, 家住, 电话…; after the plainer cues also 在, 想, 反映…). So 「我叫他别」,
// 「我叫王师傅来修」, 「我是李四的妈妈」 name no writer. 我是 and 本人 alone are followed by so much
// else (我是江西人, 我是高中生, 本人平时…) that a name there wants a stop or those first words,
// and none of a few endings of what a person is rather than who (人, 村, 生 of 学生…).
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '慕容', '令狐', '司徒', '夏侯', '尉迟', '公孙', '长孙', '宇文', '轩辕', '端木', '独孤', '南宫', '西门', '呼延', '申屠', '澹台', '公冶', '宗政', '濮阳', '淳于', '单于', '太叔', '仲孙', '钟离'];
const SURNAMES = [
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱丘江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢',
  '安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵩寿揭赖',
].join('');
const HAN = '\\p{Script=Han}';
const NAME = `((?:${COMPOUND_SURNAMES.join('|')}|[${SURNAMES}])${HAN}{1,2}?)`;
// What may follow a name: a pause, or the first words of what the writer says next.
const PAUSE = '(?=$|[^\\p{Script=Han}]|今年|现年|家住|住在|身份证|电话|手机|男|女)';
const PAUSE_OR_NEXT = '(?=$|[^\\p{Script=Han}]|今年|现年|家住|住在|住|身份证|电话|手机|联系|男|女|是|在|来自|想|要|反映|举报|投诉|实名)';
const PLAIN_CUES = [
  '我叫', '我名叫', '我的?名字(?:是|叫)', '名字叫', '我的?姓名(?:是|叫)', '本人姓名(?:是|叫)?', '本人名叫', '本人叫',
  '(?:^|[\\s，,。.；;！!？?：:])(?:姓名|署名|落款)', '(?<!被)(?:举报人|反映人|投诉人|控告人|检举人|联系人)(?:姓名)?',
];
const ROLES = ['村民', '居民', '市民', '群众', '职工', '员工', '教师', '老师', '医生', '家长', '业主', '党员', '农民', '退休职工', '退休干部', '志愿者', '工人', '村干部', '网格员'];
const SPACER = '[\\s:：是为叫]*';
const PLAIN_NAME = new RegExp(`(?:${PLAIN_CUES.join('|')})${SPACER}${NAME}${PAUSE_OR_NEXT}`, 'gu');
const ROLE_NAME = new RegExp(`(?:我|本人)(?:是|系)[^，,。.；;！!？?\\n]{0,12}?(?:${ROLES.join('|')})${NAME}${PAUSE}`, 'gu');
const BARE_NAME = new RegExp(`(?:我是|本人(?:是|系)?)\\s*${NAME}${PAUSE}`, 'gu');
// What a person is rather than who: 我是江西人, 本人是村民, 我是高中生.
const NOT_A_NAME = new RegExp(`(?:[人村镇乡县市省区师员工民户长者们党业司店厂队组院校局所办的了]|[中大小研留学业新]生)$|^(?:平时|和他|和她|和我|明白|同意|保证|承诺)`, 'u');

/** A name found at `start`, masked whole: no character of it is kept. */
function nameSpan(name: string, start: number): PersonalDataSpan {
  return { kind: 'name', start, end: start + name.length, mask: '*'.repeat(Array.from(name).length), value: name };
}

/** The writer's own name wherever the words before introduce it, as spans. */
function selfNames(text: string, taken: (start: number, end: number) => boolean): PersonalDataSpan[] {
  const spans: PersonalDataSpan[] = [];
  const add = (m: RegExpMatchArray, strict: boolean) => {
    const name = m[1] ?? '';
    const start = (m.index ?? 0) + m[0].length - name.length;
    const end = start + name.length;
    if (!name || (strict && NOT_A_NAME.test(name)) || taken(start, end) || spans.some((s) => start < s.end && s.start < end)) return;
    spans.push(nameSpan(name, start));
  };
  for (const m of text.matchAll(PLAIN_NAME)) add(m, false);
  for (const m of text.matchAll(ROLE_NAME)) add(m, false);
  for (const m of text.matchAll(BARE_NAME)) add(m, true);
  return spans;
}

// In an answer to the contact question (请留下您的手机号) the words beside the number are the
// writer's own: a Han word standing alone that starts with a surname (王建国, 王先生, 林阿姨,
// 欧阳娜娜) is their name, unless it says when or how to call (白天打, 周末, 随时联系…).
const STANDING_NAME = new RegExp(`(?<!${HAN})(?:${COMPOUND_SURNAMES.join('|')}|[${SURNAMES}])${HAN}{1,2}(?!${HAN})`, 'gu');
const NOT_A_CONTACT_NAME = /[今明后每全天]天|天天|周[末一二三四五六日天]|[时早晚午点打号我您他她的了吗呢吧]|联系|电话|手机|微信|短信|方便|可以/u;

/**
 * The writer's name in their answer to the contact question: introduced (我叫王建国) or standing
 * alone beside the number (「王建国 13912345678」, 「139… 王先生」). Elsewhere such a word is as
 * likely someone else's name, so findPersonalData reads only introduced ones.
 */
export function contactNames(text: string): PersonalDataSpan[] {
  const found = findPersonalData(text);
  const introduced = found.filter((s) => s.kind === 'name');
  if (introduced.length > 0) return introduced;
  const spans: PersonalDataSpan[] = [];
  for (const m of text.matchAll(STANDING_NAME)) {
    const start = m.index;
    const end = start + m[0].length;
    if (NOT_A_CONTACT_NAME.test(m[0]) || found.some((s) => start < s.end && s.start < end)) continue;
    spans.push(nameSpan(m[0], start));
  }
  return spans;
}

/**
 * Where a recognised number begins: a "+" of "+86" and an opening bracket whose closing one is
 * inside the number ("(0598)8234567", "(+86)138…") belong to it, so the mask leaves no half of either.
 */
function widen(text: string, start: number, end: number): number {
  let at = start;
  if (text[at - 1] === '+' || text[at - 1] === '＋') at -= 1;
  if ((text[at - 1] === '(' || text[at - 1] === '（') && /[)）]/.test(text.slice(at, end))) at -= 1;
  return at;
}

/** Every piece of personal data in the text, in order, not overlapping. */
export function findPersonalData(text: string): PersonalDataSpan[] {
  const spans: PersonalDataSpan[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const at = m[0].search(/[@＠]/);
    const address = m[0].replace(/＠/g, '@').replace(/．/g, '.');
    spans.push({ kind: 'email', start: m.index, end: m.index + m[0].length, mask: `${address[0] ?? ''}***@${address.slice(at + 1)}`, value: address.toLowerCase() });
  }
  for (const m of text.matchAll(WECHAT_ID)) {
    const id = m[1] ?? '';
    const start = m.index + m[0].length - id.length;
    if (!spans.some((s) => start < s.end && s.start < start + id.length)) {
      spans.push({ kind: 'contact', start, end: start + id.length, mask: `${id[0] ?? ''}***`, value: id });
    }
  }
  const taken = (i: number) => spans.some((s) => i >= s.start && i < s.end);
  spans.push(...selfNames(text, (start, end) => spans.some((s) => start < s.end && s.start < end)));

  for (const groups of digitRuns(text, taken)) {
    const used = new Array<boolean>(groups.length).fill(false);
    // Longest first from each group: the number that starts here and ends latest.
    for (let i = 0; i < groups.length; i += 1) {
      for (let j = groups.length - 1; j >= i; j -= 1) {
        const digits = groups.slice(i, j + 1).map((g) => g.digits).join('');
        const found = recognise(digits);
        if (found) {
          const first = groups[i];
          const last = groups[j];
          if (!first || !last) break;
          // "+86 139…": the plus belongs to the number.
          spans.push({ ...found, start: widen(text, first.start, last.end), end: last.end });
          used.fill(true, i, j + 1);
          i = j;
          break;
        }
      }
    }
    // What is left, in stretches of neighbouring groups not parted by a list mark: long numbers,
    // or numbers after a contact word.
    let i = 0;
    while (i < groups.length) {
      if (used[i]) { i += 1; continue; }
      let j = i;
      while (j + 1 < groups.length && !used[j + 1] && !groups[j + 1]?.listed) j += 1;
      const first = groups[i];
      const last = groups[j];
      if (first && last) {
        const digits = groups.slice(i, j + 1).map((g) => g.digits).join('');
        const found = longNumber(digits) ?? contactNumber(text, first.start, digits);
        if (found) spans.push({ ...found, start: first.start, end: last.end });
      }
      i = j + 1;
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The text with every piece of personal data replaced by its mask. */
export function maskPersonalData(text: string): string {
  return maskSpans(text, findPersonalData(text));
}

/**
 * Texts that are read one after another (a citizen's messages, in order), masked as if joined by
 * line breaks: a number split over two of them is found too. Each text comes back with its own
 * part: a mask whole when the number lies inside it, else its digits as stars.
 */
export function maskJoined(texts: readonly string[]): string[] {
  const joined = texts.join('\n');
  const spans = findPersonalData(joined);
  let start = 0;
  return texts.map((text) => {
    const end = start + text.length;
    let out = '';
    let at = start;
    for (const s of spans) {
      if (s.end <= start || s.start >= end) continue;
      const from = Math.max(s.start, start);
      const to = Math.min(s.end, end);
      const whole = s.start >= start && s.end <= end;
      out += joined.slice(at, from) + (whole ? s.mask : joined.slice(from, to).replace(/./gu, (c) => (DIGITS.has(c) || CHECK_X.has(c) ? '*' : c)));
      at = to;
    }
    out += joined.slice(at, end);
    start = end + 1;
    return out;
  });
}

// A mask with the digits it keeps (139****5678, 350402********123X, 0598-***4567, ****1234),
// a landline's area code included: outside Sanming's 0598 it names a city.
const MASK_WITH_DIGITS = /(?:0\d{2,3}-)?[0-9Xx]*\*{3,}[0-9Xx]*/g;

/**
 * A masked text whose masks keep no digit (139****5678 → ***********). For what an anonymous
 * reporter wrote: the digits a mask keeps, matched against a number staff know (a named tip's
 * revealed phone), would name them.
 */
export function hideMaskDigits(masked: string): string {
  return masked.replace(MASK_WITH_DIGITS, (m) => '*'.repeat(m.length));
}

/** maskPersonalData, then hideMaskDigits: every number found shows no digit at all. */
export function maskFully(text: string): string {
  return hideMaskDigits(maskPersonalData(text));
}

/** True when the text carries a mask as masking leaves them (139****5678, a***@qq.com): a run of 3+ stars. */
export function carriesMask(text: string): boolean {
  return /\*{3,}/.test(text);
}

/** The text with the given spans (in order, not overlapping, from findPersonalData) replaced by their masks. */
export function maskSpans(text: string, spans: readonly PersonalDataSpan[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.mask;
    at = s.end;
  }
  return out + text.slice(at);
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the first character stays so staff can still address them. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
