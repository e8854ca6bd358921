// A citizen's side of the official-account protocol: builds real, signed (optionally AES-encrypted)
// XML like WeChat does, posts it to /wechat and decodes the passive reply. `npm run chat` uses it
// over HTTP; the conversation tests use it over supertest.
import { randomBytes } from 'node:crypto';
import { sha1Signature, WechatCrypto, scanXml, cdata } from '../wechat/index.js';

export interface Transport {
  post(pathAndQuery: string, body: string): Promise<{ status: number; text: string }>;
}

export interface ChatClientOptions {
  transport: Transport;
  token: string;
  openid: string;
  /** The account's gh_ id as WeChat puts it in ToUserName. */
  account?: string;
  aes?: { encodingAESKey: string; appId: string };
  /** Clock override (seconds), e.g. to send a stale timestamp. */
  now?: () => number;
}

export type DecodedReply =
  | { type: 'none'; status: number; raw: string }
  | { type: 'text'; status: number; text: string; raw: string }
  | { type: 'news'; status: number; articles: Array<{ title: string; description: string; url: string }>; raw: string }
  | { type: 'transfer_customer_service'; status: number; raw: string }
  | { type: 'error'; status: number; raw: string }
  | { type: 'other'; status: number; msgType: string; raw: string };

export class ChatClient {
  private readonly crypto?: WechatCrypto;
  // Like WeChat's: 64-bit, unique, and larger than 2^53 so it must stay a string.
  private msgSeq = (1n << 60n) + BigInt(Date.now()) * 1_000_000n + BigInt(randomBytes(3).readUIntBE(0, 3));

  constructor(private readonly opts: ChatClientOptions) {
    if (opts.aes) this.crypto = new WechatCrypto({ token: opts.token, encodingAESKey: opts.aes.encodingAESKey, appId: opts.aes.appId });
  }

  nextMsgId(): string {
    this.msgSeq += 1n;
    return this.msgSeq.toString();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Math.floor(Date.now() / 1000);
  }

  /** The inner message XML, as WeChat would send it. */
  messageXml(fields: Record<string, string | number>): string {
    const head = `<ToUserName>${cdata(this.opts.account ?? 'gh_pingansanming')}</ToUserName><FromUserName>${cdata(this.opts.openid)}</FromUserName><CreateTime>${this.now()}</CreateTime>`;
    const rest = Object.entries(fields)
      .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(v)}</${k}>`))
      .join('');
    return `<xml>${head}${rest}</xml>`;
  }

  text(content: string, msgId = this.nextMsgId()) {
    return this.send(this.messageXml({ MsgType: 'text', Content: content, MsgId: msgId }));
  }
  voice(recognition: string | undefined, mediaId = `voice-${this.nextMsgId()}`) {
    return this.send(this.messageXml({ MsgType: 'voice', MediaId: mediaId, Format: 'amr', ...(recognition ? { Recognition: recognition } : {}), MsgId: this.nextMsgId() }));
  }
  image(mediaId = `img-${this.nextMsgId()}`) {
    return this.send(this.messageXml({ MsgType: 'image', PicUrl: `http://mmbiz.example/${mediaId}`, MediaId: mediaId, MsgId: this.nextMsgId() }));
  }
  location(lat: number, lng: number, label = '') {
    return this.send(this.messageXml({ MsgType: 'location', Location_X: String(lat), Location_Y: String(lng), Scale: '15', Label: label, MsgId: this.nextMsgId() }));
  }
  subscribe(scene?: string) {
    return this.send(this.messageXml({ MsgType: 'event', Event: 'subscribe', ...(scene ? { EventKey: `qrscene_${scene}` } : {}) }));
  }
  click(key: string) {
    return this.send(this.messageXml({ MsgType: 'event', Event: 'CLICK', EventKey: key }));
  }

  /** Signs (and encrypts) an inner XML and posts it; returns the decoded reply. */
  async send(innerXml: string): Promise<DecodedReply> {
    const { path, body } = this.envelope(innerXml);
    const res = await this.opts.transport.post(path, body);
    return this.decode(res.status, res.text);
  }

  envelope(innerXml: string, nonce = randomBytes(6).toString('hex')): { path: string; body: string } {
    const timestamp = String(this.now());
    const signature = sha1Signature([this.opts.token, timestamp, nonce]);
    const q = new URLSearchParams({ signature, timestamp, nonce, openid: this.opts.openid });
    if (!this.crypto) return { path: `/wechat?${q.toString()}`, body: innerXml };
    const encrypt = this.crypto.encrypt(innerXml);
    q.set('encrypt_type', 'aes');
    q.set('msg_signature', this.crypto.msgSignature(timestamp, nonce, encrypt));
    const body = `<xml><ToUserName>${cdata(this.opts.account ?? 'gh_pingansanming')}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
    return { path: `/wechat?${q.toString()}`, body };
  }

  decode(status: number, raw: string): DecodedReply {
    if (status !== 200) return { type: 'error', status, raw };
    if (raw === '' || raw === 'success') return { type: 'none', status, raw };
    let fields = scanXml(raw);
    if (this.crypto && fields.Encrypt !== undefined) {
      const ok = this.crypto.checkMsgSignature(fields.TimeStamp ?? '', fields.Nonce ?? '', fields.Encrypt, fields.MsgSignature ?? '');
      if (!ok) throw new Error('reply MsgSignature does not verify');
      fields = scanXml(this.crypto.decrypt(fields.Encrypt));
    }
    const msgType = fields.MsgType ?? '';
    if (msgType === 'text') return { type: 'text', status, text: fields.Content ?? '', raw };
    if (msgType === 'transfer_customer_service') return { type: 'transfer_customer_service', status, raw };
    if (msgType === 'news') {
      const count = Number(fields.ArticleCount ?? 0);
      const articles = [];
      for (let i = 0; i < count; i += 1) {
        const p = `Articles.item[${i}]`;
        articles.push({ title: fields[`${p}.Title`] ?? '', description: fields[`${p}.Description`] ?? '', url: fields[`${p}.Url`] ?? '' });
      }
      return { type: 'news', status, articles, raw };
    }
    return { type: 'other', status, msgType, raw };
  }
}

/** Transport over real HTTP (the CLI). */
export function httpTransport(baseUrl: string): Transport {
  return {
    async post(pathAndQuery, body) {
      const res = await fetch(new URL(pathAndQuery, baseUrl), { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      return { status: res.status, text: await res.text() };
    },
  };
}
