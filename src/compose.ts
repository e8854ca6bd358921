// The boot sequence: builds every service once and hands collaborators to constructors.
// server.ts calls it and listens; tests call it with test config. No request constructs a service.
import type { AppConfig } from './config/index.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { ExpiringMapStore, FifoExpiringStore, MemoryStore } from './platform/stores.js';
import { openDatabase, type Database } from './db/index.js';
import { migrateUp } from './db/migrate.js';
import { createApp, type App } from './app.js';
import { healthRouter } from './http/health.js';
import { WechatClient } from './wechat/index.js';
import { createWebhook, type StoredReply } from './bot/adapters/official-account.js';
import { createEngine } from './bot/engine.js';
import type { ConversationRecord } from './bot/conversation.js';
import type { Bot } from './bot/types.js';
import { createTipsModule, type TipsModule } from './tips/index.js';

/** What both processes (web server and Wechaty bot) share: database, tips module, engine. */
export interface Core {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  wechat: WechatClient;
  tips: TipsModule;
  bot: Bot;
  close(): Promise<void>;
}

export interface Services extends Core {
  app: App;
}

export interface ComposeOptions {
  /** Run migrations and seed on start (default true: the embedded database needs no other step). */
  migrate?: boolean;
  defaultMetrics?: boolean;
  /** The engine's clock (conversation timeouts); tests move it. */
  now?: () => Date;
}

export async function composeCore(config: AppConfig, logger: Logger, opts: ComposeOptions = {}): Promise<Core> {
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  const db = await openDatabase(config.databaseUrl, logger);
  if (opts.migrate ?? true) {
    const applied = await migrateUp(db, logger);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }

  const tokenStore = new MemoryStore<string>();
  const conversationStore = new ExpiringMapStore<ConversationRecord>();
  const wechat = new WechatClient({
    appId: config.wechat.appId,
    appSecret: config.wechat.appSecret,
    apiBase: config.wechat.apiBase,
    tokenStore,
  });

  const tips = await createTipsModule({ config, logger, metrics, db, wechat });
  if (opts.migrate ?? true) {
    await tips.seed();
    // Part of migrating: rows from before the current personal-data rule are masked and sealed.
    await tips.reseal();
  }

  const bot = createEngine({ config, logger, desk: tips.desk, conversations: conversationStore, ...(opts.now ? { now: opts.now } : {}) });

  return {
    config, logger, metrics, db, wechat, tips, bot,
    async close() {
      await tips.close();
      tokenStore.close();
      conversationStore.close();
      await db.close();
    },
  };
}

/** The web server: the core plus the app (the webhook, and Koa for health and the staff API). */
export async function compose(config: AppConfig, logger: Logger, opts: ComposeOptions = {}): Promise<Services> {
  const core = await composeCore(config, logger, opts);
  const { metrics, db, bot, wechat, tips } = core;
  const dedupeStore = new FifoExpiringStore<StoredReply>();
  const webhook = createWebhook({ config, logger, metrics, bot, client: wechat, dedupe: dedupeStore });
  const app = createApp({ logger, metrics, webhook, trustProxy: config.trustProxy, publicOrigin: config.publicOrigin, routers: [healthRouter({ db, metrics, metricsToken: config.metricsToken }), ...tips.routers] });
  return {
    ...core,
    app,
    async close() {
      webhook.close();
      dedupeStore.close();
      await core.close();
    },
  };
}
