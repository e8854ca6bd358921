// Scam identifiers in what citizens write: phone numbers, web addresses and accounts, each in the
// one normal form that reports are counted under and checks look up. Pure: no I/O, no state.
//
// Normal forms:
//  - phone: ASCII digits, without +86 / 0086 / 86 before a mobile, spaces, dashes, dots or
//    brackets; 7 to 15 digits (short service numbers such as 110 or 95588 are never identifiers).
//  - url: the host lower-cased without `www.`, its port when not the default, and the path as
//    written without a trailing slash; scheme, query and fragment dropped (they carry a victim's
//    token more often than the site's name). A bare host stands for the whole site.
//  - account: as typed after an account word (微信号, QQ, 支付宝, 账号 …), trimmed: letters,
//    digits and `_ - . @ +` only, 4 to 64 of them.
//
// Never an identifier: a bank card or ID number (the personal-data finder's, or an account of 12
// digits or more).
// Found but never reported (`reportableIdentifiers`): what belongs to the victim. A scam text is
// addressed to its reader (尊敬的用户 139…, 您的账户 …), a citizen's own story names their own
// (本人手机 139…, 我的银行卡 …), and whatever follows a card word (银行卡, 卡号, 尾号) is a card's.
// In doubt, an identifier is left out rather than kept: the victim's data is never published.
import type { ScamIdentifier, ScamIdentifierKind } from '../../bot/ports.js';
import { findPersonalData } from '../../tips/rules/personal-data.js';
import { foldToSimplified } from '../../tips/rules/plain-text.js';

export const SCAM_IDENTIFIER_KINDS: readonly ScamIdentifierKind[] = ['phone', 'url', 'account'];

/** At most this many identifiers are taken from one message. */
export const MAX_PER_REPORT = 3;

/** The identifier column's width (migration 019). */
export const MAX_IDENTIFIER_LENGTH = 255;

/** What the chat calls each kind: 这个号码, 这个网址, 这个账号. */
export const IDENTIFIER_NOUNS: Readonly<Record<ScamIdentifierKind, string>> = { phone: '号码', url: '网址', account: '账号' };

