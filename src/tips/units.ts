// Sanming's handling units as staff pick them: the `units` rows (市委政法委, departments, the 11
// counties and their townships; seeded by migration 001), searchable by name or key. A unit's
// `key` is what the assign endpoint takes as `unitKey` (a county's or township's key is its
// division code, so it also goes as `countyCode` / `townshipCode`).
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/index.js';
import { likeContains } from './repository.js';

export const UNIT_KINDS = ['city', 'department', 'county', 'township'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface UnitListItem {
  key: string;
  name: string;
  kind: UnitKind;
  /** The county a county or township belongs to (its own code for a county); null otherwise. */
  countyCode: string | null;
  townshipCode: string | null;
  parentKey: string | null;
  /** The parent's name, so 城关 of one county is told from another's. */
  parentName: string | null;
}

export interface UnitQuery {
  /** Part of the name or of the key (a code); matched literally, case as stored. */
  q?: string | undefined;
  kind?: UnitKind | undefined;
  /** At most this many (1–500, default 50), in the seed's order: city, departments, then by county. */
  limit?: number | undefined;
}

interface UnitRecord {
  unit_key: string;
  name: string;
  kind: UnitKind;
  county_code: string | null;
  township_code: string | null;
  parent_key: string | null;
  parent_name: string | null;
}

export async function listUnits(db: Database, query: UnitQuery = {}): Promise<UnitListItem[]> {
  const qi = db.sequelize.getQueryInterface();
  const c = (table: string, column: string) => `${table}.${qi.quoteIdentifier(column)}`;
  const where: string[] = [];
  const values: unknown[] = [];
  const q = query.q?.trim();
  if (q) {
    // '!' escapes % and _ alike in both dialects (repository.ts likeContains).
    where.push(`(${c('u', 'name')} LIKE ? ESCAPE '!' OR ${c('u', 'key')} LIKE ? ESCAPE '!')`);
    const pattern = likeContains(q);
    values.push(pattern, pattern);
  }
  if (query.kind) {
    where.push(`${c('u', 'kind')} = ?`);
    values.push(query.kind);
  }
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
  const sql = `SELECT ${c('u', 'key')} AS unit_key, ${c('u', 'name')} AS name, ${c('u', 'kind')} AS kind,
      ${c('u', 'county_code')} AS county_code, ${c('u', 'township_code')} AS township_code,
      ${c('u', 'parent_key')} AS parent_key, ${c('p', 'name')} AS parent_name
    FROM ${qi.quoteIdentifier('units')} u LEFT JOIN ${qi.quoteIdentifier('units')} p ON p.${qi.quoteIdentifier('key')} = ${c('u', 'parent_key')}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${c('u', 'sort')} ASC, ${c('u', 'key')} ASC
    LIMIT ${String(limit)}`;
  const rows = await db.sequelize.query<UnitRecord>(sql, { replacements: values, type: QueryTypes.SELECT });
  return rows.map((r) => ({
    key: r.unit_key, name: r.name, kind: r.kind, countyCode: r.county_code, townshipCode: r.township_code,
    parentKey: r.parent_key, parentName: r.parent_name,
  }));
}
