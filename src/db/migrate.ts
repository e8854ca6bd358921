import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface } from 'sequelize';
import type { Database } from './index.js';
import type { Logger } from '../platform/logger.js';
import { migrations } from './migrations/index.js';

export interface MigrationContext {
  queryInterface: QueryInterface;
  db: Database;
}

export interface Migration {
  name: string;
  up(ctx: MigrationContext): Promise<void>;
  down(ctx: MigrationContext): Promise<void>;
}

/** Schema changes are migrations, listed explicitly (no globbing) so they work from TS and from a bundle. */
/** umzug logs `{ event, name }`; `name` is on the redaction list (people's names), so it goes as `migration`. */
function named(m: Record<string, unknown>): Record<string, unknown> {
  const { name, ...rest } = m;
  return name === undefined ? rest : { ...rest, migration: name };
}

export function createMigrator(db: Database, logger?: Logger) {
  return new Umzug<MigrationContext>({
    migrations: migrations.map((m) => ({ name: m.name, up: ({ context }) => m.up(context), down: ({ context }) => m.down(context) })),
    context: { queryInterface: db.sequelize.getQueryInterface(), db },
    storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' }),
    logger: logger
      ? { info: (m) => logger.info(named(m), 'migration'), warn: (m) => logger.warn(named(m), 'migration'), error: (m) => logger.error(named(m), 'migration'), debug: () => undefined }
      : undefined,
  });
}

export async function migrateUp(db: Database, logger?: Logger): Promise<string[]> {
  const done = await createMigrator(db, logger).up();
  return done.map((m) => m.name);
}
