// Small text helpers shared by the intents: how citizens type on a phone (trailing 。 from
// voice recognition) and how dates are said back to them.
import { foldToSimplified } from '../tips/rules/plain-text.js';
import { findPersonalData } from '../tips/rules/personal-data.js';
import { normaliseTrackingCode } from '../tips/rules/tracking-code.js';

/** What normaliseText would change: most messages have none of it and are returned as they are. */
const NEEDS_NORMALISING = /^\s|[\s。！？!?.，,～~]$/u;

/**
 * Trims and drops the trailing punctuation voice input adds. Width and compatibility forms were
 * folded at the bot's edge (cleanBotInput, NFKC).
 */
export function normaliseText(raw: string): string {
  if (!NEEDS_NORMALISING.test(raw)) return raw;
  return raw.trim().replace(/[。！？!?.，,～~]+$/u, '').trim();
}

/**
 * Whether the text may read as this word once folded: the fold keeps code points in place, and a
 * code point is one or two UTF-16 units, so the two lengths are within a factor of two. A text
 * no word is that close to in length is never folded.
 */
const mayFoldTo = (text: string, word: string): boolean => 2 * text.length >= word.length && text.length <= 2 * word.length;

/** True when the message is exactly one of the words (a command), ignoring spaces; 「確認」 is 确认. */
export function isWord(text: string, words: readonly string[]): boolean {
  const t = text.replace(/\s+/g, '');
  if (words.includes(t)) return true;
  return words.some((w) => mayFoldTo(t, w)) && words.includes(foldToSimplified(t));
}

/**
 * 「查询 SM2511...」 → the argument after the command word, or undefined if it is not this command.
 * The word may be typed in traditional characters (「查詢」); the argument is returned as typed.
 */
export function commandArgs(text: string, command: string | readonly string[]): string | undefined {
  // Several spellings of one command: the first that the text starts with wins.
  if (typeof command !== 'string') {
    for (const c of command) {
      const rest = commandArgs(text, c);
      if (rest !== undefined) return rest;
    }
    return undefined;
  }
  const end = text.startsWith(command) ? command.length : foldedPrefixEnd(text, command);
  if (end === undefined) return undefined;
  return text.slice(end).replace(/^[\s:：，,]+/, '').trim();
}

/**
 * Where the command ends in a text that starts with it typed in traditional characters: the fold
 * keeps code points in place, so the typed word has as many code points as the command.
 */
function foldedPrefixEnd(text: string, command: string): number | undefined {
  let end = 0;
  for (let i = Array.from(command).length; i > 0; i--) {
    if (end >= text.length) return undefined;
    end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
  return foldToSimplified(text.slice(0, end)) === command ? end : undefined;
}

/**
 * The tracking code at the start of what the citizen typed, in canonical form (tips'
 * normaliseTrackingCode: full-width, spaces, dashes, O/I typed for 0/1 in the date).
 */
export function parseCode(text: string): string | undefined {
  const m = /^[A-Za-z0-9][A-Za-z0-9\s\-_]{3,24}/.exec(text.normalize('NFKC').trim());
  if (!m) return undefined;
  const typed = normaliseTrackingCode(m[0]);
  // Words typed after a code (「复查 SM251126ABCDEF bad」) are not part of it: codes are 14 long.
  const code = typed.startsWith('SM') ? typed.slice(0, 14) : typed;
  return /^[A-Z0-9]{4,20}$/.test(code) ? code : undefined;
}

/** A command's argument that is empty or a tracking code (「查询」, 「查询 SM…」, not 「查询一下社保」). */
export function isCodeOrNothing(rest: string | undefined): boolean {
  return rest !== undefined && (rest === '' || parseCode(rest) !== undefined);
}

const CHINESE_NUMBERS: Record<string, number> = {
  一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10,
};

/** 「3」, 「3.」, 「第三」, 「三」 → 3. */
export function parseSmallNumber(text: string): number | undefined {
  const t = text.replace(/^第/, '').replace(/[.、号个项]$/, '');
  if (/^\d{1,2}$/.test(t)) return Number(t);
  return CHINESE_NUMBERS[t];
}

/** 「11月27日」 in Beijing time, whatever the server's TZ. */
export { formatShanghaiMonthDay as formatMonthDay } from '../platform/beijing-time.js';

/** 138****5678: enough for the citizen to recognise their number, not enough for a bystander. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * The mainland mobile number in what the citizen typed: 「138 1234 5678」, 「+86 138-1234-5678」,
 * 「一三八…」, or one number inside a sentence (「我姓林，电话187…有事随时打」). Two different
 * numbers are not guessed between.
 */
export function parseMobile(text: string): string | undefined {
  const found = new Set(findPersonalData(text).filter((s) => s.kind === 'mobile').map((s) => s.value));
  return found.size === 1 ? [...found][0] : undefined;
}
