// Usernames became canonical (NFKC, lower case; src/staff/usernames.ts) and login looks them up
// under that spelling, so rows created before are rewritten to it. Done row by row in JS: NFKC
// has no SQL spelling, and MariaDB's case-insensitive collation would hide `Li` <> `li` anyway.
// A row whose canonical name another row already holds (possible on SQLite) is left as it was.
import type { Migration } from '../migrate.js';

const canonical = (u: string) => u.normalize('NFKC').toLowerCase();

export const staffCanonicalUsernamesMigration: Migration = {
  name: '007-staff-canonical-usernames',
  async up(ctx) {
    const s = ctx.db.sequelize;
    const rows = await s.query('SELECT id, username FROM staff ORDER BY id', { type: 'SELECT' }) as Array<{ id: number; username: string }>;
    const taken = new Set(rows.map((r) => r.username));
    for (const row of rows) {
      const name = canonical(row.username);
      if (name === row.username || taken.has(name)) continue;
      await s.query('UPDATE staff SET username = ? WHERE id = ?', { replacements: [name, row.id] });
      taken.add(name);
    }
  },
  // The old spellings are not kept: going down leaves the canonical names.
  async down() {},
};
