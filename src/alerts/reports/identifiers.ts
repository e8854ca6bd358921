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
import type { ScamIdentifier, ScamIdentifierKind } from '../../bot/ports.js';
import { findPersonalData } from '../../tips/rules/personal-data.js';

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

interface Span { start: number; end: number; id: ScamIdentifier }

const overlaps = (spans: readonly Span[], start: number, end: number) => spans.some((s) => start < s.end && s.start < end);

/**
 * Every identifier in the text, in order, each once: accounts after an account word, web
 * addresses, and phone numbers (the personal-data finder's mobiles, landlines and numbers after a
 * contact word, in any notation; international and 400/800 numbers).
 */
export function findIdentifiers(text: string): ScamIdentifier[] {
  const spans: Span[] = [];
  const add = (start: number, end: number, id: ScamIdentifier | undefined) => {
    if (id && !overlaps(spans, start, end)) spans.push({ start, end, id });
  };
  for (const m of text.matchAll(ACCOUNT_PATTERN)) {
    const raw = m[1] ?? '';
    const start = m.index + m[0].length - raw.length;
    // After an account word even 「zhang.san」 is an account, though it reads like an address.
    const value = normaliseAccount(raw);
    add(start, start + raw.length, value ? { kind: 'account', value } : undefined);
  }
  for (const m of text.matchAll(URL_PATTERN)) {
    const value = normaliseUrl(m[0]);
    add(m.index, m.index + m[0].length, value ? { kind: 'url', value } : undefined);
  }
  for (const s of findPersonalData(text)) {
    if (s.kind !== 'mobile' && s.kind !== 'landline' && s.kind !== 'number') continue;
    const value = normalisePhone(s.value);
    add(s.start, s.end, value ? { kind: 'phone', value } : undefined);
  }
  for (const m of text.matchAll(OTHER_PHONE)) {
    const value = normalisePhone(m[0]);
    add(m.index, m.index + m[0].length, value ? { kind: 'phone', value } : undefined);
  }
  const seen = new Set<string>();
  return spans.sort((a, b) => a.start - b.start).map((s) => s.id).filter((id) => {
    const key = `${id.kind}:${id.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
