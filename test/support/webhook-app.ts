// A webhook-only app around a given Bot: for protocol tests that need a scripted bot (slow,
// counting, throwing) rather than the real engine. Everything else is the real code.
import request from 'supertest';
import type { RequestListener } from 'node:http';
import type { AppConfig, ConfigOverrides } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics, type Metrics } from '../../src/platform/metrics.js';
import { MemoryStore, type SharedStore } from '../../src/platform/shared-store.js';
import { createIdentityVault } from '../../src/tips/identity.js';
import { replyStore } from '../../src/compose.js';
import { createApp, type App } from '../../src/app.js';
import { WechatClient } from '../../src/wechat/index.js';
import { webhookRouter, WEBHOOK_PATH } from '../../src/bot/adapters/official-account.js';
import type { Bot } from '../../src/bot/types.js';
import { ChatClient, type Transport } from '../../src/cli/chat-client.js';
import type { FakeWechatApi } from './fake-wechat-api.js';
import { configWithFakeWechat } from './test-config.js';

export interface WebhookApp {
  app: App;
  config: AppConfig;
  metrics: Metrics;
  fakeWechat: FakeWechatApi;
  transport: Transport;
  client(openid: string, opts?: { aes?: boolean; now?: () => number }): ChatClient;
  close(): Promise<void>;
}

export function supertestTransport(callback: RequestListener): Transport {
  return {
    async post(pathAndQuery, body) {
      const res = await request(callback).post(pathAndQuery).set('content-type', 'text/xml').send(body);
      return { status: res.status, text: res.text };
    },
  };
}

export async function createWebhookApp(
  bot: Bot, overrides: ConfigOverrides = {}, opts: { state?: SharedStore; logLevel?: string; logSink?: { write(line: string): void } } = {},
): Promise<WebhookApp> {
  const { config, fakeWechat } = await configWithFakeWechat(overrides);
  const logger = createLogger(opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? config.logLevel, opts.logSink);
  const metrics = createMetrics();
  const memory = new MemoryStore();
  const state = opts.state ?? memory;
  const vault = createIdentityVault(config.tips.identityKeys, config.tips.identityHashKey);
  const client = new WechatClient({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: config.wechat.apiBase, tokenStore: memory });
  const webhook = webhookRouter({ config, logger, metrics, bot, client, replies: replyStore(state, vault) });
  const app = createApp({ logger, metrics, csrfExempt: [WEBHOOK_PATH], routers: [webhook] });
  const transport = supertestTransport(app.callback());
  return {
    app, config, metrics, fakeWechat, transport,
    client(openid, opts = {}) {
      return new ChatClient({
        transport, token: config.wechat.token, openid,
        ...(opts.aes ? { aes: { encodingAESKey: config.wechat.aesKey, appId: config.wechat.appId } } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      });
    },
    async close() {
      await memory.close();
      await fakeWechat.close();
    },
  };
}

/** Waits until `n` customer-service messages to `openid` reached the fake API; returns their texts. */
export async function customMessagesTo(fake: FakeWechatApi, openid: string, n = 1, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = fake.calls
      .filter((c) => c.path === '/cgi-bin/message/custom/send' && (c.body as { touser?: string }).touser === openid)
      .map((c) => {
        const b = c.body as { text?: { content: string }; news?: { articles: Array<{ title: string }> } };
        return b.text?.content ?? b.news?.articles.map((a) => a.title).join('\n') ?? '';
      });
    if (texts.length >= n) return texts;
    if (Date.now() > deadline) throw new Error(`expected ${n} customer-service messages to ${openid}, got ${texts.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
