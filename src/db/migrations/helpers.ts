// Shared bits of the migrations: MariaDB needs utf8mb4 spelled out per table (Chinese text and
// emoji), SQLite ignores it; DATE(3) keeps milliseconds on MariaDB, which the queue orders by.
import { D } from '../columns.js';
import type { MigrationContext } from '../migrate.js';

export function tableOptions(ctx: MigrationContext): Record<string, string> {
  return ctx.db.dialect === 'mysql' ? { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci', engine: 'InnoDB' } : {};
}

export const utcDate = (allowNull: boolean) => D(allowNull);
export const timestamps = () => ({ created_at: utcDate(false), updated_at: utcDate(false) });
