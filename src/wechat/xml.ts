import { Buffer, isUtf8 } from 'node:buffer';
import { WechatProtocolError } from './errors.js';

/**
 * A strict scanner for the XML WeChat sends: a `<xml>` root whose children hold
 * CDATA or text. It accepts exactly that shape and refuses everything a general
 * parser would have to interpret (DOCTYPE, entities, comments, processing
 * instructions, attributes), so it is both safer and faster than one.
 *
 * Output is a flat map. Nested elements become dotted keys, which covers the few
 * nested events WeChat sends and our own reply shapes:
 *   <ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo>  -> "ScanCodeInfo.ScanType"
 * `<item>` is WeChat's list element, so every `item` gets its index in its parent:
 *   <SendPicsInfo><PicList><item><PicMd5Sum>..  -> "SendPicsInfo.PicList.item[0].PicMd5Sum"
 * Leaves may sit at most 4 levels below `<xml>` (the depth of SendPicsInfo); deeper
 * nesting, mixed content, and a repeated element name (other than `item`) are refused.
 * Entity references are decoded in text only (the 5 predefined ones and numeric
 * character references), never in CDATA. Control characters are passed through; the input
 * must be UTF-8 (a string is scanned as its UTF-8 bytes, so a lone surrogate reads as U+FFFD).
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
const AMP = 38;
const RSQB = 93;
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

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length && isWs(b[i]!)) i++;
  return i;
}

/** Index just past `</name>` (optional spaces before `>`); `at` points after `</`. */
function closeTag(b: Uint8Array, text: string, at: number, name: string): number {
  if (!text.startsWith(name, at)) bad(`mismatched end tag, expected </${name}>`);
  const p = skipWs(b, at + name.length);
  if (b[p] !== GT) bad(`mismatched end tag, expected </${name}>`);
  return p + 1;
}

/**
 * The element names WeChat sends, as the literals themselves: an element named one of them
 * costs no new string, and the fields object gets the same keys in the same order every time.
 */
const KNOWN_NAMES = [
  'xml', 'item', 'ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'MsgID', 'MsgDataId',
  'Idx', 'Event', 'EventKey', 'Ticket', 'Encrypt', 'PicUrl', 'MediaId', 'Format', 'Recognition', 'ThumbMediaId',
  'Location_X', 'Location_Y', 'Scale', 'Label', 'Title', 'Description', 'Url', 'Latitude', 'Longitude',
  'Precision', 'Status', 'MenuId', 'ScanCodeInfo', 'ScanType', 'ScanResult', 'SendPicsInfo', 'Count', 'PicList',
  'PicMd5Sum', 'SendLocationInfo', 'Poiname',
];
/** KNOWN_NAMES by length. */
const KNOWN: { name: string; bytes: Uint8Array }[][] = [];
for (const name of KNOWN_NAMES) (KNOWN[name.length] ??= []).push({ name, bytes: Buffer.from(name, 'latin1') });

/** The name at [start, end): a known name's literal, else a new string (names are ASCII). */
function nameAt(b: Uint8Array, text: string, start: number, end: number): string {
  const candidates = KNOWN[end - start];
  if (candidates) {
    for (const { name, bytes } of candidates) {
      let i = 0;
      while (i < bytes.length && bytes[i] === b[start + i]) i++;
      if (i === bytes.length) return name;
    }
  }
  return text.slice(start, end);
}

/**
 * The fields object's constructor. Its instances inherit nothing (the prototype is an empty
 * object with a null prototype: no `__proto__` setter, no `constructor`, no `toString`), like
 * Object.create(null)'s, but they start with fast properties, where Object.create(null) gives a
 * hash table that is grown and rehashed as the fields arrive.
 */
function ScannedFields(): void {}
ScannedFields.prototype = Object.create(null) as object;
const Fields = ScannedFields as unknown as new () => Record<string, string>;

/** scanXml over a string (tests, the chat client): its UTF-8 bytes, scanned. */
export function scanXml(xml: string, opts?: ScanXmlOptions): Record<string, string> {
  if (typeof xml !== 'string') bad('input is not a string');
  // A UTF-16 unit is at least one UTF-8 byte: too long in units is too large in bytes.
  if (xml.length > (opts?.maxBytes ?? DEFAULT_MAX_XML_BYTES)) bad('input too large');
  return scanXmlBytes(Buffer.from(xml, 'utf8'), opts);
}

/**
 * Scans the message's bytes as they came (the request body, or the decrypted message): the
 * markup is ASCII, so it is read byte by byte from the buffer, and each value becomes a string
 * only once it is found, as one-byte text when it is ASCII (names, ids, numbers, base64) and as
 * UTF-8 only when it is not. Bytes that are not valid UTF-8 are refused.
 *
 * Decoding the whole body into a string first and scanning that was most of a message's parse
 * time: a body with one Chinese character decodes to a two-byte string, every character read
 * from a string goes through V8's string-shape dispatch, and every value sliced from it is
 * two-byte too.
 */
