// Whether a text asks for a rule's act or only denies it. A genuine warning names the act in
// order to deny it: 「公安机关没有安全账户」, 「不会让您转到安全账户」, 「让你转到安全账户的，都是诈骗」.
// A scam asks for it, and may copy any warning sentence beside the ask (「请把资金转入安全账户，如有
// 疑问请拨打96110」, 「…，不要相信其他人」): a warning phrase is free to copy. So a denial counts only
// where it is attached to the act's own words: a negator before them in the same clause, with no
// new instruction in between, or a scam label right after them. A warning anywhere else in the
// text says nothing about the act.

/** Where a clause ends (the text form is NFKC: 「，」 is 「,」, 「！」 is 「!」). */
const CLAUSE_END = /[,，。!！?？;；:：]/u;
/** Where a sentence ends. */
const SENTENCE_END = /[。!！?？;；]/u;

/** Negators that deny what follows them in the clause: 没有 / 不会 / 不要 / 请勿 … */
const NEGATORS = ['没', '不会', '不要', '不能', '不用', '不需要', '无需', '不存在', '勿', '从不', '从来不', '绝不', '决不', '并无', '并不', '别把', '别转', '别给'];
/**
 * Words that start a new instruction and so end a negator's reach: in 「不要挂断电话并把资金转入安全账户」
 * the 不要 is about hanging up, not about the transfer.
 */
const SCOPE_BREAKERS = ['并', '然后', '再', '而是', '请', '立即', '马上', '立刻', '尽快', '赶紧', '赶快', '必须', '务必', '只能', '应该', '需要您', '您需', '你需'];

/**
 * Words that tell a sentence retells what someone else says or might say (a warning's example of
 * the scam), not what the writer asks: 「骗子会说」, 「如果有人让你」, 「凡是自称公安」.
 */
const RETELLING = ['骗子', '骗局', '不法分子', '犯罪分子', '对方', '有人', '他们', '如果', '假如', '若是', '凡是', '一旦', '冒充', '自称', '谎称', '声称', '会说', '说要', '要求你', '要求您'];

/** A scam label after the act: 「…就是诈骗」, 「…的都是骗子」; never 「不是诈骗」 or 「是不是诈骗」. */
const LABEL_AFTER = /(?<![不否])(?:是|为|属于)(?:诈骗|骗子|骗局)/u;
/** A clause that is only the label of the clause before: 「，就是诈骗」, 「，这是骗子」, 「，百分之百是诈骗」. */
const LABEL_CLAUSE = /^["'“”「」『』]*(?:这|那|这些|那些|都|就|全|也|均|一律|一定|肯定|必然|统统|全部|百分之百|100%)*(?:是|为|属于)(?:诈骗|骗子|骗局)/u;

function clauseStart(text: string, at: number): number {
  let from = at;
  while (from > 0 && !CLAUSE_END.test(text[from - 1] as string)) from -= 1;
  return from;
}

function clauseEnd(text: string, at: number): number {
  let to = at;
  while (to < text.length && !CLAUSE_END.test(text[to] as string)) to += 1;
  return to;
}

/** Whether a negator before the act, in its clause, still reaches it. */
function negated(before: string): boolean {
  let reach = -1;
  for (const n of NEGATORS) {
    const i = before.lastIndexOf(n);
    if (i !== -1) reach = Math.max(reach, i + n.length);
  }
  if (reach === -1) return false;
  const between = before.slice(reach);
  return !SCOPE_BREAKERS.some((b) => between.includes(b));
}

/** Whether the occurrence text[start, end) of an act's words is denied where it stands. */
export function deniedAt(text: string, start: number, end: number): boolean {
  if (negated(text.slice(clauseStart(text, start), start))) return true;
  const to = clauseEnd(text, end);
  if (LABEL_AFTER.test(text.slice(end, to))) return true;
  // The next clause, when it is only a label of this one (「让你转账到安全账户的，都是诈骗」).
  return to < text.length && LABEL_CLAUSE.test(text.slice(to + 1, clauseEnd(text, to + 1)));
}

/** Every start of `phrase` in `text`. */
function occurrences(text: string, phrase: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(phrase); i !== -1; i = text.indexOf(phrase, i + 1)) out.push(i);
  return out;
}

function sentenceStart(text: string, at: number): number {
  let from = at;
  while (from > 0 && !SENTENCE_END.test(text[from - 1] as string)) from -= 1;
  return from;
}

/**
 * Whether the writer asks for the act at text[at]: its clause gives an instruction before it
 * (「请你把资金转入」, 「您需要把钱存入」), and nothing earlier in its sentence says the words are
 * someone else's (RETELLING). A denial elsewhere in the sentence does not undo such an ask:
 * 「公安机关不会让你转账给个人，请你把资金转入安全账户」.
 */
function instructed(text: string, at: number): boolean {
  const clause = text.slice(clauseStart(text, at), at);
  if (!SCOPE_BREAKERS.some((b) => clause.includes(b))) return false;
  const sentence = text.slice(sentenceStart(text, at), at);
  return !RETELLING.some((w) => sentence.includes(w));
}

function sentenceOf(text: string, at: number): number {
  let n = 0;
  for (let i = 0; i < at; i += 1) if (SENTENCE_END.test(text[i] as string)) n += 1;
  return n;
}

/**
 * Whether a fired rule's act is only denied in the text (in fraudTextForm), never asked for: some
 * group of the rule is present only in sentences that deny it where it stands. A sentence that
 * denies the act once is a warning about it (「骗子说要把钱转到安全账户，公安根本就没有安全账户」),
 * unless it also instructs the act (`instructed`); a group asked for in any other sentence makes
 * the rule asked for, whatever else the text says.
 */
export function onlyDenied(text: string, groups: readonly (readonly string[])[]): boolean {
  return groups.some((group) => {
    const found = group.flatMap((phrase) => occurrences(text, phrase).map((at) => ({ at, denied: deniedAt(text, at, at + phrase.length) })));
    if (found.length === 0) return false;
    const denying = new Set(found.filter((o) => o.denied).map((o) => sentenceOf(text, o.at)));
    return found.every((o) => o.denied || (denying.has(sentenceOf(text, o.at)) && !instructed(text, o.at)));
  });
}
