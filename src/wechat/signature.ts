import { hash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's signature: sort the parts, concatenate, SHA-1, lowercase hex.
 * Default sort compares UTF-16 code units; every part WeChat signs is ASCII, where
 * that equals the byte order the official SDKs use.
 */
export function sha1Signature(parts: readonly string[]): string {
  // An insertion sort of the three or four parts, which allocates nothing (Array.prototype.sort
  // allocates its own work state on every call, and this runs for every request). `>` compares
  // UTF-16 code units, as the default sort does.
  const sorted = parts.slice();
  for (let i = 1; i < sorted.length; i += 1) {
    const x = sorted[i]!;
    let j = i - 1;
    while (j >= 0 && sorted[j]! > x) {
      sorted[j + 1] = sorted[j]!;
      j -= 1;
    }
    sorted[j + 1] = x;
  }
  // crypto.hash: one shot, no Hash object for the GC to finalise.
  return hash('sha1', sorted.join(''), 'hex');
}

/**
 * Constant-time string comparison. Returns false on length mismatch instead of
 * throwing (timingSafeEqual throws), and on non-string input because query
 * params can arrive as arrays at runtime whatever the types say.
 */
export function safeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  // UTF-16 code units, two bytes each: lossless for any string (lone surrogates included),
  // so the buffers are equal exactly when the strings are.
  const x = Buffer.from(a, 'utf16le');
  const y = Buffer.from(b, 'utf16le');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Plain `signature` check used on the GET echostr handshake and on every POST. */
export function checkSignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') return false;
  return safeEqual(sha1Signature([token, timestamp, nonce]), signature);
}
