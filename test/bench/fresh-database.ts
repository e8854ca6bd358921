// A fresh database per bench run, so the numbers do not depend on leftovers: SQLite as given,
// MariaDB as a new database beside the one named, dropped after.
import { randomBytes } from 'node:crypto';
import { ensureMysqlDatabase, sequelizeOptions } from '../../src/db/index.js';

/** `tag` goes into the new database's name (`pingan_bench_push_…`), so benches' leftovers tell apart. */
export async function freshBenchDatabase(url: string, tag?: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^(mysql|mariadb):/.test(url)) return { url, drop: () => Promise.resolve() };
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = `/${u.pathname.slice(1) || 'pingan_bench'}_${tag ? `${tag}_` : ''}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const fresh = u.toString();
  await ensureMysqlDatabase(fresh);
  return {
    url: fresh,
    async drop() {
      const { Sequelize } = await import('sequelize');
      const admin = new Sequelize({ ...sequelizeOptions(fresh), database: undefined, logging: false });
      await admin.query(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1).replace(/`/g, '')}\``);
      await admin.close();
    },
  };
}
