import { TOKEN_ERRCODES, WechatApiError } from './api-error.js';
import type { TokenStore } from './token-store.js';
import type { CustomMessage, MediaFile, Menu, TemplateMessage, TypingCommand, UserInfo } from './types.js';

export interface WechatClientOptions {
  appId: string;
  appSecret: string;
  /** e.g. `https://api.weixin.qq.com`; a fake server's URL in tests. */
  apiBase: string;
  tokenStore: TokenStore;
  fetch?: typeof fetch;
  /** Per request, including reading the body. Default 5000. */
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

/** A field of a reply as text: a string as it is, nothing as '', anything else as its JSON (a number: its digits). */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** Refresh this long before WeChat's expiry so a token never dies mid-request. */
const TOKEN_MARGIN_SECONDS = 300;
/** How long another process's refresh is waited for at most, should it die while holding it. */
const REFRESH_LOCK_SECONDS = 10;

/**
 * The slice of WeChat's server API this account uses. One method per endpoint,
 * named after it. The access_token comes from the stable_token endpoint (so several
 * processes or tools fetching it do not invalidate each other) and is cached in the
 * shared TokenStore.
 */
export class WechatClient {
  private readonly appId: string;
  private readonly appSecret: string;
  private readonly apiBase: string;
  private readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly tokenKey: string;
  private pendingToken: Promise<string> | undefined;

  constructor(opts: WechatClientOptions) {
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.apiBase = opts.apiBase.replace(/\/+$/, '');
    this.store = opts.tokenStore;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.tokenKey = `wechat:access_token:${opts.appId}`;
  }

  /** Cached token, else a fresh one; concurrent callers share one lookup and one request. */
  getAccessToken(): Promise<string> {
    return this.singleFlight(async () => (await this.store.get(this.tokenKey)) ?? this.refreshOnce());
  }

