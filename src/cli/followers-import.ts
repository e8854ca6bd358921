// npm run followers:import: one import of WeChat's list of the account's followers into the
// followers table (src/alerts/followers/import.ts), as the server does at start and every
// alerts.followerImportHours. It shares the server's store (REDIS_URL, or the database), so it
// waits for no one: while another instance imports it says so and exits 75.
import { loadConfigOrExit } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { migrateUp } from '../db/migrate.js';
import { underMigrationLock } from '../db/migration-lock.js';
import { SqlStore } from '../db/sql-store.js';
import { createFollowerImport } from '../alerts/followers/import.js';
import { defineFollowerModels } from '../alerts/followers/models.js';
import { destination } from 'pino';
import { createLogger } from '../platform/logger.js';
import { RedisStore } from '../platform/redis-store.js';
import type { SharedStore } from '../platform/shared-store.js';
import { WechatClient } from '../wechat/index.js';

async function main(): Promise<number> {
  const config = await loadConfigOrExit();
  if (!config.wechat.appId || !config.wechat.appSecret) {
    process.stderr.write('WECHAT_APPID and WECHAT_APPSECRET are required\n');
    return 78;
  }
  // Log lines go to stderr, written before the process exits; stdout carries the one-line result.
  const logger = createLogger(config.logLevel, destination({ dest: 2, sync: true }));
  const db = await openDatabase(config.databaseUrl, logger);
  let store: SharedStore | undefined;
  try {
    await underMigrationLock(db, logger, () => migrateUp(db, logger));
    store = config.redis.url ? new RedisStore({ url: config.redis.url, prefix: config.redis.prefix, logger }) : new SqlStore(db);
    // The server's token store: this process uses the token the server has, never retires it.
    const client = new WechatClient({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: config.wechat.apiBase, tokenStore: store });
    const job = createFollowerImport({ db, models: defineFollowerModels(db.sequelize), client, store, logger });
    const report = await job.run();
    if (report === null) {
      process.stdout.write('another instance is importing followers now; try again later\n');
      return 75;
    }
    const counts = `listed ${report.listed}, new ${report.inserted}, back ${report.resubscribed}, gone ${report.unsubscribed}, pages ${report.pages}`;
    if (report.stoppedAt) {
      process.stdout.write(`stopped at WeChat errcode ${report.stoppedAt.errcode} (${counts}); nobody was marked gone, run it again later\n`);
      return 1;
    }
    process.stdout.write(`followers imported: ${counts}\n`);
    return 0;
  } finally {
    await store?.close();
    await db.close();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