/** A phone number in its normal form, or undefined when it is not one. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.normalize('NFKC').replace(/[\s\-‐‑–—.()（）]/g, '');
  if (!/^\+?\d+$/.test(compact)) return undefined;
  const digits = compact.replace(/^\+/, '');
  const mobile = /^(?:0086|86)(1[3-9]\d{9})$/.exec(digits)?.[1];
  const value = mobile ?? digits;
  return value.length >= 7 && value.length <= 15 ? value : undefined;
}

/** A web address in its normal form, or undefined when it cannot be read as one. */
export function normaliseUrl(raw: string): string | undefined {
  const trimmed = raw.normalize('NFKC').trim();
  let u: URL;
  try {
    u = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  if (!host.includes('.')) return undefined;
  const site = `${host}${u.port ? `:${u.port}` : ''}`;
  const withPath = `${site}${u.pathname.replace(/\/+$/, '')}`;
  // An address too long to store is counted under its site.
  return withPath.length <= MAX_IDENTIFIER_LENGTH ? withPath : site.slice(0, MAX_IDENTIFIER_LENGTH);
}

/** An account as typed, trimmed; undefined when it is not 4–64 of the allowed characters. */
export function normaliseAccount(raw: string): string | undefined {
  const value = raw.normalize('NFKC').trim();
  return /^[A-Za-z0-9_\-.@+]{4,64}$/.test(value) ? value : undefined;
}

/**
 * The values a stored identifier may be found under: a web address also counts for the site
 * (a report of the bare host covers every page of it); everything else only under itself.
 */
export function lookupValues(id: ScamIdentifier): string[] {
  if (id.kind !== 'url') return [id.value];
  const slash = id.value.indexOf('/');
  return slash === -1 ? [id.value] : [id.value, id.value.slice(0, slash)];
}

// Not after @ or another address character: the domain of an e-mail address is not a web address.
const URL_PATTERN = /(?<![@\w.-])(?:https?:\/\/(?:\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w@]))(?::\d{2,5})?(?:[/?#][^\s，。、；！？（）()【】「」“”"'<>]*)?/gi;
const ACCOUNT_PATTERN = /(?<![A-Za-z0-9_\-.@+])(?:微信号?|vx|wx|v信|qq号?|扣扣|支付宝(?:账号|帐号|账户)?|抖音号?|快手号?|账号|帐号|账户|帐户)\s*(?:号|id)?\s*(?:是|为|:|：)?\s*([A-Za-z0-9][A-Za-z0-9_\-.@+]{3,63})/gi;
// International numbers (+852…, 00852…) and 400/800 lines, which the personal-data finder leaves alone.
const OTHER_PHONE = /(?<![\d\w])(?:(?:\+|00)\d(?:[\s-]?\d){6,16}|[48]00(?:[\s-]?\d){7})(?!\d)/g;

// What the victim owns, named by the words right before it: the text before an identifier (for an
// account, its account word included) is matched at its end, after spaces, colons, 是 and 为. A
// comma ends the phrase: 「您的账户已冻结，请联系 170…」 keeps 170….
const OWN_THINGS = '手机号码|手机号|手机|电话号码|电话|号码|银行卡号|银行卡|卡号|账户|帐户|账号|帐号|微信号|微信|qq号|qq|支付宝|身份证号码|身份证号|身份证';
// The writer's own, in a citizen's story; not their 微信 or QQ, which in a pasted scam text is
// the scammer's 「加我微信」.
const MY_THINGS = '手机号码|手机号|手机|电话号码|电话|号码|银行卡号|银行卡|卡号|账户|帐户|身份证号码|身份证号|身份证';
const TITLES = '用户|客户|会员|车主|机主|先生|女士|旅客|乘客|家长|同学|朋友';
const OWNER_BEFORE = new RegExp(`(?:${[
  // 尊敬的用户, 尊敬的京东金融用户, 亲爱的
  `(?:尊敬|亲爱)的(?:\\p{Script=Han}{0,6}(?:${TITLES}))?`,
  // 您的账户, 你的手机号, 你们的, 您 (the reader)
  `[您你]们?的?(?:${OWN_THINGS})?`,
  // 本人, 本人手机, 我的银行卡, 我手机号
  `本人(?:的?(?:${MY_THINGS}))?`, `我的?(?:${MY_THINGS})`,
  // 用户139…, 客户139…, 尾号, and a card's number: never the scammer's to publish
  '用户|客户|机主|会员|车主', '尾号', '(?:银行卡|信用卡|储蓄卡|借记卡|卡号)(?:号码?)?',
].map((p) => `(?:${p})`).join('|')})$`, 'iu');
const BEFORE_TAIL = /(?:[\s:：=＝]|是|为)+$/u;
// 139… 用户您好, 139…的机主, 139…是我的: the reader's or the writer's own (not 是我们的, a company's).
const OWNER_AFTER = new RegExp(`^\\s*(?:的?(?:${TITLES})|您好|你好|是(?:我(?!们)|本人))`, 'u');
const LOOK_BEHIND = 24;

/** 12 digits or more (an ID number's check X too) is a card or an ID number, never an account (QQ numbers have at most 11). */
const CARD_DIGITS = /^\d{12,}[Xx]?$/;

/**
 * Whether an identifier may be stored as a report: never a card or ID number. The desk's own guard
 * for what reaches it from elsewhere (an offer kept in a conversation record, a caller of the port).
 */
export const storable = (id: ScamIdentifier): boolean => id.kind !== 'account' || !CARD_DIGITS.test(id.value);

interface Span {
  start: number;
  end: number;
  id: ScamIdentifier;
  /** The victim's own: addressed to the reader, or the writer's own in a story. Found, never reported. */
  own: boolean;
}

const overlaps = (spans: readonly { start: number; end: number }[], start: number, end: number) =>
  spans.some((s) => start < s.end && s.start < end);

/** Whether the words around [start, end) make the identifier the victim's own; read folded (本人手機 is 本人手机). */
function victimsOwn(text: string, start: number, end: number): boolean {
  const before = foldToSimplified(text.slice(Math.max(0, start - LOOK_BEHIND), start)).replace(BEFORE_TAIL, '');
  return OWNER_BEFORE.test(before) || OWNER_AFTER.test(foldToSimplified(text.slice(end, end + 12)));
}

function findSpans(text: string): Span[] {
  const personal = findPersonalData(text);
  // Cards and ID numbers are taken out first: nothing read inside them is an identifier.
  const spans: Span[] = [];
  const blocked = personal.filter((s) => s.kind === 'bank_card' || s.kind === 'id_card');
  const add = (start: number, end: number, id: ScamIdentifier | undefined) => {
    if (id && !overlaps(spans, start, end) && !overlaps(blocked, start, end)) spans.push({ start, end, id, own: victimsOwn(text, start, end) });
  };
  for (const m of text.matchAll(ACCOUNT_PATTERN)) {
    const raw = m[1] ?? '';
    const start = m.index + m[0].length - raw.length;
    // After an account word even 「zhang.san」 is an account, though it reads like an address.
    const value = normaliseAccount(raw);
    // The account word is part of what is read before it: 「您的账户 …」 is the reader's.
    add(start, start + raw.length, value && !CARD_DIGITS.test(value) ? { kind: 'account', value } : undefined);
  }
  for (const m of text.matchAll(URL_PATTERN)) {
    const value = normaliseUrl(m[0]);
    add(m.index, m.index + m[0].length, value ? { kind: 'url', value } : undefined);
  }
  for (const s of personal) {
    if (s.kind !== 'mobile' && s.kind !== 'landline' && s.kind !== 'number') continue;
    const value = normalisePhone(s.value);
    add(s.start, s.end, value ? { kind: 'phone', value } : undefined);
  }
  for (const m of text.matchAll(OTHER_PHONE)) {
    const value = normalisePhone(m[0]);
    add(m.index, m.index + m[0].length, value ? { kind: 'phone', value } : undefined);
  }
  return spans.sort((a, b) => a.start - b.start);
}

const keyOf = (id: ScamIdentifier) => `${id.kind}:${id.value}`;

/** The spans' identifiers in order, each once. */
function distinct(spans: readonly Span[]): ScamIdentifier[] {
  const seen = new Set<string>();
  return spans.map((s) => s.id).filter((id) => {
    const key = keyOf(id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Every identifier in the text, in order, each once: accounts after an account word, web
 * addresses, and phone numbers (the personal-data finder's mobiles, landlines and numbers after a
 * contact word, in any notation; international and 400/800 numbers). Never a card or ID number.
 * The victim's own are included: what a lookup of confirmed identifiers reads.
 */
export function findIdentifiers(text: string): ScamIdentifier[] {
  return distinct(findSpans(text));
}

/**
 * The identifiers a citizen may report from the text: `findIdentifiers` without the victim's own
 * (addressed to the reader, or the writer's own; see OWNER_BEFORE). A value that is the victim's
 * at one place in the text is left out at every place.
 */
export function reportableIdentifiers(text: string): ScamIdentifier[] {
  const spans = findSpans(text);
  const owned = new Set(spans.filter((s) => s.own).map((s) => keyOf(s.id)));
  return distinct(spans.filter((s) => !owned.has(keyOf(s.id))));
}

/** Whether `account` appears in `text` as a whole word (not inside a longer run of its characters). */
export function containsAccount(text: string, account: string): boolean {
  let at = text.indexOf(account);
  while (at !== -1) {
    const before = text[at - 1] ?? '';
    const after = text[at + account.length] ?? '';
    if (!/[A-Za-z0-9_\-.@+]/.test(before) && !/[A-Za-z0-9_\-.@+]/.test(after)) return true;
    at = text.indexOf(account, at + 1);
  }
  return false;
}
