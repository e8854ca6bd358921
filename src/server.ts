// Wires and starts the service: config → compose → listen; SIGTERM drains and closes the pool.
import http from 'node:http';
import { loadConfigOrExit } from './config/index.js';
import { createLogger, logDestination } from './platform/logger.js';
import { compose } from './compose.js';
import { DatabaseUnavailableError } from './db/index.js';

async function main(): Promise<void> {
  const config = await loadConfigOrExit();
  const logger = createLogger(config.logLevel, logDestination());
  const services = await compose(config, logger, {
    defaultMetrics: true,
    onAdminPassword: (password) => process.stderr.write(
      `\nFirst start: sign in as staff with username "admin" and password "${password}".\n`
      + 'It is shown only this once; change it, or create your own accounts with npm run staff:add.\n\n',
    ),
  });
  const server = http.createServer(services.app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, env: config.env, database: services.db.dialect }, 'listening');

  // Hourly upkeep (auto-close after the review window). Overdue and due-soon need no job: they
  // are queries on the stored deadlines.
  const sweep = () => void services.tips.sweep().catch((err: unknown) => logger.error({ err }, 'sweep failed'));
  sweep();
  const sweeper = setInterval(sweep, 60 * 60 * 1000);
  sweeper.unref();
  // Held answers (the correction hold) whose timer died with another process: at most a minute late.
  const sendDue = () => void services.tips.sendDueNotices().catch((err: unknown) => logger.error({ err }, 'sending held notices failed'));
  const dueSender = setInterval(sendDue, 60 * 1000);
  dueSender.unref();
  // Citizens' photos and voice, copied from WeChat's 3-day media: retries, and tips another
  // process took in before it stopped.
  const copyMedia = () => void services.tips.copyMedia().catch((err: unknown) => logger.error({ err }, 'copying tip media failed'));
  copyMedia();
  const mediaCopier = setInterval(copyMedia, 60 * 1000);
  mediaCopier.unref();
  // Scheduled articles: published at most a minute after their time.
  const publishDue = () => void services.articles.sweep().catch((err: unknown) => logger.error({ err }, 'publishing scheduled articles failed'));
  const articleSweeper = setInterval(publishDue, 60 * 1000);
  articleSweeper.unref();
  // Articles sent to WeChat: their outcome (published, sent, refused) asked for every minute.
  const wechatOutcomes = () => void services.articles.wechatSweep().catch((err: unknown) => logger.error({ err }, 'polling wechat publishing failed'));
  const wechatPoller = setInterval(wechatOutcomes, 60 * 1000);
  wechatPoller.unref();
  // County tags on WeChat follow the followers' counties: at most a minute behind.
  const syncTags = () => void services.followers.syncTags().catch((err: unknown) => logger.error({ err }, 'syncing county tags failed'));
  const tagSyncer = setInterval(syncTags, 60 * 1000);
  tagSyncer.unref();
  // WeChat's own list of followers: those who followed before their events were recorded, and
  // unfollows missed while no instance was listening. Once now, then every followerImportHours.
  const importFollowers = () => void services.followers.importFollowers().catch((err: unknown) => logger.error({ err }, 'importing followers failed'));
  const importHours = config.alerts.followerImportHours;
  const followerImporter = importHours > 0 ? setInterval(importFollowers, importHours * 60 * 60 * 1000) : undefined;
  followerImporter?.unref();
  if (importHours > 0) importFollowers();
  // Citizens' scam reports past alerts.reportRetentionDays: deleted hourly, in chunks.
  const purgeReports = () => void services.alerts.reports.purge().catch((err: unknown) => logger.error({ err }, 'purging old scam reports failed'));
  purgeReports();
  const reportPurger = setInterval(purgeReports, 60 * 60 * 1000);
  reportPurger.unref();
  // Alert pushes: every instance runs a worker; they share each push's rate through the database.
  const pushWorker = services.alertPush.createWorker({ upkeepMs: 5000 });
  pushWorker.start();

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    clearInterval(sweeper);
    clearInterval(dueSender);
    clearInterval(mediaCopier);
    clearInterval(articleSweeper);
    clearInterval(wechatPoller);
    clearInterval(tagSyncer);
    clearInterval(followerImporter);
    clearInterval(reportPurger);
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    // The push worker stops at once, beside the requests draining: it gives back what it claimed
    // and has not sent, and writes what it sent, before a supervisor's stop timeout can cut it off.
    const workerStopped = pushWorker.stop().catch((err: unknown) => logger.error({ err }, 'stopping the push worker failed'));
    server.close(() => {
      void workerStopped.then(() => services.close()).then(
        () => { logger.info('closed'); process.exit(0); },
        (err: unknown) => { logger.error({ err }, 'close failed'); process.exit(1); },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // What an operator can act on is said plainly; anything else with its stack, to this console only.
  const plain = err instanceof DatabaseUnavailableError;
  process.stderr.write(`failed to start: ${plain || !(err instanceof Error) ? String(err instanceof Error ? err.message : err) : err.stack ?? err.message}\n`);
  process.exit(1);
});
