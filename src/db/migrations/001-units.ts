// Handling units: the city committee, its departments, the 11 counties and their townships.
// Places come from content/sanming-divisions.json (official division codes); a county or
// township unit's key is its code, so assigning by code and by unit key are the same thing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions } from './helpers.js';

interface Divisions {
  counties: Array<{ code: string; name: string; townships: Array<{ code: string; name: string }> }>;
}

const DIVISIONS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../content/sanming-divisions.json');

// Department keys match UNIT_LABELS in src/tips/types.ts (category defaults route to them).
const DEPARTMENTS: Array<{ key: string; name: string; parent?: string }> = [
  { key: 'police', name: '公安机关' },
  { key: 'anti_fraud_centre', name: '公安反诈中心', parent: 'police' },
  { key: 'court', name: '法院' },
  { key: 'procuratorate', name: '检察院' },
  { key: 'justice', name: '司法局' },
  { key: 'discipline', name: '纪检监察机关' },
  { key: 'cyber_centre', name: '网信（网络生态治理中心）' },
  { key: 'eco_justice', name: '生态法庭、生态检察' },
];

export const unitsMigration: Migration = {
  name: '001-units',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.createTable('units', {
      key: { type: DataTypes.STRING(32), primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      parent_key: { type: DataTypes.STRING(32), allowNull: true },
      county_code: { type: DataTypes.STRING(12), allowNull: true },
      township_code: { type: DataTypes.STRING(12), allowNull: true },
      sort: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    }, tableOptions(ctx));
    await qi.addIndex('units', ['kind'], { name: 'units_kind' });
    await qi.addIndex('units', ['county_code'], { name: 'units_county_code' });

    const divisions = JSON.parse(readFileSync(DIVISIONS_FILE, 'utf8')) as Divisions;
    let sort = 0;
    const rows: Array<Record<string, unknown>> = [
      { key: 'zfw', kind: 'city', name: '市委政法委', parent_key: null, county_code: null, township_code: null, sort: sort++ },
      ...DEPARTMENTS.map((d) => ({
        key: d.key, kind: 'department', name: d.name, parent_key: d.parent ?? 'zfw', county_code: null, township_code: null, sort: sort++,
      })),
    ];
    for (const county of divisions.counties) {
      rows.push({ key: county.code, kind: 'county', name: county.name, parent_key: 'zfw', county_code: county.code, township_code: null, sort: sort++ });
      for (const t of county.townships) {
        rows.push({ key: t.code, kind: 'township', name: t.name, parent_key: county.code, county_code: county.code, township_code: t.code, sort: sort++ });
      }
    }
    await qi.bulkInsert('units', rows);
  },
  async down(ctx) {
    await ctx.queryInterface.dropTable('units');
  },
};
