// One benchmark server per process: `tsx test/bench/server.ts <ceiling|co-wechat|ours|no-dedupe|bare-hook|page-ceiling> <dbUrl>`.
// Prints `ready <port>` when listening. `ours` is the real service (compose: logging at info to
// a file, metrics, dedupe in the shared store — REDIS_URL or the database — the real engine); `co-wechat` runs co-wechat 2.4 on Koa in front of the
// SAME engine; `ceiling` is bare Koa that reads the body and returns a fixed reply;
// `page-ceiling` is bare Koa answering every GET with the bytes of BENCH_PAGE_FILE as HTML.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import Koa from 'koa';
import getRawBody from 'raw-body';
import type { Bot, BotInput } from '../../src/bot/types.js';
import type { StoredReply } from '../../src/bot/adapters/official-account.js';
import type { SharedStore } from '../../src/platform/shared-store.js';

/**
 * BENCH_FROM_DIST=1: the service as deployed, the plain JavaScript `npm run build` wrote to dist/
 * (spawn-server.ts builds it first); otherwise its sources, through tsx.
 */
const SERVICE = process.env.BENCH_FROM_DIST === '1' ? '../../dist' : '../../src';
const { loadConfig } = await import(`${SERVICE}/config/index.js`) as typeof import('../../src/config/index.js');
const { createLogger, logDestination } = await import(`${SERVICE}/platform/logger.js`) as typeof import('../../src/platform/logger.js');
const { compose, replyStore } = await import(`${SERVICE}/compose.js`) as typeof import('../../src/compose.js');
const { createApp } = await import(`${SERVICE}/app.js`) as typeof import('../../src/app.js');
const { webhookRouter, WEBHOOK_PATH } = await import(`${SERVICE}/bot/adapters/official-account.js`) as typeof import('../../src/bot/adapters/official-account.js');
const { JsonView } = await import(`${SERVICE}/platform/shared-store.js`) as typeof import('../../src/platform/shared-store.js');

const KEYWORDS: Record<string, string> = {
  帮助: '回复「举报」反映问题，「查询」看进度，「反诈」了解防骗知识。紧急情况请拨打110。',
  反诈: '全国反诈预警专线96110。',
};

const [kind = 'ours', databaseUrl = 'sqlite::memory:', logFile = '/dev/null'] = process.argv.slice(2);

/** `handler` may be a Koa callback: it answers its own errors, so its promise is not awaited. */
function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>): void {
  const server = http.createServer((req, res) => { void handler(req, res); });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
}

async function main(): Promise<void> {
  if (kind === 'page-ceiling') {
    const bytes = readFileSync(process.env.BENCH_PAGE_FILE ?? '');
    const app = new Koa();
    app.use((ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = bytes;
    });
    listen(app.callback());
    return;
  }
  if (kind === 'ceiling') {
    const app = new Koa();
    const fixed = '<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ok]]></Content></xml>';
    app.use(async (ctx) => {
      await getRawBody(ctx.req, { limit: 65536 });
      ctx.type = 'application/xml';
      ctx.body = fixed;
    });
    listen(app.callback());
    return;
  }
  // The per-citizen rate limit is lifted: the bench's 500 simulated citizens each send far more
  // than a person would, and the limit's polite refusal is not the path being measured.
  // The page bench (articles.ts) needs the starter articles, which the test config leaves out.
  const config = await loadConfig({
    databaseUrl, logLevel: (process.env.BENCH_LOG_LEVEL ?? 'info') as 'info', bot: { messagesPerMinute: 1_000_000 },
    ...(process.env.BENCH_ARTICLES ? { articles: { contentDir: process.env.BENCH_ARTICLES } } : {}),
  });
  const logger = createLogger(config.logLevel, logDestination(logFile));
  const services = await compose(config, logger);
  // BENCH_HANDLER=keyword (set by spawn-server.ts from `--handler`): both servers answer from a
  // fixed keyword table instead of the engine, which isolates the protocol layer (parse, verify,
  // dedupe, log, metrics, render).
  const keywordOnly = process.env.BENCH_HANDLER === 'keyword';
  const bot: Bot = keywordOnly
    ? { handle: (input) => Promise.resolve({ parts: [{ type: 'text', text: input.kind === 'text' ? KEYWORDS[input.text] ?? KEYWORDS['帮助']! : '' }] }), noticesSettled: async () => {} }
    : services.bot;
  if (kind === 'ours') {
    if (!keywordOnly) {
      listen(services.app.callback());
      return;
    }
    const webhook = webhookRouter({ config, logger, metrics: services.metrics, bot, client: services.wechat, replies: replyStore(services.state, services.vault) });
    listen(createApp({ logger, metrics: services.metrics, csrfExempt: [WEBHOOK_PATH], routers: [webhook] }).callback());
    return;
  }
  // Two cut-down copies of ours, for what its layers cost; neither keeps a message's claim or
  // reply anywhere (a retry is answered again), so neither could be deployed:
  //  - `no-dedupe`: the app and its middleware as in `ours`, without the dedupe;
  //  - `bare-hook`: the webhook router alone on bare Koa (no request id, access line, metrics,
  //    or the app's other middleware), the protocol path by itself.
  if (kind === 'no-dedupe' || kind === 'bare-hook') {
    const forgetful: SharedStore = {
      get: () => Promise.resolve(undefined), set: () => Promise.resolve(), add: () => Promise.resolve(true),
      delete: () => Promise.resolve(false), increment: () => Promise.resolve(1), decrement: () => Promise.resolve(0), close: () => Promise.resolve(),
    };
    const replies = new JsonView<StoredReply>(forgetful, 'reply');
    const webhook = webhookRouter({ config, logger, metrics: services.metrics, bot, client: services.wechat, replies });
    if (kind === 'no-dedupe') {
      listen(createApp({ logger, metrics: services.metrics, csrfExempt: [WEBHOOK_PATH], routers: [webhook] }).callback());
      return;
    }
    const app = new Koa();
    // The router logs a failure on the request's logger; there is no request id to carry.
    app.use(async (ctx, next) => {
      ctx.state.log = logger;
      await next();
    });
    app.use(webhook.routes());
    listen(app.callback());
    return;
  }
  // co-wechat 2.4 with the same engine behind it (no dedupe, no metrics: its usual set-up).
  const require = createRequire(import.meta.url);
  const wechat = require('co-wechat') as (cfg: { token: string; appid: string; encodingAESKey?: string }) => {
    middleware(fn: (message: Record<string, string>) => Promise<unknown>): Koa.Middleware;
  };
  const app = new Koa();
  app.use(wechat({ token: config.wechat.token, appid: config.wechat.appId, encodingAESKey: config.wechat.aesKey }).middleware(async (m) => {
    const input: BotInput = { citizen: { channel: 'official_account', id: m.FromUserName ?? '' }, receivedAt: new Date(), kind: 'text', text: m.Content ?? '' };
    const reply = await bot.handle(input);
    const first = reply.parts[0];
    return first && first.type === 'text' ? first.text : '';
  }));
  listen(app.callback());
}

// Exit cleanly on SIGINT so `node --cpu-prof` (BENCH_SERVICE_NODE_ARGS) writes its profile.
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
