// Password hashing with scrypt (Node's built-in, memory-hard). The stored string carries its
// parameters, so they can be raised later without invalidating existing hashes.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { cleanInput } from '../platform/input-text.js';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });

/**
 * scrypt's cost (N) for new hashes, a power of two (config staff.passwordCost): OWASP's floor for
 * scrypt. Lower only in config/test.json, where hundreds of accounts are made; verifying reads the
 * cost each hash was made with.
 */
export const PASSWORD_COST = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const MIN_PASSWORD_LENGTH = 10;

/**
 * A password's length as it is hashed: in characters (code points) of its cleaned form (NFKC,
 * invisible and control characters removed, see cleanInput). The minimum is checked on this,
 * never on what was typed: ten zero-width spaces are the empty password.
 */
export function passwordLength(password: string): number {
  return [...cleanInput(password)].length;
}

export async function hashPassword(password: string, cost: number = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(cleanInput(password), salt, KEYLEN, { N: cost, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${cost}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const cleaned = cleanInput(password);
  // Nothing left after cleaning (only control or invisible characters): never a password, even
  // against a hash made of one before lengths were counted cleaned.
  if (cleaned === '') return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(cleaned, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password at this cost: verifying against it costs the same as a real check. */
const dummies = new Map<number, Promise<string>>();
export function dummyHash(cost: number = PASSWORD_COST): Promise<string> {
  let dummy = dummies.get(cost);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'), cost);
    dummies.set(cost, dummy);
  }
  return dummy;
}
