// The code a citizen quotes to follow a tip: SM + yymmdd (Shanghai date) + 6 random chars.
// It is read aloud on the phone and typed on a phone keyboard, so the random part avoids
// characters people confuse (0/O, 1/I/L). 31^6 ≈ 8.9e8 codes a day: the repository's unique
// index still decides, and the caller draws again on a clash.
import { randomBytes } from 'node:crypto';
import { shanghaiDayKey } from '../../platform/beijing-time.js';

export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const RANDOM_LENGTH = 6;
// Largest multiple of the alphabet size that fits in a byte: bytes at or above it are
// dropped, so every character is equally likely (no modulo bias).
const ACCEPT_BELOW = Math.floor(256 / TRACKING_ALPHABET.length) * TRACKING_ALPHABET.length;

export type RandomSource = (size: number) => Uint8Array;

const PATTERN = new RegExp(`^SM(\\d{2})(\\d{2})(\\d{2})[${TRACKING_ALPHABET}]{${RANDOM_LENGTH}}$`);

export function newTrackingCode(now: Date, random: RandomSource = randomBytes): string {
  const date = shanghaiDayKey(now).replace(/-/g, '').slice(2);
  let out = '';
  // Each byte is accepted with probability 248/256; 64 rounds failing means a broken source.
  for (let round = 0; round < 64 && out.length < RANDOM_LENGTH; round += 1) {
    for (const byte of random(RANDOM_LENGTH * 2)) {
      if (byte < ACCEPT_BELOW) out += TRACKING_ALPHABET[byte % TRACKING_ALPHABET.length];
      if (out.length === RANDOM_LENGTH) break;
    }
  }
  if (out.length < RANDOM_LENGTH) throw new Error('random source returned no usable bytes');
  return `SM${date}${out}`;
}

/** Exact, canonical form (normalise first when the text comes from a citizen). */
export function isTrackingCode(s: string): boolean {
  const m = PATTERN.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/**
 * What a citizen typed → canonical form: full-width → half-width (NFKC), spaces and dashes
 * dropped, upper case. In the date part, O/I/L typed for 0/1 are read as digits: the
 * random part never contains them, so this cannot turn one valid code into another.
 */
export function normaliseTrackingCode(s: string): string {
  const t = s.normalize('NFKC').replace(/[\s\-_]/g, '').toUpperCase();
  if (!t.startsWith('SM') || t.length < 8) return t;
  const date = t.slice(2, 8).replace(/O/g, '0').replace(/[IL]/g, '1');
  return `SM${date}${t.slice(8)}`;
}
