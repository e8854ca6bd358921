// The boot sequence: builds every service once and hands collaborators to constructors.
// server.ts calls it and listens; tests call it with test config. No request constructs a service.
import type { AppConfig } from './config/index.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { JsonView, type SharedStore } from './platform/shared-store.js';
import { RedisStore } from './platform/redis-store.js';
import { SqlStore } from './db/sql-store.js';
import { createIdentityVault, type IdentityVault } from './tips/identity.js';
import { openDatabase, type Database } from './db/index.js';
import { migrateUp } from './db/migrate.js';
import { underMigrationLock } from './db/migration-lock.js';
import { createApp, type App } from './app.js';
import { healthRouter } from './http/health.js';
import { WechatClient } from './wechat/index.js';
import { webhookRouter, WEBHOOK_PATH, type StoredReply } from './bot/adapters/official-account.js';
import { createEngine } from './bot/engine.js';
import { loadTextModels } from './bot/text-models.js';
import type { ConversationRecord } from './bot/conversation.js';
import type { Bot } from './bot/types.js';
import { createTipsModule, type TipsModule } from './tips/index.js';
import type { WebBase } from './web/index.js';
import { CONSOLE_PREFIX, consoleWebBase } from './staff/pages/index.js';
import { createArticlesModule, type ArticlesModule } from './articles/index.js';
import { createStaffModule, type StaffModule } from './staff/index.js';
import { createFollowersModule, type FollowersModule } from './alerts/followers/index.js';
import { createAlertPushModule, type AlertPushModule } from './alerts/push/index.js';
import { createAlertsModule, type AlertsModule } from './alerts/index.js';
import { alertPath } from './alerts/present.js';

/** What both processes (web server and Wechaty bot) share: database, tips module, engine. */
export interface Core {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  /** Shared state: Redis when REDIS_URL is set, else the database. */
  state: SharedStore;
  /** Templates, assets and CSRF tokens of the HTML pages. */
  web: WebBase;
  vault: IdentityVault;
  wechat: WechatClient;
  /** Staff accounts, sessions and the console's sign-in, tip and account pages. */
  staff: StaffModule;
  tips: TipsModule;
  /** Articles: storage, rendering, the import of content/articles, public pages and staff API. */
  articles: ArticlesModule;
  /** Anti-fraud alerts (content, public pages, staff API, the chat's board) and citizens' scam reports. */
  alerts: AlertsModule;
  /** Followers of the official account (the engine's FollowerRegistry) and their county tags on WeChat. */
  followers: FollowersModule;
  /** Pushing an alert to the followers of its region (the service; the web server runs a worker). */
  alertPush: AlertPushModule;
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
  /** Told the generated development admin password (first start only), to show it once outside the logs. */
  onAdminPassword?: (password: string) => void;
  /** The engine's clock (conversation timeouts); tests move it. */
  now?: () => Date;
}

