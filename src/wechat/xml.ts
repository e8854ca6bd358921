import { WechatProtocolError } from './errors.js';

/**
 * A strict scanner for the XML WeChat sends: a `<xml>` root whose children hold
 * CDATA or text. It accepts exactly that shape and refuses everything a general
 * parser would have to interpret (DOCTYPE, entities, comments, processing
 * instructions, attributes), so it is both safer and several times faster than one.
 *
 * Output is a flat map. Nested elements become dotted keys, which covers the few
 * nested events WeChat sends and our own reply shapes:
 *   <ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo>  -> "ScanCodeInfo.ScanType"
 * `<item>` is WeChat's list element, so every `item` gets its index in its parent:
 *   <SendPicsInfo><PicList><item><PicMd5Sum>..  -> "SendPicsInfo.PicList.item[0].PicMd5Sum"
 * Leaves may sit at most 4 levels below `<xml>` (the depth of SendPicsInfo); deeper
 * nesting, mixed content, and a repeated element name (other than `item`) are refused.
 * Entity references are decoded in text only (the 5 predefined ones and numeric
 * character references), never in CDATA. Control characters are passed through.
 */

export interface ScanXmlOptions {
  /** Refuse input larger than this many UTF-8 bytes (default 64 KiB). */
  maxBytes?: number;
}

/** WeChat's inbound messages are a few KB at most; an envelope adds base64 overhead. */
export const DEFAULT_MAX_XML_BYTES = 64 * 1024;
/** Containers allowed under `<xml>` (root counts as one): xml > SendPicsInfo > PicList > item. */
const MAX_OPEN = 4;
const MAX_FIELDS = 512;

const LT = 60;
const GT = 62;
const SLASH = 47;
const AMP = '&';
const DECL_RE =
  /^<\?xml\s+version\s*=\s*(["'])1\.\d\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/;

function bad(message: string): never {
  throw new WechatProtocolError('WECHAT_BAD_XML', message);
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

// No '.', ':' or non-ASCII: dots would make keys ambiguous and WeChat uses none of them.
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
}

function skipWs(s: string, i: number): number {
  while (isWs(s.charCodeAt(i))) i++;
  return i;
}

function readName(s: string, i: number): number {
  while (isNameChar(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past `</name>` (optional spaces before `>`); `at` points after `</`. */
function closeTag(s: string, at: number, name: string): number {
  if (!s.startsWith(name, at)) bad(`mismatched end tag, expected </${name}>`);
  const p = skipWs(s, at + name.length);
  if (s.charCodeAt(p) !== GT) bad(`mismatched end tag, expected </${name}>`);
  return p + 1;
}

export function scanXml(xml: string, opts?: ScanXmlOptions): Record<string, string> {
  if (typeof xml !== 'string') bad('input is not a string');
  const max = opts?.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  // A UTF-16 unit is at least one UTF-8 byte, so the exact count is only needed near the limit.
  if (xml.length > max || (xml.length * 3 > max && Buffer.byteLength(xml, 'utf8') > max)) bad('input too large');

  const n = xml.length;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  i = skipWs(xml, i);
  if (xml.startsWith('<?', i)) {
    const end = xml.indexOf('?>', i);
    if (end < 0 || !DECL_RE.test(xml.slice(i, end + 2))) bad('only an xml declaration may precede <xml>');
    i = skipWs(xml, end + 2);
  }
  if (!xml.startsWith('<xml', i)) bad('root element must be <xml>');
  i = skipWs(xml, i + 4);
  if (xml.charCodeAt(i) !== GT) bad('attributes are not allowed');
  i++;

  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let fields = 0;
  // Open containers as parallel stacks: name, key prefix, count of `item` children.
  const names: string[] = ['xml'];
  const prefixes: string[] = [''];
  const items: number[] = [0];
  let containers: Set<string> | undefined;

  for (;;) {
    i = skipWs(xml, i);
    if (xml.charCodeAt(i) !== LT) bad(i >= n ? 'unexpected end of input' : 'text between elements');
    const c = xml.charCodeAt(i + 1);
    const top = names.length - 1;
    if (c === SLASH) {
      i = closeTag(xml, i + 2, names[top] ?? '');
      names.pop();
      prefixes.pop();
      items.pop();
      if (names.length === 0) break;
      continue;
    }
    // Comments, DOCTYPE, processing instructions, CDATA outside a value: all refused here.
    if (!isNameStart(c)) bad('unexpected markup');
    const nameEnd = readName(xml, i + 1);
    const name = xml.slice(i + 1, nameEnd);
    let key: string;
    if (name === 'item') {
      const idx = items[top] ?? 0;
      items[top] = idx + 1;
      key = `${prefixes[top] ?? ''}item[${idx}]`;
    } else {
      key = (prefixes[top] ?? '') + name;
    }

    let j = skipWs(xml, nameEnd);
    if (xml.charCodeAt(j) === SLASH && xml.charCodeAt(j + 1) === GT) {
      if (out[key] !== undefined) bad(`duplicate element ${key}`);
      if (++fields > MAX_FIELDS) bad('too many fields');
      out[key] = '';
      i = j + 2;
      continue;
    }
    if (xml.charCodeAt(j) !== GT) bad('attributes are not allowed');
    j++;

    // A container's first non-space content is a child start tag; anything else is a value.
    const k = skipWs(xml, j);
    if (xml.charCodeAt(k) === LT && isNameStart(xml.charCodeAt(k + 1))) {
      if (names.length >= MAX_OPEN) bad('elements nested too deep');
      containers ??= new Set();
      if (containers.has(key)) bad(`duplicate element ${key}`);
      containers.add(key);
      names.push(name);
      prefixes.push(`${key}.`);
      items.push(0);
      i = k;
      continue;
    }

    let value = '';
    let p = j;
    for (;;) {
      const lt = xml.indexOf('<', p);
      if (lt < 0) bad('unexpected end of input');
      if (lt > p) value += decodeText(xml.slice(p, lt));
      if (xml.charCodeAt(lt + 1) === SLASH) {
        i = closeTag(xml, lt + 2, name);
        break;
      }
      if (!xml.startsWith('<![CDATA[', lt)) bad('unexpected markup inside a value');
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) bad('unterminated CDATA');
      value += xml.slice(lt + 9, end);
      p = end + 3;
    }
    if (out[key] !== undefined || containers?.has(key)) bad(`duplicate element ${key}`);
    if (++fields > MAX_FIELDS) bad('too many fields');
    out[key] = value;
  }

  if (skipWs(xml, i) !== n) bad('content after </xml>');
  return out;
}

function decodeText(text: string): string {
  if (text.includes(']]>')) bad("']]>' is not allowed in text");
  let amp = text.indexOf(AMP);
  if (amp < 0) return text;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 10) bad('malformed entity reference');
    out += text.slice(last, amp) + resolveReference(text.slice(amp + 1, semi));
    last = semi + 1;
    amp = text.indexOf(AMP, last);
  }
  return out + text.slice(last);
}

function resolveReference(ref: string): string {
  switch (ref) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  let cp = NaN;
  if (/^#[0-9]{1,7}$/.test(ref)) cp = Number(ref.slice(1));
  else if (/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) cp = parseInt(ref.slice(2), 16);
  else bad(`unknown entity &${ref};`);
  const ok =
    cp === 9 ||
    cp === 10 ||
    cp === 13 ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
  if (!ok) bad('character reference to a character XML forbids');
  return String.fromCodePoint(cp);
}
