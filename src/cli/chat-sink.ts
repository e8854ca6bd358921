// `npm run chat`'s stand-in for the WeChat API, for development only. config/development.json
// points the server's WeChat client (WECHAT_API_BASE) at it, so what the server sends by
// customer-service message (the parts after the passive reply, answers later than 4 s, notices
// about tips) is printed in the chat instead of failing against api.weixin.qq.com with throwaway
// credentials. The server's code path is the production one: only the address differs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkMessage {
  /** The openid the server addressed. */
  toUser: string;
  kind: 'custom' | 'template';
  text: string;
}

export interface ChatSink {
  /** The base URL the server's WECHAT_API_BASE must name. */
  readonly url: string;
  close(): Promise<void>;
}

/** Where to listen for a WECHAT_API_BASE that names this machine over plain HTTP; undefined for anything else (the real API). */
export function sinkAddress(apiBase: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '::1'].includes(host)) return undefined;
  return { host, port: url.port === '' ? 80 : Number(url.port) };
}

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The text a customer-service message shows, as the citizen would read it. */
export function customMessageText(body: Json): string {
  const type = str(body.msgtype);
  if (type === 'text') return str(asObject(body.text).content);
  if (type === 'news') {
    const articles = Array.isArray(asObject(body.news).articles) ? asObject(body.news).articles as unknown[] : [];
    return articles.map((a) => [str(asObject(a).title), str(asObject(a).url)].filter(Boolean).join('\n')).map((t) => `[图文] ${t}`).join('\n');
  }
  return `[${type || '未知'}消息]`;
}

/** A template message as its data values, in the order of its keys. */
function templateText(body: Json): string {
  return Object.values(asObject(body.data)).map((v) => str(asObject(v).value)).filter(Boolean).join(' · ');
}

/**
 * Listens at `host:port` (port 0: any free port; `url` says which) and answers the endpoints
 * notices and late answers use: stable_token (any credentials), message/custom/send,
 * message/custom/typing, message/template/send. Anything else is refused with 48001, so a
 * development command meant for the real API (the menu push) says clearly that it did not go out.
 */
export async function startChatSink(opts: { host: string; port: number; onMessage(m: SinkMessage): void }): Promise<ChatSink> {
  let templateIds = 0;

  function send(res: ServerResponse, body: Json): void {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Json = {};
    try {
      body = asObject(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    } catch {
      send(res, { errcode: 47001, errmsg: 'data format error' });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    switch (path) {
      case '/cgi-bin/stable_token':
        send(res, { access_token: 'chat-sink-token', expires_in: 7200 });
        return;
      case '/cgi-bin/message/custom/send':
        opts.onMessage({ toUser: str(body.touser), kind: 'custom', text: customMessageText(body) });
        send(res, { errcode: 0, errmsg: 'ok' });
        return;
      case '/cgi-bin/message/custom/typing':
        send(res, { errcode: 0, errmsg: 'ok' });
        return;
      case '/cgi-bin/message/template/send':
        opts.onMessage({ toUser: str(body.touser), kind: 'template', text: templateText(body) });
        templateIds += 1;
        send(res, { errcode: 0, errmsg: 'ok', msgid: templateIds });
        return;
      default:
        send(res, { errcode: 48001, errmsg: `${path} is not served by the npm run chat sink` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { errcode: -1, errmsg: 'chat sink error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
