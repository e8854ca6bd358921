// The one normalisation of text that comes in from outside (citizen messages, staff input): done
// once at the edge, so every rule downstream (redaction, classification, commands, tracking
// codes, usernames) reads the same form.
//
// - NFKC: full-width digits and letters, circled digits and compatibility forms become the plain
//   ones (１３８ → 138, ＳＭ → SM, ① → 1, ＠ → @, － → -). The one exception is the full-width
//   punctuation Chinese prose is written with (，：；！？（）［］｛｝～＂＇): it stays as typed,
//   because staff answers and citizen texts are read back to people, and 「已约谈,晚间停工」 reads
//   wrong. No rule depends on it: the word rules drop punctuation, and the personal-data and
//   tracking-code rules fold it themselves.
// - Line breaks are kept, as \n; a tab becomes a space.
// - Other control characters, bidi overrides and isolates, and invisible characters that only
//   hide text (zero-width space, word joiner, soft hyphen, BOM) are removed. ZWJ and ZWNJ stay:
//   emoji and some scripts need them.
// - Invalid UTF-16 (a lone surrogate, e.g. from a JSON "\ud800" escape) is refused: it cannot be
//   stored or shown faithfully, and replacing it silently would change what was said.

import { AppError } from './errors.js';

export class InvalidTextError extends AppError {
  constructor(path?: string) {
    super('TEXT_INVALID', 400, '内容中有无法识别的字符，请检查后重新输入', path ? { fields: [{ path, message: '含有无法识别的字符' }] } : {});
  }
}

// With the u flag a surrogate class matches only a surrogate that is not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// Runs of anything but the kept punctuation; NFKC applies to each run.
const NOT_PROSE_PUNCTUATION = /[^\uFF01\uFF02\uFF07-\uFF09\uFF0C\uFF1A\uFF1B\uFF1F\uFF3B\uFF3D\uFF5B\uFF5D\uFF5E]+/g;
const LINE_BREAK = /\r\n?|[\u2028\u2029\u0085]/g;
// C0 and C1 controls except \n, DEL, Arabic letter mark, LRM/RLM, bidi embeddings and overrides,
// isolates, zero-width space, word joiner and invisible operators, soft hyphen, BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose: it removes them
const REMOVED = /[\u0000-\u0008\u000B-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** The text as the rest of the service reads it; throws InvalidTextError (TEXT_INVALID) for invalid UTF-16. */
export function cleanInput(text: string, path?: string): string {
  if (LONE_SURROGATE.test(text)) throw new InvalidTextError(path);
  return text.replace(NOT_PROSE_PUNCTUATION, (run) => run.normalize('NFKC')).replace(LINE_BREAK, '\n').replace(/\t/g, ' ').replace(REMOVED, '');
}

/** Every string in a parsed JSON value or query object, cleaned; keys too. Paths name the field refused. */
export function cleanInputValue(value: unknown, path = ''): unknown {
  if (typeof value === 'string') return cleanInput(value, path || '(body)');
  if (Array.isArray(value)) return value.map((v, i) => cleanInputValue(v, path ? `${path}.${String(i)}` : String(i)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = cleanInput(k, path ? `${path}.${k}` : k);
      out[key] = cleanInputValue(v, path ? `${path}.${key}` : key);
    }
    return out;
  }
  return value;
}
