// A local stand-in for api.weixin.qq.com: a real HTTP server speaking the endpoints
// WechatClient uses, so tests exercise the real client (URLs, tokens, retries).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  path: string;
  /** Parsed JSON body for POSTs; the query parameters (minus access_token) for GETs. */
  body: unknown;
  token?: string;
}

export interface FakeWechatApi {
  baseUrl: string;
  calls: FakeCall[];
  /** How many distinct access_tokens the stable_token endpoint has handed out. */
  readonly tokensIssued: number;
  /** Marks the current token invalid: the next call made with it gets 40001. */
  expireCurrentToken(): void;
  /** The next call to `path` (any token, even stable_token) answers `{ errcode }`. */
  failNext(path: string, errcode: number): void;
  /** Media served by /cgi-bin/media/get (a small JPEG-ish `fake-media` is preloaded). */
  setMedia(mediaId: string, file: { contentType: string; data: Buffer }): void;
  /**
   * Resolves with the first call to `path` not yet returned by an earlier waitForCall,
   * including calls that arrived before this was called.
   */
  waitForCall(path: string, timeoutMs?: number): Promise<FakeCall>;
  close(): Promise<void>;
}

const API_PATHS = new Set([
  '/cgi-bin/message/custom/send',
  '/cgi-bin/message/custom/typing',
  '/cgi-bin/message/template/send',
  '/cgi-bin/menu/create',
  '/cgi-bin/user/info',
  '/cgi-bin/media/get',
]);

export async function startFakeWechatApi(opts: { appId?: string; appSecret?: string } = {}): Promise<FakeWechatApi> {
  const appId = opts.appId ?? 'wx-fake-appid';
  const appSecret = opts.appSecret ?? 'fake-secret';
  const calls: FakeCall[] = [];
  const taken = new Set<FakeCall>();
  const waiters: Array<{ path: string; resolve: (c: FakeCall) => void }> = [];
  const failures = new Map<string, number[]>();
  const media = new Map<string, { contentType: string; data: Buffer }>([
    ['fake-media', { contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]) }],
  ]);
  let tokensIssued = 0;
  let current: string | undefined;
  const valid = new Set<string>();
  let templateMsgId = 200163836n;

  function issue(): string {
    tokensIssued++;
    current = `fake-token-${tokensIssued}-${Math.random().toString(36).slice(2, 10)}`;
    valid.clear(); // like WeChat: a new stable token retires the old one
    valid.add(current);
    return current;
  }

  function record(call: FakeCall): void {
    calls.push(call);
    const i = waiters.findIndex((w) => w.path === call.path);
    if (i >= 0) {
      const [w] = waiters.splice(i, 1);
      taken.add(call);
      w?.resolve(call);
    }
  }

  function send(res: ServerResponse, body: unknown, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    } else {
      const q = Object.fromEntries(url.searchParams);
      delete q.access_token;
      body = q;
    }
    const token = url.searchParams.get('access_token') ?? undefined;
    record(token === undefined ? { path, body } : { path, body, token });

    const failure = failures.get(path)?.shift();
    if (failure !== undefined) return send(res, { errcode: failure, errmsg: `forced failure ${failure}` });

    if (path === '/cgi-bin/stable_token') {
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (b.grant_type !== 'client_credential') return send(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      if (b.appid !== appId) return send(res, { errcode: 40013, errmsg: 'invalid appid' });
      if (b.secret !== appSecret) return send(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      const token = b.force_refresh === true || current === undefined || !valid.has(current) ? issue() : current;
      return send(res, { access_token: token, expires_in: 7200 });
    }
    if (!API_PATHS.has(path)) return send(res, { errcode: 404, errmsg: 'no such endpoint' }, 404);
    if (token === undefined) return send(res, { errcode: 41001, errmsg: 'access_token missing' });
    if (!valid.has(token)) return send(res, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    if (req.method === 'POST' && typeof body !== 'object') return send(res, { errcode: 47001, errmsg: 'data format error' });

    switch (path) {
      case '/cgi-bin/message/template/send':
        templateMsgId += 1n;
        return send(res, `{"errcode":0,"errmsg":"ok","msgid":${templateMsgId}}`);
      case '/cgi-bin/user/info': {
        const openid = url.searchParams.get('openid') ?? '';
        if (!openid) return send(res, { errcode: 40003, errmsg: 'invalid openid' });
        return send(res, { subscribe: 1, openid, language: 'zh_CN', subscribe_time: 1700000000, remark: '', tagid_list: [] });
      }
      case '/cgi-bin/media/get': {
        const file = media.get(url.searchParams.get('media_id') ?? '');
        // WeChat labels its JSON errors text/plain on this endpoint.
        if (!file) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(JSON.stringify({ errcode: 40007, errmsg: 'invalid media_id' }));
          return;
        }
        res.writeHead(200, { 'content-type': file.contentType });
        res.end(file.data);
        return;
      }
      default:
        return send(res, { errcode: 0, errmsg: 'ok' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { errcode: -1, errmsg: 'fake server error' }, 500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    get tokensIssued() {
      return tokensIssued;
    },
    expireCurrentToken() {
      if (current !== undefined) valid.delete(current);
    },
    failNext(path, errcode) {
      const list = failures.get(path) ?? [];
      list.push(errcode);
      failures.set(path, list);
    },
    setMedia(mediaId, file) {
      media.set(mediaId, file);
    },
    waitForCall(path, timeoutMs = 2000) {
      const ready = calls.find((c) => c.path === path && !taken.has(c));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise<FakeCall>((resolve, reject) => {
        const waiter = {
          path,
          resolve: (c: FakeCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no call to ${path} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
