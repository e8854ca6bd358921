// Instances started together migrate one at a time (src/db/migration-lock.ts): on MariaDB under
// a named lock that a killed holder gives back; on SQLite (one process's file) there is no lock.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { migrationLockName, underMigrationLock, MigrationLockTimeout } from '../../src/db/migration-lock.js';
import { createTestDatabase, usingMysql, type TestDatabase } from '../support/database.js';

describe(`db: migration lock (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(120_000);
  let tdb: TestDatabase;
  let one: Database;
  let two: Database;
  beforeEach(async () => {
    tdb = await createTestDatabase();
    one = await openDatabase(tdb.url);
    two = await openDatabase(tdb.url);
  });
  afterEach(async () => {
    await one.close();
    await two.close();
    await tdb.drop();
  });

  // Each database has its own cases: defined for it alone, so none is left pending on the other.
  if (!usingMysql()) {
    it('on SQLite it simply runs', async () => {
      expect(await underMigrationLock(one, undefined, () => Promise.resolve(7))).to.equal(7);
    });
    return;
  }

  it('two instances migrating a fresh database at once: one applies everything, the other nothing, neither fails', async () => {
    const [a, b] = await Promise.all([
      underMigrationLock(one, undefined, () => migrateUp(one)),
      underMigrationLock(two, undefined, () => migrateUp(two)),
    ]);
    expect([a.length, b.length].sort((x, y) => x - y)).to.deep.equal([0, Math.max(a.length, b.length)]);
    expect(Math.max(a.length, b.length)).to.be.greaterThan(20);
  });

  it('the second waits for the first to finish, and gives up with a clear error past its wait', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const order: string[] = [];
    const first = underMigrationLock(one, undefined, async () => { order.push('first in'); await held; order.push('first out'); });
    await new Promise((r) => setTimeout(r, 200));
    const err = await underMigrationLock(two, undefined, () => Promise.resolve(), 1).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MigrationLockTimeout);
    expect((err as Error).message).to.contain('another instance');
    const second = underMigrationLock(two, undefined, () => { order.push('second'); return Promise.resolve(); });
    await new Promise((r) => setTimeout(r, 300));
    expect(order).to.deep.equal(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first in', 'first out', 'second']);
  });

  it('an instance killed while it holds the lock blocks no one', async () => {
    const { host, port, username, database } = one.sequelize.config;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { createConnection } from 'mysql2/promise';
      const c = await createConnection(${JSON.stringify({ host, port: Number(port), user: username, database })});
      await c.query('SELECT GET_LOCK(?, 10)', [${JSON.stringify(migrationLockName(database))}]);
      console.log('locked');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    for await (const line of createInterface({ input: holder.stdout })) if (line === 'locked') break;
    expect(await underMigrationLock(two, undefined, () => Promise.resolve('mine'), 1).catch((e: unknown) => e)).to.be.instanceOf(MigrationLockTimeout);
    holder.kill('SIGKILL');
    expect(await underMigrationLock(two, undefined, () => Promise.resolve('mine'), 10)).to.equal('mine');
  });
});
