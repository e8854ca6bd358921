// Messages that are nothing but a number or nothing but emoji, read before any words: a phone
// number alone (someone asking whether the caller is a scammer), an ID or bank card number alone
// (sent by mistake, or because someone asked for it), and emoji alone (WeChat's own faces
// included, as they arrive: 「[流泪]」, or the older 「/::<」). Pure: nothing here is kept.
import { findPersonalData } from '../tips/rules/personal-data.js';

/** What an emoji-only message most likely says: someone upset, someone thankful, or just hello. */
export type EmojiFeeling = 'distress' | 'thanks' | 'plain';

export type BareMessage =
  /**
   * `digits`: the number as dialled (digits, a leading plus), for a public line the FAQ may know
   * (12345). `personal`: a mobile or a landline with its area code, as a citizen gives their own.
   */
  | { kind: 'phone'; digits: string; abroad: boolean; personal: boolean }
  | { kind: 'private_number'; what: 'id_card' | 'bank_card' }
  | { kind: 'emoji'; feeling: EmojiFeeling };

// A few words people put around a number they ask about or give: 「这个号码138…是谁的」.
const NUMBER_LEAD = /^(?:这个|那个|我的)?(?:电话号码|电话|手机号码|手机号|手机|号码|来电)(?:是|[:：])?/u;
const NUMBER_TRAIL = /(?:是谁的|是谁打的|是谁|是哪里的|是什么号码|是什么电话|谁打的|打来的|打给我的?)$/u;
const ID_LEAD = /^(?:我的)?(?:身份证号码|身份证号|身份证|证件号码|证件号)(?:是|[:：])?/u;
// What a number alone may be written with: digits, spaces, dashes, dots, brackets, a plus, and
// the check character ending an ID number.
const NUMBER_ONLY = /^[+＋]?[\d\s\-－.·()（）]+[Xx]?$/u;
const END_PUNCTUATION = /[\s。，,.!！?？~～]+$/u;

// Numbers that are not personal but are phone lines all the same: service numbers of banks and
// companies (95xxx, 96xxx, 10xxx, 12xxx), 400/800 lines, SMS senders (106…), and numbers from
// abroad (a plus or 00 before a country code other than 86).
const SERVICE_LINE = /^(?:9[56]\d{3,6}|1[0-2]\d{3}|[48]00\d{7}|106\d{5,17})$/;
const ABROAD = /^(?:\+|00)(?!86)\d{7,15}$/;
// A local number written without its area code (822-1234, 88221234); not a date (2024-01-05).
const LOCAL_LINE = /^[2-8]\d{2,3}[-\s]?\d{4}$/;

// A number as written in a sentence (after NFKC): digits with the separators of any notation.
const NUMBER_IN_TEXT = /\+?\d[\d\s\-.()]*/g;

/** Whether the text holds a number from abroad (a plus or 00 before a country code other than 86). */
export function hasNumberFromAbroad(text: string): boolean {
  return (text.normalize('NFKC').match(NUMBER_IN_TEXT) ?? []).some((n) => ABROAD.test(n.replace(/[^\d+]/g, '')));
}

/** A number alone (with at most a few words naming it), or undefined. */
function bareNumber(text: string): BareMessage | undefined {
  const trimmed = text.trim().replace(END_PUNCTUATION, '');
  const afterId = trimmed.replace(ID_LEAD, '');
  const namedId = afterId !== trimmed;
  const core = (namedId ? afterId : trimmed.replace(NUMBER_LEAD, '').replace(NUMBER_TRAIL, '')).trim();
  if (!NUMBER_ONLY.test(core) || !/\d/.test(core)) return undefined;
  const spans = findPersonalData(core);
  // Outside what was found only separators are left: the message is those numbers alone.
  let rest = core;
  for (const s of [...spans].reverse()) rest = rest.slice(0, s.start) + rest.slice(s.end);
  const alone = spans.length > 0 && !/\d/.test(rest);
  if (alone && spans.some((s) => s.kind === 'id_card')) return { kind: 'private_number', what: 'id_card' };
  if (alone && spans.some((s) => s.kind === 'bank_card')) return { kind: 'private_number', what: 'bank_card' };
  if (namedId) return undefined;
  if (alone && spans.every((s) => s.kind === 'mobile' || s.kind === 'landline')) {
    return { kind: 'phone', digits: spans.length === 1 ? (spans[0]?.value ?? '') : '', abroad: false, personal: true };
  }
  if (spans.some((s) => s.kind !== 'number')) return undefined;
  const digits = core.replace(/[^\d+]/g, '');
  if (ABROAD.test(digits)) return { kind: 'phone', digits, abroad: true, personal: false };
  if (SERVICE_LINE.test(digits) || LOCAL_LINE.test(core)) return { kind: 'phone', digits, abroad: false, personal: false };
  return undefined;
}

