// `npm run bot`: the Wechaty bot process. Config → boot → run until SIGTERM/SIGINT, then stop the
// puppet and close the database. The web server is a separate process (src/server.ts).
import { loadConfigOrExit } from '../../config/index.js';
import { createLogger, logDestination } from '../../platform/logger.js';
import { startWechatyBot } from './wechaty-boot.js';

async function main(): Promise<void> {
  const config = await loadConfigOrExit();
  const logger = createLogger(config.logLevel, logDestination());
  const running = await startWechatyBot(config, logger);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'wechaty: shutting down');
    // A puppet that hangs on logout must not keep the process from exiting.
    const force = setTimeout(() => { logger.warn('wechaty: stop took over 10 s; exiting anyway'); process.exit(1); }, 10_000);
    force.unref();
    running.stop().then(
      () => { logger.info('wechaty: stopped'); process.exit(0); },
      (err: unknown) => { logger.error({ err }, 'wechaty: stop failed'); process.exit(1); },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start the Wechaty bot: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