export async function composeCore(config: AppConfig, logger: Logger, opts: ComposeOptions = {}): Promise<Core> {
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  // The engine's text models train in a worker thread meanwhile, so the serving heap never holds
  // the training's garbage (src/bot/text-models.ts).
  const textModels = loadTextModels({ dir: config.bot.modelCacheDir, logger });
  const db = await openDatabase(config.databaseUrl, logger);

  const state: SharedStore = config.redis.url ? new RedisStore({ url: config.redis.url, prefix: config.redis.prefix, logger }) : new SqlStore(db);
  const vault = createIdentityVault(config.tips.identityKeys, config.tips.identityHashKey);
  const wechat = new WechatClient({
    appId: config.wechat.appId,
    appSecret: config.wechat.appSecret,
    apiBase: config.wechat.apiBase,
    tokenStore: state,
  });

  const web = consoleWebBase(config);
  const staff = createStaffModule({ config, logger, db, state });
  const { sessions } = staff;
  const tips = createTipsModule({ config, logger, metrics, db, wechat, state, vault, sessions });
  const articles = createArticlesModule({
    config, logger, db, web, sessions, store: state, wechat, ...(opts.now ? { now: opts.now } : {}),
  });
  // Building the modules touches no table; migrating is everything written at start, one
  // instance at a time (underMigrationLock).
  if (opts.migrate ?? true) {
    await underMigrationLock(db, logger, async () => {
      const applied = await migrateUp(db, logger);
      if (applied.length) logger.info({ applied }, 'migrations applied');
      const { generatedAdminPassword } = await staff.seed();
      if (generatedAdminPassword) opts.onAdminPassword?.(generatedAdminPassword);
      // Rows from before the current personal-data rule are masked and sealed.
      await tips.reseal();
      // The starter articles of content/articles (idempotent by slug and hash).
      await articles.importContent();
    });
  }
  const followers = createFollowersModule({ db, logger, client: wechat, store: state, hashId: (openid) => vault.citizenHash('follower', openid) });
  // The push keeps real time (its send slots and the 48-hour window); staff's view of the quota
  // and of a region's reach is judged on the same clock.
  const pushClock = () => new Date();
  const alertPush = createAlertPushModule({ config, db, logger, tokenStore: state, followers, now: pushClock });
  const alerts = createAlertsModule({
    config, logger, db, web, vault, sessions, ...(opts.now ? { now: opts.now } : {}),
    push: { service: alertPush.service, ledger: alertPush.ledger, followers: followers.models, now: pushClock },
    // A publication pushes the alert's public page to its region with the channels the publisher
    // picked: the job is recorded in the publication's transaction, and a worker lists and sends.
    startPush: async (alert, { channels, publishedBy }, t) => {
      await alertPush.service.startPush({
        alertId: alert.id, title: alert.title, summary: alert.summary, url: `${config.publicOrigin}${alertPath(alert.id)}`,
        counties: alert.counties.length ? alert.counties : null, channels, createdBy: publishedBy,
      }, { transaction: t });
    },
    // 撤下 stops what is still going out: the messages would link to a page that is gone.
    onWithdrawn: async (alert) => {
      for (const p of await alertPush.service.forAlert(alert.id)) {
        if (p.state === 'queued' || p.state === 'running' || p.state === 'paused') await alertPush.service.cancel(p.jobId);
      }
    },
  });
  const conversations = conversationStore(state, vault);
  const { fraud, intentModel, emergency } = await textModels;
  const bot = createEngine({
    config, logger, desk: tips.desk, articles: articles.shelf, conversations, followers: followers.registry, citizenCounty: followers.citizenCounty,
    fraud, intentModel, emergency,
    alerts: alerts.board, scamReports: alerts.reports, ...(opts.now ? { now: opts.now } : {}),
  });

  return {
    config, logger, metrics, db, state, web, vault, wechat, staff, tips, articles, alerts, followers, alertPush, bot,
    async close() {
      await tips.close();
      await articles.close();
      alerts.close();
      alertPush.close();
      // An import going stops at its next page, before the database closes under it.
      await followers.close();
      await state.close();
      await db.close();
    },
  };
}

/**
 * Values in the shared store sealed at rest with the identity key, under a keyed hash of their id
 * (`hashId`, with a channel in the hash), never an openid.
 */
function sealedView<V>(state: SharedStore, vault: IdentityVault, prefix: string, hashId: (id: string) => string): JsonView<V> {
  return new JsonView<V>(state, prefix, {
    codec: { encode: (text) => vault.sealText(text), decode: (sealed) => vault.openText(sealed) },
    hashId,
  });
}

/** Conversation records: drafts hold what citizens wrote, with their phone numbers. */
export function conversationStore(state: SharedStore, vault: IdentityVault): JsonView<ConversationRecord> {
  return sealedView(state, vault, 'conv', (id) => vault.citizenHash('conversation', id));
}

/**
 * Passive replies by message for WeChat's retries: a reply may quote the citizen. A message's key
 * comes once, so its hash is not kept among the citizens' (`oneOffHash`).
 */
export function replyStore(state: SharedStore, vault: IdentityVault): JsonView<StoredReply> {
  return sealedView(state, vault, 'reply', (id) => vault.oneOffHash('reply', id));
}

/** The web server: the core plus the app (the webhook, and Koa for health and the staff API). */
export async function compose(config: AppConfig, logger: Logger, opts: ComposeOptions = {}): Promise<Services> {
  const core = await composeCore(config, logger, opts);
  const { metrics, db, bot, wechat, tips, web, articles, alerts } = core;
  const webhook = webhookRouter({ config, logger, metrics, bot, client: wechat, replies: replyStore(core.state, core.vault) });
  const app = createApp({ logger, metrics, trustProxy: config.trustProxy, publicOrigin: config.publicOrigin, csrfExempt: [WEBHOOK_PATH],
    web: { assets: web.assets.middleware(), errorPage: (ctx, err) => web.errorPage(ctx, err), formPrefixes: [CONSOLE_PREFIX] }, pageCache: articles.pageCache((hit) => metrics.httpRequests.inc({ method: hit.method, route: hit.route, status: String(hit.status) })),
    routers: [
      webhook, healthRouter({ db, metrics, metricsToken: config.metricsToken }),
      ...core.staff.routers({ web, tips: tips.console, media: wechat }), ...tips.routers, ...articles.routers, ...alerts.routers,
      core.staff.fallbackRouter(),
    ] });
  return {
    ...core,
    app,
  };
}
