// npm run db:migrate [-- --down]: applies pending migrations (or reverts the last one) on DATABASE_URL.
import { loadConfig } from '../config/index.js';
import { ensureMysqlDatabase, openDatabase } from '../db/index.js';
import { createMigrator, migrateUp } from '../db/migrate.js';
import { createLogger } from '../platform/logger.js';

async function main(): Promise<void> {
  const config = await loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  if (config.databaseUrl.startsWith('mysql') || config.databaseUrl.startsWith('mariadb')) await ensureMysqlDatabase(config.databaseUrl);
  const db = await openDatabase(config.databaseUrl);
  try {
    if (process.argv.includes('--down')) {
      const reverted = await createMigrator(db, logger).down();
      process.stdout.write(`reverted: ${reverted.map((m) => m.name).join(', ') || 'nothing'}\n`);
    } else {
      const applied = await migrateUp(db, logger);
      process.stdout.write(`applied: ${applied.join(', ') || 'nothing (up to date)'}\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