export function scanXmlBytes(b: Uint8Array, opts?: ScanXmlOptions): Record<string, string> {
  const n = b.length;
  if (n > (opts?.maxBytes ?? DEFAULT_MAX_XML_BYTES)) bad('input too large');
  if (!isUtf8(b)) bad('input is not UTF-8');
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, n);
  // One character per byte, at the same offsets: ASCII values are sliced from it.
  const text = buf.toString('latin1');

  let i = n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  i = skipWs(b, i);
  if (text.startsWith('<?', i)) {
    const end = text.indexOf('?>', i);
    if (end < 0 || !DECL_RE.test(text.slice(i, end + 2))) bad('only an xml declaration may precede <xml>');
    i = skipWs(b, end + 2);
  }
  if (!text.startsWith('<xml', i)) bad('root element must be <xml>');
  i = skipWs(b, i + 4);
  if (b[i] !== GT) bad('attributes are not allowed');
  i++;

  const out = new Fields();
  let fields = 0;
  // Open containers as parallel stacks: name, key prefix, count of `item` children.
  const names: string[] = ['xml'];
  const prefixes: string[] = [''];
  const items: number[] = [0];
  let containers: Set<string> | undefined;

  for (;;) {
    i = skipWs(b, i);
    if (b[i] !== LT) bad(i >= n ? 'unexpected end of input' : 'text between elements');
    const c = i + 1 < n ? b[i + 1]! : 0;
    const top = names.length - 1;
    if (c === SLASH) {
      i = closeTag(b, text, i + 2, names[top] ?? '');
      names.pop();
      prefixes.pop();
      items.pop();
      if (names.length === 0) break;
      continue;
    }
    // Comments, DOCTYPE, processing instructions, CDATA outside a value: all refused here.
    if (!isNameStart(c)) bad('unexpected markup');
    let nameEnd = i + 2;
    while (nameEnd < n && isNameChar(b[nameEnd]!)) nameEnd++;
    const name = nameAt(b, text, i + 1, nameEnd);
    let key: string;
    if (name === 'item') {
      const idx = items[top] ?? 0;
      items[top] = idx + 1;
      key = `${prefixes[top] ?? ''}item[${idx}]`;
    } else {
      key = top === 0 ? name : (prefixes[top] ?? '') + name;
    }

    let j = skipWs(b, nameEnd);
    if (b[j] === SLASH && b[j + 1] === GT) {
      if (out[key] !== undefined) bad(`duplicate element ${key}`);
      if (++fields > MAX_FIELDS) bad('too many fields');
      out[key] = '';
      i = j + 2;
      continue;
    }
    if (b[j] !== GT) bad('attributes are not allowed');
    j++;

    // A container's first non-space content is a child start tag; anything else is a value.
    const k = skipWs(b, j);
    if (b[k] === LT && k + 1 < n && isNameStart(b[k + 1]!)) {
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
      // Text up to the next '<', noting '&' and ']' (entities to decode, ']]>' to refuse) and
      // any byte past ASCII (the text is then decoded as UTF-8).
      let lt = p;
      let marks = false;
      let high = 0;
      for (;; lt++) {
        if (lt >= n) bad('unexpected end of input');
        const ch = b[lt]!;
        if (ch === LT) break;
        high |= ch;
        if (ch === AMP || ch === RSQB) marks = true;
      }
      if (lt > p) {
        const t = high & 0x80 ? buf.toString('utf8', p, lt) : text.slice(p, lt);
        value += marks ? decodeText(t) : t;
      }
      if (b[lt + 1] === SLASH) {
        i = closeTag(b, text, lt + 2, name);
        break;
      }
      if (!text.startsWith('<![CDATA[', lt)) bad('unexpected markup inside a value');
      let end = lt + 9;
      high = 0;
      for (;; end++) {
        if (end + 2 >= n) bad('unterminated CDATA');
        const ch = b[end]!;
        if (ch === RSQB && b[end + 1] === RSQB && b[end + 2] === GT) break;
        high |= ch;
      }
      value += high & 0x80 ? buf.toString('utf8', lt + 9, end) : text.slice(lt + 9, end);
      p = end + 3;
    }
    if (out[key] !== undefined || containers?.has(key)) bad(`duplicate element ${key}`);
    if (++fields > MAX_FIELDS) bad('too many fields');
    out[key] = value;
  }

  if (skipWs(b, i) !== n) bad('content after </xml>');
  return out;
}

function decodeText(text: string): string {
  if (text.includes(']]>')) bad("']]>' is not allowed in text");
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 10) bad('malformed entity reference');
    out += text.slice(last, amp) + resolveReference(text.slice(amp + 1, semi));
    last = semi + 1;
    amp = text.indexOf('&', last);
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
