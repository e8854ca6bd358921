// npm run db:migrate [-- --down | --rotate-keys]: applies pending migrations (or reverts the last
// one) on DATABASE_URL, then reseals stored citizen texts written under an older personal-data
// rule (src/tips/reseal.ts). --rotate-keys also re-seals every row sealed under a key other than
// the first of TIP_IDENTITY_KEYS, so an old key can be removed afterwards.
import { loadConfig } from '../config/index.js';
import { ensureMysqlDatabase, openDatabase } from '../db/index.js';
import { createMigrator, migrateUp } from '../db/migrate.js';
import { underMigrationLock } from '../db/migration-lock.js';
import { createLogger } from '../platform/logger.js';
import { createIdentityVault } from '../tips/identity.js';
import { defineTipModels } from '../tips/models.js';
import { resealStoredTexts } from '../tips/reseal.js';

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
      // Not beside a starting instance's own migration (src/db/migration-lock.ts).
      await underMigrationLock(db, logger, async () => {
        const applied = await migrateUp(db, logger);
        process.stdout.write(`applied: ${applied.join(', ') || 'nothing (up to date)'}\n`);
        const vault = createIdentityVault(config.tips.identityKeys, config.tips.identityHashKey);
        const resealed = await resealStoredTexts(
          { db, models: defineTipModels(db.sequelize), vault, logger }, { rotate: process.argv.includes('--rotate-keys') },
        );
        process.stdout.write(`resealed: ${String(resealed.tips)} tips, ${String(resealed.events)} events (key ${vault.currentKeyId})\n`);
      });
    }
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
