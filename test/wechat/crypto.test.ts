import { createCipheriv, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { WechatCrypto, WechatProtocolError, scanXml, type WechatProtocolErrorCode } from '../../src/wechat/index.js';
import { vectors } from './vectors.js';
import { decodeBase64Strict } from '../../src/wechat/crypto.js';

const official = vectors.aes_official_sample;
const easy = vectors.aes_easywechat_decrypt;
const work = vectors.aes_wechatpy_work;

function expectCode(fn: () => unknown, code: WechatProtocolErrorCode): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(WechatProtocolError);
    expect((err as WechatProtocolError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

/** Encrypts an arbitrary (possibly malformed) plaintext with the official sample key. */
function rawEncrypt(plain: Buffer): string {
  const key = Buffer.from(`${official.encodingAESKey}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** random16 || len || msg || appId || pad, with every part overridable. */
function layout(opts: { msg?: Buffer; len?: number; appId?: string; pad?: Buffer }): Buffer {
  const msg = opts.msg ?? Buffer.from('<xml></xml>');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(opts.len ?? msg.length);
  const body = Buffer.concat([Buffer.alloc(16, 0x61), len, msg, Buffer.from(opts.appId ?? official.appId)]);
  const k = 32 - (body.length % 32);
  return Buffer.concat([body, opts.pad ?? Buffer.alloc(k, k)]);
}

describe('wechat/crypto', () => {
  const sample = new WechatCrypto({ token: official.token, encodingAESKey: official.encodingAESKey, appId: official.appId });
  const random = Buffer.from(official.randomStr, 'utf8');

  it('a long run of messages, failures among them, encrypts and decrypts exactly as a raw AES-256-CBC cipher does', () => {
    // One crypto object for the whole run: no message may depend on an earlier one.
    const c = new WechatCrypto({ token: official.token, encodingAESKey: official.encodingAESKey, appId: official.appId });
    const sizes = [0, 1, 11, 12, 13, 43, 44, 45, 100, 2000];
    for (let n = 0; n < 300; n += 1) {
      const msg = `<xml>${'很'.repeat(sizes[n % sizes.length]!)}${n}</xml>`;
      const prefix = randomBytes(16);
      const plain = layout({ msg: Buffer.from(msg) });
      prefix.copy(plain, 0);
      const expected = rawEncrypt(plain);
      expect(c.encrypt(msg, prefix), `message ${n}`).to.equal(expected);
      expect(c.decrypt(expected), `message ${n}`).to.equal(msg);
      expect(c.decryptBytes(expected).equals(Buffer.from(msg)), `bytes of message ${n}`).to.equal(true);
      // A fresh-random encryption decrypts back too, by this object and by a new one.
      const fresh = c.encrypt(msg);
      expect(c.decrypt(fresh)).to.equal(msg);
      expect(sample.decrypt(fresh)).to.equal(msg);
      if (n % 7 === 0) expectCode(() => c.decrypt(rawEncrypt(layout({ appId: 'wx_other' }))), 'WECHAT_BAD_APPID');
      if (n % 11 === 0) expectCode(() => c.decrypt(rawEncrypt(Buffer.alloc(64, 33))), 'WECHAT_BAD_PADDING');
    }
  });

  it('official sample case1 encrypts byte-exact and decrypts back (UTF-8 length in bytes)', () => {
    expect(sample.encrypt(official.case1.plaintext, random)).to.equal(official.case1.expected_Encrypt);
    expect(sample.decrypt(official.case1.expected_Encrypt)).to.equal(official.case1.plaintext);
  });

  it('official sample case2 encrypts byte-exact, decrypts back, and signs', () => {
    const c = official.case2;
    expect(sample.encrypt(c.plaintext, random)).to.equal(c.expected_Encrypt);
    expect(sample.decrypt(c.expected_Encrypt)).to.equal(c.plaintext);
    expect(sample.msgSignature(official.timestamp, official.nonce, c.expected_Encrypt)).to.equal(
      c.derived_msg_signature_for_token_timestamp_nonce,
    );
  });

  it('uses 16 fresh random bytes when no prefix is given', () => {
    const a = sample.encrypt('hello');
    const b = sample.encrypt('hello');
    expect(a).to.not.equal(b);
    expect(sample.decrypt(a)).to.equal('hello');
  });

  it('EasyWeChat inbound: signature checks, decrypts, scans', () => {
    const c = new WechatCrypto({ token: easy.token, encodingAESKey: easy.encodingAESKey, appId: easy.appId });
    const encrypt = scanXml(easy.request_body).Encrypt ?? '';
    expect(encrypt).to.equal(easy.Encrypt);
    expect(c.checkMsgSignature(easy.timestamp, easy.nonce, encrypt, easy.msg_signature)).to.equal(true);
    const xml = c.decrypt(encrypt);
    expect(xml).to.equal(easy.derived_decryption.msg);
    expect(scanXml(xml)).to.include(easy.asserted_fields);
  });

  it('EasyWeChat negative: wrong msg_signature is refused', () => {
    const c = new WechatCrypto({ token: easy.token, encodingAESKey: easy.encodingAESKey, appId: easy.appId });
    const bad = easy.negative_cases.find((n) => n.msg_signature)?.msg_signature ?? 'invalid-signature';
    expect(c.checkMsgSignature(easy.timestamp, easy.nonce, easy.Encrypt, bad)).to.equal(false);
  });

  it('EasyWeChat negative: wrong AppID is WECHAT_BAD_APPID', () => {
    const appId = easy.negative_cases.find((n) => n.appId_configured)?.appId_configured ?? 'invalid appid';
    const c = new WechatCrypto({ token: easy.token, encodingAESKey: easy.encodingAESKey, appId });
    expectCode(() => c.decrypt(easy.Encrypt), 'WECHAT_BAD_APPID');
  });

  it('wechatpy work: decrypt and encrypt_reply envelope byte-exact', () => {
    const c = new WechatCrypto({ token: work.token, encodingAESKey: work.encodingAESKey, appId: work.receive_id });
    const d = work.decrypt;
    expect(c.checkMsgSignature(d.timestamp, d.nonce, d.Encrypt, d.msg_signature)).to.equal(true);
    const xml = c.decrypt(scanXml(d.request_body).Encrypt ?? '');
    expect(xml).to.equal(d.derived_decryption.msg);
    expect(scanXml(xml)).to.include(d.asserted_fields);

    const r = work.encrypt_reply;
    const envelope = c.encryptReply(r.reply_plaintext, r.timestamp, r.nonce, Buffer.from(r.random16, 'utf8'));
    expect(envelope).to.equal(r.expected_envelope);
    const fields = scanXml(envelope);
    expect(fields.Encrypt).to.equal(r.expected_Encrypt);
    expect(fields.MsgSignature).to.equal(r.expected_MsgSignature);
    expect(c.decrypt(r.expected_Encrypt)).to.equal(r.reply_plaintext);
    // With a fresh random prefix (the webhook's form) it decrypts back rather than matching the vector.
    const sealed = scanXml(c.encryptReply(r.reply_plaintext, r.timestamp, r.nonce));
    expect(c.decrypt(sealed.Encrypt ?? '')).to.equal(r.reply_plaintext);
    expect(c.checkMsgSignature(r.timestamp, r.nonce, sealed.Encrypt ?? '', sealed.MsgSignature ?? '')).to.equal(true);
    expect(sealed.TimeStamp).to.equal(r.timestamp);
  });

  it('wechatpy work: encrypted echostr and its wrong-nonce negative', () => {
    const c = new WechatCrypto({ token: work.token, encodingAESKey: work.encodingAESKey, appId: work.receive_id });
    const e = work.echostr_check;
    expect(c.checkMsgSignature(e.timestamp, e.nonce, e.echostr, e.msg_signature)).to.equal(true);
    expect(c.checkMsgSignature(e.timestamp, e.negative_nonce, e.echostr, e.msg_signature)).to.equal(false);
    expect(c.decrypt(e.echostr)).to.equal(e.derived_decryption.msg);
  });

  describe('hostile input', () => {
    it('refuses a malformed EncodingAESKey', () => {
      for (const key of ['short', `${official.encodingAESKey}A`, `${official.encodingAESKey.slice(0, 42)}!`]) {
        expectCode(() => new WechatCrypto({ token: 't', encodingAESKey: key, appId: 'a' }), 'WECHAT_BAD_AES_KEY');
      }
    });

    it('truncated or non-base64 input is WECHAT_BAD_BASE64', () => {
      const enc = official.case1.expected_Encrypt;
      expectCode(() => sample.decrypt(enc.slice(0, -3)), 'WECHAT_BAD_BASE64');
      expectCode(() => sample.decrypt(''), 'WECHAT_BAD_BASE64');
      expectCode(() => sample.decrypt(`${enc.slice(0, -4)}!!!!`), 'WECHAT_BAD_BASE64');
      expectCode(() => sample.decrypt(`${enc.slice(0, 8)}\n${enc.slice(9)}`), 'WECHAT_BAD_BASE64');
    });

    it('decodes exactly the strings a strict base64 grammar accepts, to what Node decodes (10000 strings)', () => {
      // Groups of 4 from the standard alphabet; a padded last group's final character has no
      // bits set beyond the bytes it carries.
      const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)?$/;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
      const odd = ['-', '_', ' ', '\n', 'é', '中', '\u0000', '\u00ff', '=', '='];
      let seed = 99;
      const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
      let accepted = 0;
      for (let i = 0; i < 10_000; i += 1) {
        let str: string;
        if (i % 2 === 0) {
          // Real base64 of random bytes, half of them with one character changed.
          const bytes = Buffer.from(Array.from({ length: next(20) }, () => next(256)));
          str = bytes.toString('base64');
          if (str && next(2) === 0) {
            const at = next(str.length);
            str = str.slice(0, at) + (next(4) === 0 ? odd[next(odd.length)] : alphabet[next(alphabet.length)]) + str.slice(at + 1);
          }
        } else {
          str = '';
          const len = next(24);
          for (let j = 0; j < len; j += 1) str += next(12) === 0 ? odd[next(odd.length)] : alphabet[next(alphabet.length)];
        }
        const decoded = decodeBase64Strict(str);
        expect(decoded !== undefined, JSON.stringify(str)).to.equal(strict.test(str));
        if (decoded) {
          expect(decoded.equals(Buffer.from(str, 'base64')), JSON.stringify(str)).to.equal(true);
          accepted += 1;
        }
      }
      expect(accepted).to.be.within(2000, 8000); // both answers were exercised
    });

    it('ciphertext that is not whole 32-byte blocks is WECHAT_BAD_LENGTH', () => {
      const enc = official.case1.expected_Encrypt;
      expectCode(() => sample.decrypt(Buffer.from(enc, 'base64').subarray(0, 48).toString('base64')), 'WECHAT_BAD_LENGTH');
      expectCode(() => sample.decrypt('AAAA'), 'WECHAT_BAD_LENGTH');
    });

    it('bad PKCS#7 padding is WECHAT_BAD_PADDING', () => {
      const body = layout({ pad: Buffer.alloc(0) });
      const fill = (k: number) => Buffer.alloc(32 - (body.length % 32), k);
      expectCode(() => sample.decrypt(rawEncrypt(Buffer.concat([body, fill(0)]))), 'WECHAT_BAD_PADDING');
      const inconsistent = Buffer.concat([body, fill(5)]);
      inconsistent[inconsistent.length - 1] = 3;
      inconsistent[inconsistent.length - 2] = 9;
      expectCode(() => sample.decrypt(rawEncrypt(inconsistent)), 'WECHAT_BAD_PADDING');
      expectCode(() => sample.decrypt(rawEncrypt(Buffer.alloc(64, 33))), 'WECHAT_BAD_PADDING');
    });

    it('msg_len beyond the plaintext is WECHAT_BAD_LENGTH', () => {
      expectCode(() => sample.decrypt(rawEncrypt(layout({ len: 0xffffffff }))), 'WECHAT_BAD_LENGTH');
      expectCode(() => sample.decrypt(rawEncrypt(layout({ len: 1_000_000 }))), 'WECHAT_BAD_LENGTH');
      // Content shorter than the 20-byte header once the padding is removed.
      expectCode(() => sample.decrypt(rawEncrypt(Buffer.alloc(32, 32))), 'WECHAT_BAD_LENGTH');
    });

    it('wrong AppID (including a msg_len that shifts into it) is WECHAT_BAD_APPID', () => {
      expectCode(() => sample.decrypt(rawEncrypt(layout({ appId: 'wx0000000000000000' }))), 'WECHAT_BAD_APPID');
      expectCode(() => sample.decrypt(rawEncrypt(layout({ len: 5 }))), 'WECHAT_BAD_APPID');
      expectCode(() => sample.decrypt(rawEncrypt(layout({ appId: '' }))), 'WECHAT_BAD_APPID');
    });

    it('invalid UTF-8 in the message is WECHAT_BAD_XML', () => {
      const msg = Buffer.from([0x3c, 0x78, 0xff, 0xfe, 0xc3, 0x28, 0x3e]);
      expectCode(() => sample.decrypt(rawEncrypt(layout({ msg }))), 'WECHAT_BAD_XML');
      const lonePart = Buffer.from([0xe4, 0xb8]); // truncated 3-byte sequence
      expectCode(() => sample.decrypt(rawEncrypt(layout({ msg: lonePart }))), 'WECHAT_BAD_XML');
    });

    it('a well-formed layout built by hand decrypts (the helpers above are sound)', () => {
      expect(sample.decrypt(rawEncrypt(layout({})))).to.equal('<xml></xml>');
    });
  });
});
