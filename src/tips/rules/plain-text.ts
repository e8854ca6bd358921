// The form free text is matched in by the word rules (emergencies, categories, intents): NFKC
// (full-width letters and digits fold to ASCII), lower case, and no spaces or punctuation, so
// 「有人 砍 人！！」 and 「有人砍人」 read the same. Never stored or shown: only matched.

const NOT_WORD = /[\s\p{P}\p{S}]+/gu;

export function compactText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOT_WORD, '');
}

/** A union of literal words and short patterns, compiled once: one scan answers "any of these?". */
export function wordUnion(patterns: readonly string[]): RegExp {
  return new RegExp(patterns.join('|'), 'u');
}
