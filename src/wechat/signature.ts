import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's signature: sort the parts, concatenate, SHA-1, lowercase hex.
 * Default sort compares UTF-16 code units; every part WeChat signs is ASCII, where
 * that equals the byte order the official SDKs use.
 */
export function sha1Signature(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/**
 * Constant-time string comparison. Returns false on length mismatch instead of
 * throwing (timingSafeEqual throws), and on non-string input because query
 * params can arrive as arrays at runtime whatever the types say.
 */
export function safeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

/** Plain `signature` check used on the GET echostr handshake and on every POST. */
export function checkSignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') return false;
  return safeEqual(sha1Signature([token, timestamp, nonce]), signature);
}
