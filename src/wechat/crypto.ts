import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { WechatProtocolError } from './errors.js';
import { safeEqual, sha1Signature } from './signature.js';
import { cdata, escapeText } from './xml-write.js';

/** WeChat pads to 32-byte blocks (PKCS#7 with k = 32), not AES's 16. */
const BLOCK = 32;
const RANDOM_LEN = 16;
const HEADER_LEN = RANDOM_LEN + 4;
/**
 * Strict base64 (standard alphabet, `=` padding, no stray bits in the last character), decoded;
 * undefined for anything else. Node's decoder skips characters outside the alphabet and takes the
 * URL-safe one too, so the value is valid exactly when what it decoded encodes back to it.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (s.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}

const AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;
// fatal: a message that is not valid UTF-8 cannot be the XML WeChat sent.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface WechatCryptoOptions {
  token: string;
  encodingAESKey: string;
  appId: string;
}

/**
 * "Safe mode" message encryption (AES-256-CBC, IV = key[0:16]), as in Tencent's
 * WXBizMsgCrypt. Plaintext layout: random(16) || uint32be(len) || msg || appId || pad.
 */
export class WechatCrypto {
  private readonly token: string;
  private readonly appIdBytes: Buffer;
  private readonly key: KeyObject;
  private readonly iv: Buffer;

  constructor(opts: WechatCryptoOptions) {
    if (typeof opts.encodingAESKey !== 'string' || !AES_KEY_RE.test(opts.encodingAESKey)) {
      throw new WechatProtocolError('WECHAT_BAD_AES_KEY', 'EncodingAESKey must be 43 base64 characters');
    }
    if (!opts.token || !opts.appId) throw new TypeError('WechatCrypto needs a token and an appId');
    const raw = Buffer.from(`${opts.encodingAESKey}=`, 'base64');
    if (raw.length !== 32) throw new WechatProtocolError('WECHAT_BAD_AES_KEY', 'EncodingAESKey must decode to 32 bytes');
    this.token = opts.token;
    this.key = createSecretKey(raw);
    this.iv = Buffer.from(raw.subarray(0, 16));
    this.appIdBytes = Buffer.from(opts.appId, 'utf8');
  }

  /** Decrypts the base64 `<Encrypt>` value and returns the inner message XML. */
  decrypt(encrypt: string): string {
    try {
      return UTF8.decode(this.decryptBytes(encrypt));
    } catch (err) {
      if (err instanceof WechatProtocolError) throw err;
      throw new WechatProtocolError('WECHAT_BAD_XML', 'decrypted message is not valid UTF-8', { cause: err });
    }
  }

  /**
   * decrypt() without the decoding: the inner message's bytes (a view into the decrypted block),
   * for scanXmlBytes, which refuses them unless they are UTF-8.
   */
  decryptBytes(encrypt: string): Buffer {
    const cipherText = typeof encrypt === 'string' && encrypt.length > 0 ? decodeBase64Strict(encrypt) : undefined;
    if (!cipherText) throw new WechatProtocolError('WECHAT_BAD_BASE64', 'Encrypt is not valid base64');
    if (cipherText.length % BLOCK !== 0) {
      throw new WechatProtocolError('WECHAT_BAD_LENGTH', 'ciphertext is not a whole number of 32-byte blocks');
    }
    // Padding is WeChat's (block 32), checked below; AES's own (block 16) is off.
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(cipherText), decipher.final()]);

    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK) throw new WechatProtocolError('WECHAT_BAD_PADDING', 'bad PKCS#7 padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new WechatProtocolError('WECHAT_BAD_PADDING', 'bad PKCS#7 padding');
    }
    const contentEnd = plain.length - pad;
    if (contentEnd < HEADER_LEN) throw new WechatProtocolError('WECHAT_BAD_LENGTH', 'plaintext too short');
    // msg_len is attacker-influenced once the key leaks or on bit flips: bound it by what is there.
    const msgLen = plain.readUInt32BE(RANDOM_LEN);
    if (msgLen > contentEnd - HEADER_LEN) throw new WechatProtocolError('WECHAT_BAD_LENGTH', 'msg_len exceeds plaintext');

    const msgEnd = HEADER_LEN + msgLen;
    const receivedAppId = plain.subarray(msgEnd, contentEnd);
    if (!bytesEqual(receivedAppId, this.appIdBytes)) {
      throw new WechatProtocolError('WECHAT_BAD_APPID', 'message was encrypted for another AppID');
    }
    return plain.subarray(HEADER_LEN, msgEnd);
  }

  /** Encrypts a message; `random` is only for reproducing test vectors. */
  encrypt(xml: string, random?: Buffer): string {
    if (random && random.length !== RANDOM_LEN) throw new RangeError('random prefix must be 16 bytes');
    const msgLen = Buffer.byteLength(xml, 'utf8');
    const contentLen = HEADER_LEN + msgLen + this.appIdBytes.length;
    const pad = BLOCK - (contentLen % BLOCK);
    const plain = Buffer.allocUnsafe(contentLen + pad);
    (random ?? randomBytes(RANDOM_LEN)).copy(plain, 0);
    plain.writeUInt32BE(msgLen, RANDOM_LEN);
    plain.write(xml, HEADER_LEN, 'utf8');
    this.appIdBytes.copy(plain, HEADER_LEN + msgLen);
    plain.fill(pad, contentLen);
    // plain is already padded to whole 32-byte blocks, so AES adds no padding of its own.
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  msgSignature(timestamp: string, nonce: string, encrypt: string): string {
    return sha1Signature([this.token, timestamp, nonce, encrypt]);
  }

  checkMsgSignature(timestamp: string, nonce: string, encrypt: string, signature: string): boolean {
    if (typeof timestamp !== 'string' || typeof nonce !== 'string' || typeof encrypt !== 'string') return false;
    return safeEqual(this.msgSignature(timestamp, nonce, encrypt), signature);
  }

  /**
   * Encrypts a passive reply and wraps it in the envelope WeChat expects in safe
   * mode. Layout (newlines included) matches wechatpy so its vector is byte-exact.
   */
  encryptReply(xml: string, timestamp: string, nonce: string, random?: Buffer): string {
    return this.envelope(this.encrypt(xml, random), timestamp, nonce);
  }

  private envelope(encrypt: string, timestamp: string, nonce: string): string {
    const signature = this.msgSignature(timestamp, nonce, encrypt);
    return (
      `<xml>\n<Encrypt>${cdata(encrypt)}</Encrypt>\n<MsgSignature>${cdata(signature)}</MsgSignature>\n` +
      `<TimeStamp>${escapeText(timestamp)}</TimeStamp>\n<Nonce>${cdata(nonce)}</Nonce>\n</xml>`
    );
  }
}

/** Equal-length byte comparison in constant time; a length mismatch is simply false. */
function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
