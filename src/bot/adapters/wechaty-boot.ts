// The bot process's boot sequence, the Wechaty twin of src/compose.ts: the same database, tips
// module and engine as the web server, plus a Wechaty with the configured puppet. wechaty is
// imported dynamically here so nothing the web server loads pulls it in.
import type { PuppetModuleName, WechatyOptions } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import type { AppConfig } from '../../config/index.js';
import type { Logger } from '../../platform/logger.js';
import { createMetrics } from '../../platform/metrics.js';
import { MemoryStore } from '../../platform/stores.js';
import { openDatabase, type Database } from '../../db/index.js';
import { migrateUp } from '../../db/migrate.js';
import { WechatClient } from '../../wechat/index.js';
import { createTipsModule, type TipsModule } from '../../tips/index.js';
import { createEngine } from '../engine.js';
import type { ConversationRecord } from '../conversation.js';
import { attachWechatyBot } from './wechaty.js';

type PuppetInstance = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatyBotOptions {
  /** A ready puppet instead of the configured module name (tests pass a PuppetMock). */
  puppet?: PuppetInstance;
  /** Overrides the hourly due-soon check (tests). */
  dueSoonCheckMs?: number;
}

export interface WechatyBotProcess {
  wechaty: WechatyInterface;
  db: Database;
  tips: TipsModule;
  /** Detaches the bot, stops the puppet and closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startWechatyBot(config: AppConfig, logger: Logger, opts: WechatyBotOptions = {}): Promise<WechatyBotProcess> {
  const metrics = createMetrics({ defaultMetrics: false });
  const db = await openDatabase(config.databaseUrl, logger);
  const applied = await migrateUp(db, logger);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const tokenStore = new MemoryStore<string>();
  const conversations = new MemoryStore<ConversationRecord>();
  // Notices to official-account citizens (e.g. a Wechaty-side status change) still go through the API.
  const wechat = new WechatClient({
    appId: config.wechat.appId,
    appSecret: config.wechat.appSecret,
    apiBase: config.wechat.apiBase,
    tokenStore,
  });
  const tips = await createTipsModule({ config, logger, metrics, db, wechat });
  await tips.seed();
  const bot = createEngine({ config, logger, desk: tips.desk, conversations });

  const { WechatyBuilder, qrcodeValueToImageUrl } = await import('wechaty');
  const { name, puppetToken } = config.wechaty;
  const wechaty = WechatyBuilder.build({
    // A name persists the login session in <name>.memory-card.json; tests run without one.
    ...(name ? { name } : {}),
    ...(opts.puppet
      ? { puppet: opts.puppet }
      : {
          // Wechaty validates the module name itself and says which ones it knows.
          puppet: config.wechaty.puppet as PuppetModuleName,
          ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
        }),
  });

  wechaty.on('scan', (qrcode, status) => {
    logger.info({ status, url: qrcodeValueToImageUrl(qrcode) }, 'wechaty: scan the QR code to log in');
  });
  wechaty.on('login', (user) => logger.info({ userId: user.id }, 'wechaty: logged in'));
  wechaty.on('logout', (user) => logger.warn({ userId: user.id }, 'wechaty: logged out'));
  wechaty.on('error', (err) => logger.error({ err }, 'wechaty: error'));

  const attached = attachWechatyBot({
    wechaty, bot, announcer: tips.announcer, staffRooms: config.wechaty.staffRooms, logger,
    registerNoticeSender: tips.registerNoticeSender,
    ...(opts.dueSoonCheckMs ? { dueSoonCheckMs: opts.dueSoonCheckMs } : {}),
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      attached.stop();
      try {
        await wechaty.stop();
      } finally {
        await tips.close();
        tokenStore.close();
        conversations.close();
        await db.close();
      }
    })();
    return stopped;
  };

  try {
    await wechaty.start();
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  logger.info({ puppet: opts.puppet ? 'instance' : config.wechaty.puppet, staffRooms: config.wechaty.staffRooms.length }, 'wechaty: started');
  return { wechaty, db, tips, stop };
}
