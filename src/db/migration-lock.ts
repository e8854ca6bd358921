// Every instance migrates when it starts. Two started together (a rolling deploy, systemd starting
// web@1 and web@2 at once) would both create the same table, seed the same admin and rewrite the
// same rows. On MariaDB/MySQL they take turns under a named lock (GET_LOCK), held by a connection
// of its own for the whole of the migration: the server releases a named lock when its
// connection ends, so an instance killed mid-migration blocks no one. SQLite is one process's
// file (the single-instance default): there is no other instance to wait for.
import { createConnection } from 'mysql2/promise';
import type { Database } from './index.js';
import type { Logger } from '../platform/logger.js';

/** How long an instance waits for another's migration before it gives up starting. */
export const MIGRATION_WAIT_SECONDS = 600;

export class MigrationLockTimeout extends Error {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';
}

/** The lock's name: one per database on the server (MariaDB allows 64 characters). */
export function migrationLockName(database: string): string {
  return `pingan-sanming:migrate:${database}`.slice(0, 64);
}

/** Runs `fn` (the migrations and the other start-up writes) while no other instance does. */
export async function underMigrationLock<T>(db: Database, logger: Logger | undefined, fn: () => Promise<T>, waitSeconds = MIGRATION_WAIT_SECONDS): Promise<T> {
  if (db.dialect !== 'mysql') return fn();
  const { host, port, username, password, database } = db.sequelize.config;
  const connection = await createConnection({ host, port: Number(port), user: username, password: password ?? undefined, database });
  try {
    const name = migrationLockName(database);
    const [rows] = await connection.query<Array<{ got: number | null } & import('mysql2').RowDataPacket>>('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]);
    if (rows[0]?.got !== 1) {
      throw new MigrationLockTimeout(`another instance has been migrating database "${database}" for ${waitSeconds} s; start again once it is done`);
    }
    logger?.debug({ lock: name }, 'migration lock taken');
    try {
      return await fn();
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await connection.end();
  }
}
