// The push module: one alert to the followers of its region, by customer-service message, mass
// send by county tag and template message, at a rate shared by every worker. Built once by
// compose.ts; the web server starts one worker (`createWorker().start()`).
import type { AppConfig } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import { createMassQuota, type MassQuotaLedger } from '../../articles/mass-quota.js';
import { WechatClient, type TokenStore } from '../../wechat/index.js';
import { keepAliveFetch } from './http-fetch.js';
import type { FollowersModule } from '../followers/index.js';
import { definePushModels, type PushModels } from './models.js';
import { createPushQueue, type PushQueue } from './queue.js';
import { createPushService, type PushService } from './service.js';
import { createPushWorker, type PushClient, type PushWorker, type PushWorkerOptions } from './worker.js';

export interface AlertPushDeps {
  config: AppConfig;
  db: Database;
  logger: Logger;
  /**
   * The account's token store (the shared store): the push's own WechatClient, on keep-alive
   * sockets (http-fetch.ts), shares the access token with every other client of the account.
   */
  tokenStore: TokenStore;
  /** Instead of that client (tests of a scripted WeChat). */
  client?: PushClient;
  followers: FollowersModule;
  now?: () => Date;
}

export interface AlertPushModule {
  service: PushService;
  queue: PushQueue;
  models: PushModels;
  ledger: MassQuotaLedger;
  /** A worker on this database; any number may run, in any process. */
  createWorker(opts?: PushWorkerOptions): PushWorker;
  /** Closes the client's idle sockets. */
  close(): void;
}

export function createAlertPushModule(deps: AlertPushDeps): AlertPushModule {
  const { config, db } = deps;
  const clock = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ module: 'alerts' });
  const models = definePushModels(db.sequelize);
  const ledger = createMassQuota(db.sequelize, config.wechat.massQuotaPerDay, clock);
  const claimMs = config.alerts.pushClaimSeconds * 1000;
  const queue = createPushQueue({
    db, models, followers: deps.followers.models, clock, claimMs, templateDailyLimit: config.alerts.pushTemplateDailyLimit, ledger,
  });
  const service = createPushService({
    db, models, counties: deps.followers.counties, ledger, queue, logger, clock,
    defaultRate: config.alerts.pushRatePerSecond, templateId: config.wechat.templates.alert,
  });
  const countyNames = new Map(deps.followers.counties.map((c) => [c.code, c.name]));
  const transport = deps.client ? undefined : keepAliveFetch();
  const client: PushClient = deps.client ?? new WechatClient({
    appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: config.wechat.apiBase, tokenStore: deps.tokenStore, fetch: transport!.fetch,
  });
  return {
    service,
    queue,
    models,
    ledger,
    createWorker: (opts) => createPushWorker({
      queue, service, client, ledger, tagIdOf: (code) => deps.followers.tags.ensureTag(code), countyNames, logger, clock,
      templateId: config.wechat.templates.alert, batchSize: config.alerts.pushBatchSize, maxAttempts: config.alerts.pushMaxAttempts,
      retryBaseMs: config.alerts.pushRetryBaseSeconds * 1000, retryMaxMs: config.alerts.pushRetryMaxSeconds * 1000,
      retentionMs: config.alerts.pushRetentionDays * 86_400_000,
    }, opts),
    close: () => transport?.close(),
  };
}

export type { PushProgress, StartPushInput } from './service.js';
export type { PushWorker, PushWorkerStats } from './worker.js';
export { PUSH_CHANNELS, REASONS, type PushChannel } from './rules.js';
