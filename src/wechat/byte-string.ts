import { Buffer } from 'node:buffer';

/**
 * Bytes held in a string, one character per byte (every character is below 256): what node calls
 * the 'latin1' encoding of a buffer. The webhook's passive replies are rendered as the UTF-8 bytes
 * of the XML in this form, so that the response is written with `'latin1'` (a copy) and its
 * Content-Length is its length.
 *
 * Why not a normal string: a reply holding one Chinese character is a two-byte string all through,
 * and node then measures its UTF-8 length and converts it to UTF-8 character by character to
 * write it, the ASCII envelope included: 14k instructions a message, ~9% of the webhook's,
 * against a few hundred to encode the non-ASCII values on their own.
 *
 * A distinct type, so that text and bytes are never mixed up: a ByteString comes only from
 * `utf8Bytes` (or from concatenating ByteStrings, which the renderers do), and is turned back into
 * text with `textOf`.
 */
export type ByteString = string & { readonly __bytes: 'utf-8' };

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The UTF-8 encoding of `text` as a ByteString: ASCII as it is, anything else encoded. */
export function utf8Bytes(text: string): ByteString {
  return (isAscii(text) ? text : Buffer.from(text, 'utf8').toString('latin1')) as ByteString;
}

/** The text a ByteString encodes. */
export function textOf(bytes: ByteString): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
