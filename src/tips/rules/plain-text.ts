// The form free text is matched in by the word rules (emergencies, categories, intents): NFKC
// (full-width letters and digits fold to ASCII), traditional characters folded to simplified
// ones, lower case, and no spaces or punctuation, so 「有人 砍 人！！」 and 「有人砍人」 read the same,
// and so do 「有人要殺我」 and 「有人要杀我」. Never stored or shown: only matched.
import { Converter } from 'opencc-js/t2cn';

const NOT_WORD = /[\s\p{P}\p{S}]+/gu;

// OpenCC's Taiwan → mainland conversion (phrases first, then characters): it also reads the
// standard traditional forms other phones type, and Taiwan's 著 as the mainland 着 (著火, 拿著刀)
// but in the words Taiwan keeps it in (著名, 顯著). Built once: the dictionaries become tries at
// construction.
const taiwanToMainland = Converter({ from: 'tw', to: 'cn' });

// Taiwan writes 幺 (the youngest, 1 read aloud) as 么; on the mainland 么 is the particle
// (什么, 在么), so a 么 the citizen typed stays 么.
const PARTICLE = '么';

const SURROGATE = /[\uD800-\uDFFF]/;

// One message is read by many rules in a turn (danger, category, free words, 鉴诈, commands), each
// folding and compacting the same text. Both are pure functions of their input, so the last few
// results are kept, keyed by the input text itself: any interleaving of citizens' messages gets
// the same answers as without the memo. The oldest entry goes first.
const REMEMBERED = 16;

function lastFew(compute: (text: string) => string): (text: string) => string {
  const recent = new Map<string, string>();
  return (text) => {
    const known = recent.get(text);
    if (known !== undefined) return known;
    const result = compute(text);
    if (recent.size >= REMEMBERED) recent.delete(recent.keys().next().value as string);
    recent.set(text, result);
    return result;
  };
}

/**
 * The text with traditional characters read as the mainland simplified ones (殺 → 杀, 舉報 → 举报,
 * 村裡 → 村里), for matching only: what is stored or shown keeps what was typed. Simplified text
 * comes back as it is, but for 著 in a few words the conversion knows only in traditional
 * characters (显著, 土著 read 显着, 土着); so no rule or keyword is written with 著 (the words the
 * rules are written in fold to themselves: test/bot/traditional-chinese.test.ts). Code point for
 * code point: the n-th code point of the result is the fold of the n-th of the text, so a prefix
 * matched in the fold has the length of the typed prefix it reads, in code points.
 */
export const foldToSimplified = lastFew(foldNow);

function foldNow(text: string): string {
  const folded = taiwanToMainland(text);
  if (folded === text) return text;
  // Without surrogates a UTF-16 unit is a code point: the usual case needs no splitting.
  if (folded.length === text.length && !SURROGATE.test(text) && !SURROGATE.test(folded)) return keepTyped(text, folded, PARTICLE);
  const typed = Array.from(text);
  // Every dictionary of the conversion maps a phrase to one of as many characters; should one
  // ever not, each character is read alone, so the invariant above holds whatever the data.
  const aligned = Array.from(folded).length === typed.length ? folded : typed.map(foldCharacter).join('');
  return keepTyped(text, aligned, PARTICLE);
}

/**
 * A fold of the text (code point for code point, as `foldToSimplified` gives) with each `kept`
 * character the citizen typed put back where it was typed.
 */
export function keepTyped(text: string, folded: string, kept: string): string {
  if (!text.includes(kept)) return folded;
  const typed = Array.from(text);
  return Array.from(folded, (c, i) => (typed[i] === kept ? kept : c)).join('');
}

function foldCharacter(c: string): string {
  const folded = taiwanToMainland(c);
  return Array.from(folded).length === 1 ? folded : c;
}

/** The form the word rules match (see the top of this file). */
export const compactText = lastFew((text) => foldToSimplified(text.normalize('NFKC')).toLowerCase().replace(NOT_WORD, ''));

/** A union of literal words and short patterns, compiled once: one scan answers "any of these?". */
export function wordUnion(patterns: readonly string[]): RegExp {
  return new RegExp(patterns.join('|'), 'u');
}
