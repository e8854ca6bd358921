// Reporter identity at rest: AES-256-GCM with a key id stored beside the ciphertext, so keys can
// rotate (the first key encrypts, every listed key decrypts), and an HMAC of the citizen id so
// the bot finds a citizen's own tips without decrypting anything.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export interface ReporterIdentity {
  /** openid on the official account, contact id on Wechaty. */
  citizenId: string;
  name?: string;
  phone?: string;
  /** The citizen's texts as written, where the stored ones are masked (personal data inside). */
  texts?: SealedTexts;
}

/** Originals of the tip's stored texts that masking changed; absent fields were stored as written. */
export interface SealedTexts {
  description?: string;
  /** The transcript as JSON, entries as the citizen wrote them. */
  transcript?: string;
  placeText?: string;
}

/**
 * What a tip's seal holds. An anonymous (匿名) citizen's seal holds the openid (contact id) alone,
 * and only so notices reach them (notices.ts): never a name or phone, even if one was given, and
 * no staff-facing path decrypts it (reads.ts).
 */
export function identityToSeal(
  citizenId: string, contact: { anonymous: boolean; name?: string; phone?: string }, texts: SealedTexts = {},
): ReporterIdentity {
  if (contact.anonymous) return { citizenId };
  return {
    citizenId,
    ...(contact.name ? { name: contact.name } : {}),
    ...(contact.phone ? { phone: contact.phone } : {}),
    ...(Object.keys(texts).length ? { texts } : {}),
  };
}

/** The id of the key a seal was made with (`v1:keyId:iv:tag:body`): rotation finds old seals by it. */
export function sealKeyId(sealed: string): string | undefined {
  return sealed.split(':')[1];
}

export interface IdentityVault {
  /** The key id the next encryption will use (stored in its own column for rotation jobs). */
  readonly currentKeyId: string;
  encrypt(identity: ReporterIdentity): string;
  decrypt(sealed: string): ReporterIdentity;
  /** A citizen text sealed on its own (a later answer of theirs, e.g. a review reason), same format. */
  sealText(text: string): string;
  openText(sealed: string): string;
  /** HMAC-SHA256 of channel + citizen id, hex: the lookup key for "my tips". */
  citizenHash(channel: string, citizenId: string): string;
  /**
   * The same HMAC for an id that does not recur (a message's dedupe key): not kept among the
   * recent hashes, which it would only crowd out.
   */
  oneOffHash(channel: string, id: string): string;
}

export class IdentityKeyError extends Error {
  readonly code = 'TIP_IDENTITY_KEY_UNKNOWN';
  readonly status = 500;
}

/** Keys as KeyObjects: imported once, not on every seal. */
function parseKeys(spec: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const part of spec.split(',')) {
    const [id, b64] = part.trim().split(':');
    if (!id || !b64) continue;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new IdentityKeyError(`identity key ${id} is not 32 bytes`);
    keys.set(id, createSecretKey(key));
  }
  if (keys.size === 0) throw new IdentityKeyError('no identity key configured');
  return keys;
}

/** `identityKeys` is "keyId:base64,keyId2:base64" (config tips.identityKeys). */
export function createIdentityVault(identityKeys: string, hashKey: string): IdentityVault {
  const keys = parseKeys(identityKeys);
  const [currentKeyId, currentKey] = [...keys.entries()][0] ?? [];
  const hmacKey = createSecretKey(Buffer.from(hashKey, 'utf8'));
  if (!currentKeyId || !currentKey) throw new IdentityKeyError('no identity key configured');
  const hashes = new Map<string, string>();
  const hmac = (input: string) => createHmac('sha256', hmacKey).update(input).digest('hex');
  function seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', currentKey as KeyObject, iv);
    // The key id is authenticated too: a ciphertext cannot be relabelled to another key.
    cipher.setAAD(Buffer.from(currentKeyId as string));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', currentKeyId, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(':');
  }
  function open(sealed: string): string {
    const [version, , iv, tag, body] = sealed.split(':');
    const keyId = sealKeyId(sealed);
    const key = keyId ? keys.get(keyId) : undefined;
    if (version !== 'v1' || !key || !iv || !tag || body === undefined) {
      throw new IdentityKeyError(`cannot decrypt identity sealed with key ${keyId ?? '?'}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(keyId ?? ''));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
  return {
    currentKeyId,
    encrypt: (identity) => seal(JSON.stringify(identity)),
    decrypt: (sealed) => JSON.parse(open(sealed)) as ReporterIdentity,
    sealText: (text) => seal(JSON.stringify({ text })),
    openText: (sealed) => (JSON.parse(open(sealed)) as { text: string }).text,
    citizenHash(channel, citizenId) {
      const input = `${channel}:${citizenId}`;
      let hash = hashes.get(input);
      if (hash === undefined) {
        hash = hmac(input);
        if (hashes.size >= HASHES_KEPT) hashes.clear();
        hashes.set(input, hash);
      }
      return hash;
    },
    oneOffHash: (channel, id) => hmac(`${channel}:${id}`),
  };
}

/**
 * One message hashes its citizen's ids several times (the conversation's keys, the desk, the
 * followers): the hashes of the latest few thousand inputs are kept, not recomputed.
 */
const HASHES_KEPT = 4096;
