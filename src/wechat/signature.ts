import { hash } from 'node:crypto';

/**
 * WeChat's signature: sort the parts, concatenate, SHA-1, lowercase hex.
 * Default sort compares UTF-16 code units; every part WeChat signs is ASCII, where
 * that equals the byte order the official SDKs use.
 */
export function sha1Signature(parts: readonly string[]): string {
  // An insertion sort of the three or four parts: Array.prototype.sort allocates its own work
  // state on every call (~600 bytes a request in the webhook's allocation profile). `>` compares
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
  // crypto.hash: one shot, no Hash object for the GC to finalise (several times cheaper in a server).
  return hash('sha1', sorted.join(''), 'hex');
}

/**
 * Constant-time string comparison. Returns false on length mismatch instead of
 * throwing (timingSafeEqual throws), and on non-string input because query
 * params can arrive as arrays at runtime whatever the types say.
 */
export function safeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  if (a.length !== b.length) return false;
  // Every position is compared whatever the earlier ones held: the time depends on the length
  // only. (timingSafeEqual needs two Buffers per call, which costs more than the hash here.)
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Plain `signature` check used on the GET echostr handshake and on every POST. */
export function checkSignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') return false;
  return safeEqual(sha1Signature([token, timestamp, nonce]), signature);
}
