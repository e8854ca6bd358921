// Masks personal numbers in free text before it is shown beyond the people entitled to the
// reporter's identity, or written to logs. Public service lines (110, 12345, 96110, 400…)
// are not personal and stay readable.

// A mainland mobile: 1[3-9] + 9 digits, optionally +86/86 in front and spaces or dashes in
// the usual 3-4-4 places. Lookarounds keep it from firing inside longer digit runs.
const MOBILE = /(?<![\d])((?:(?:\+|00)?86[\s-]?)?)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?![\d])/g;

// A landline with area code, optional brackets or dash, 7–8 digits. Three-digit codes are
// only 010 and 02x; all others (Sanming: 0598) have four, which settles 11-digit runs.
const LANDLINE = /(?<![\d])([(（]?0(?:10|2\d|[3-9]\d{2})[)）]?)([\s-]?)(\d{7,8})(?![\d])/g;

// 18-character resident ID: 6-digit region, birth date 18xx–20xx, 3-digit sequence, check
// digit or X. The date shape keeps other 18-digit numbers (orders, accounts) out.
const ID_CARD = /(?<![0-9A-Za-z])(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})([0-9Xx])(?![0-9A-Za-z])/g;

export function redactPhones(text: string): string {
  return text
    .replace(MOBILE, (_m, prefix: string, head: string, _mid: string, tail: string) => `${prefix}${head}****${tail}`)
    .replace(LANDLINE, (_m, area: string, sep: string, local: string) =>
      `${area}${sep}${'*'.repeat(local.length - 4)}${local.slice(-4)}`);
}

export function redactIdNumbers(text: string): string {
  return text.replace(ID_CARD, (_m, region: string, middle: string, check: string) =>
    `${region}********${middle.slice(-3)}${check.toUpperCase()}`);
}

// Full-width digits, letters, plus, minus and the ideographic space, as Chinese input methods
// type them (１３８…): the patterns' \d does not match them, and a masked view must not show them
// in clear. Other full-width punctuation (，。) is left as the citizen wrote it.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0B\uFF0D\u3000]/g;
const foldWidth = (text: string) =>
  text.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));

/** Both, on the text with full-width digits folded; ID numbers first so no part of one is read as a phone number. */
export function redactText(text: string): string {
  return redactPhones(redactIdNumbers(foldWidth(text)));
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the first character stays so staff can still address them. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