// Emoji that may be someone in trouble (crying, afraid, broken-hearted, praying), and emoji of
// thanks or approval, by their base code point (skin tones and variation selectors aside).
const DISTRESS = new Set([...'😭😢😥😰😨😱😿🥺😩😫😣😖😞😔😟🙁☹💔🙏😓😪']);
const THANKS = new Set([...'👍🌹😊🙂😀😃😄😁😆☺🤗🥰😘😍🤩❤♥💕💖💗💓💞👏🙌🤝💐🌺🌸🌷🎉💯✌🆗👌🙆💪']);

// WeChat's own faces arrive as their names in brackets (「[强]」); the older clients send codes.
const WECHAT_FACES: Readonly<Record<string, EmojiFeeling>> = {
  流泪: 'distress', 大哭: 'distress', 快哭了: 'distress', 委屈: 'distress', 难过: 'distress', 心碎: 'distress', 惊恐: 'distress',
  可怜: 'distress', 合十: 'distress', 发抖: 'distress', 衰: 'distress', 叹气: 'distress', 苦涩: 'distress',
  强: 'thanks', 赞: 'thanks', 玫瑰: 'thanks', 微笑: 'thanks', 愉快: 'thanks', 憨笑: 'thanks', 呲牙: 'thanks', 可爱: 'thanks',
  抱拳: 'thanks', 握手: 'thanks', 鼓掌: 'thanks', OK: 'thanks', 爱心: 'thanks', 胜利: 'thanks', 拥抱: 'thanks', 爱你: 'thanks',
  比心: 'thanks', 庆祝: 'thanks', 好的: 'thanks', 加油: 'thanks', 耶: 'thanks', 嘿哈: 'thanks',
};
const BRACKET_FACE = /\[([\p{Script=Han}]{1,4}|OK)\]/gu;
const OLD_FACES: ReadonlyArray<[string, EmojiFeeling]> = [
  ["/::'(", 'distress'], ['/::<', 'distress'], ['/::)', 'thanks'], ['/:strong', 'thanks'], ['/:rose', 'thanks'], ['/:@)', 'thanks'],
  ['/:share', 'thanks'], ['/:handclap', 'thanks'], ['/:heart', 'thanks'],
];

// Parts of an emoji that carry no meaning of their own: joiner, variation selectors, skin tones,
// the keycap mark, tag characters (subdivision flags).
const EMOJI_GLUE: ReadonlyArray<[number, number]> = [[0x200d, 0x200d], [0xfe0e, 0xfe0f], [0x20e3, 0x20e3], [0x1f3fb, 0x1f3ff], [0xe0020, 0xe007f]];
const isGlue = (c: string): boolean => {
  const cp = c.codePointAt(0) ?? 0;
  return EMOJI_GLUE.some(([from, to]) => cp >= from && cp <= to);
};
const PICTURE = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const SPACE_OR_PUNCTUATION = /[\s\p{P}]/u;

/** The feeling of a message of emoji (and WeChat faces) alone, or undefined when it holds anything else. */
export function emojiFeeling(text: string): EmojiFeeling | undefined {
  const felt: EmojiFeeling[] = [];
  let rest = text.replace(BRACKET_FACE, (_m, name: string) => {
    felt.push(WECHAT_FACES[name] ?? 'plain');
    return ' ';
  });
  for (const [code, feeling] of OLD_FACES) {
    const pieces = rest.split(code);
    for (let i = 1; i < pieces.length; i += 1) felt.push(feeling);
    rest = pieces.join(' ');
  }
  for (const c of rest) {
    if (isGlue(c) || SPACE_OR_PUNCTUATION.test(c)) continue;
    if (!PICTURE.test(c)) return undefined;
    felt.push(DISTRESS.has(c) ? 'distress' : THANKS.has(c) ? 'thanks' : 'plain');
  }
  // Someone who may be in trouble is asked first, whatever else the emoji say.
  if (felt.includes('distress')) return 'distress';
  if (felt.includes('thanks')) return 'thanks';
  return felt.length > 0 ? 'plain' : undefined;
}

/** A message that is a number alone or emoji alone, or undefined. */
export function bareMessage(text: string): BareMessage | undefined {
  const feeling = emojiFeeling(text);
  if (feeling) return { kind: 'emoji', feeling };
  return bareNumber(text);
}