  /**
   * A new token, fetched by one process at a time when the store can say who refreshes: the
   * others wait for it to appear, and fetch it themselves only if it does not come in time.
   */
  private async refreshOnce(): Promise<string> {
    if (!this.store.add) return this.fetchStableToken(false);
    const lockKey = `${this.tokenKey}:refreshing`;
    if (await this.store.add(lockKey, '1', REFRESH_LOCK_SECONDS)) {
      try {
        return await this.fetchStableToken(false);
      } finally {
        await this.store.delete(lockKey);
      }
    }
    for (let waited = 0; waited < this.timeoutMs; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      const token = await this.store.get(this.tokenKey);
      if (token) return token;
    }
    return this.fetchStableToken(false);
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html */
  async messageCustomSend(msg: CustomMessage): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/message/custom/send', token, msg));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Typing.html */
  async messageCustomTyping(toUser: string, command: TypingCommand = 'Typing'): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/message/custom/typing', token, { touser: toUser, command }));
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
   * Returns msgid as a string: it is read from the raw body so a 64-bit id keeps its digits.
   */
  async messageTemplateSend(payload: TemplateMessage): Promise<string> {
    return this.withToken(async (token) => {
      const { data, text } = await this.postJsonRaw('/cgi-bin/message/template/send', token, payload);
      const digits = /"msgid"\s*:\s*"?(\d+)/.exec(text)?.[1];
      return digits ?? textOf(data.msgid);
    });
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html */
  async menuCreate(menu: Menu): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/menu/create', token, menu));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html */
  async userInfo(openid: string, lang: 'zh_CN' | 'zh_TW' | 'en' = 'zh_CN'): Promise<UserInfo> {
    const path = '/cgi-bin/user/info';
    const data = await this.withToken(async (token) => {
      const res = await this.send(path, 'GET', token, { openid, lang });
      return this.readJson(res, path, token);
    });
    if (typeof data.openid !== 'string' || typeof data.subscribe !== 'number') {
      throw new WechatApiError(-1, 'unexpected user/info response', path);
    }
    return data as unknown as UserInfo;
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html
   * Bytes on success; WeChat answers errors with a JSON body (often labelled text/plain).
   */
  async mediaGet(mediaId: string): Promise<MediaFile> {
    const path = '/cgi-bin/media/get';
    return this.withToken(async (token) => {
      const res = await this.send(path, 'GET', token, { media_id: mediaId });
      const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
      const data = Buffer.from(await this.readBody(res, path, (r) => r.arrayBuffer()));
      const looksJson = /json|text\/plain/i.test(contentType) || data[0] === 0x7b;
      if (!looksJson) {
        if (!res.ok) throw new WechatApiError(-1, `HTTP ${res.status}`, path);
        return { contentType, data };
      }
      const json = this.parseJson(data.toString('utf8'), res.status, path, token);
      if (typeof json.video_url === 'string') return { contentType, data, videoUrl: json.video_url };
      throw new WechatApiError(-1, 'media/get returned JSON without media', path);
    });
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html */
  private async fetchStableToken(forceRefresh: boolean): Promise<string> {
    const path = '/cgi-bin/stable_token';
    const body = { grant_type: 'client_credential', appid: this.appId, secret: this.appSecret, force_refresh: forceRefresh };
    const { data } = await this.postJsonRaw(path, undefined, body);
    const token = data.access_token;
    const expiresIn = data.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new WechatApiError(-1, 'stable_token response has no access_token', path);
    }
    const ttl = Math.floor(expiresIn - TOKEN_MARGIN_SECONDS);
    if (ttl > 0) await this.store.set(this.tokenKey, token, ttl);
    return token;
  }

  private singleFlight(load: () => Promise<string>): Promise<string> {
    this.pendingToken ??= load().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  /** Runs a call; if WeChat rejects the token, refreshes it and retries exactly once. */
  private async withToken<T>(run: (token: string) => Promise<T>): Promise<T> {
    const token = await this.getAccessToken();
    try {
      return await run(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERRCODES.has(err.errcode)) throw err;
      return run(await this.tokenAfterFailure(token));
    }
  }

  private async tokenAfterFailure(failed: string): Promise<string> {
    // Another process may already have stored a new token: delete only the one that failed.
    if ((await this.store.get(this.tokenKey)) === failed) await this.store.delete(this.tokenKey);
    const next = await this.getAccessToken();
    if (next !== failed) return next;
    // stable_token hands back the current token until it expires; WeChat just refused it.
    return this.singleFlight(() => this.fetchStableToken(true));
  }

  private async postJson(path: string, token: string, body: unknown): Promise<void> {
    await this.postJsonRaw(path, token, body);
  }

  private async postJsonRaw(path: string, token: string | undefined, body: unknown): Promise<{ data: Json; text: string }> {
    const res = await this.send(path, 'POST', token, undefined, JSON.stringify(body));
    const text = await this.readBody(res, path, (r) => r.text());
    return { data: this.parseJson(text, res.status, path, token), text };
  }

  private async readJson(res: Response, path: string, token: string): Promise<Json> {
    return this.parseJson(await this.readBody(res, path, (r) => r.text()), res.status, path, token);
  }

  private async send(
    path: string,
    method: 'GET' | 'POST',
    token: string | undefined,
    query?: Record<string, string>,
    body?: string,
  ): Promise<Response> {
    const url = new URL(this.apiBase + path);
    if (token !== undefined) url.searchParams.set('access_token', token);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    try {
      return await this.fetchImpl(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new WechatApiError(-1, `request failed: ${describeTransportError(err)}`, path);
    }
  }

  private async readBody<T>(res: Response, path: string, read: (r: Response) => Promise<T>): Promise<T> {
    try {
      return await read(res);
    } catch (err) {
      throw new WechatApiError(-1, `reading response failed: ${describeTransportError(err)}`, path);
    }
  }

  /** Parses a JSON reply and throws WechatApiError for a non-zero errcode. */
  private parseJson(text: string, status: number, path: string, token: string | undefined): Json {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new WechatApiError(-1, status >= 400 ? `HTTP ${status}` : 'response is not JSON', path);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new WechatApiError(-1, 'response is not a JSON object', path);
    }
    const json = data as Json;
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    if (errcode !== 0) throw new WechatApiError(errcode, this.scrub(textOf(json.errmsg), token), path);
    if (status >= 400) throw new WechatApiError(-1, `HTTP ${status}`, path);
    return json;
  }

  /** Belt and braces: WeChat does not echo credentials, but a proxy in between might. */
  private scrub(message: string, token: string | undefined): string {
    let out = message.split(this.appSecret).join('***');
    if (token) out = out.split(token).join('***');
    return out.slice(0, 500);
  }
}

function describeTransportError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const cause = (err as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : err.name;
}
