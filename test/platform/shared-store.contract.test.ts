// One contract, every SharedStore: in process, the database (SQLite or MariaDB, as the suite
// runs), and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379; .ci/run starts it).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { MemoryStore, JsonView, type SharedStore } from '../../src/platform/shared-store.js';
import { RedisStore } from '../../src/platform/redis-store.js';
import { createLogger } from '../../src/platform/logger.js';
import { SqlStore } from '../../src/db/sql-store.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

import { testRedisUrl } from '../support/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Lifetimes the tests see end, waited out from the answer of the write that set them (they began
// before it): long enough for the reads between on a loaded machine, a dozen writes for a
// counter's window (SQLite's counters are transactions, queued).
const SHORT_TTL_SECONDS = 0.5;
const WINDOW_SECONDS = 1.5;
const untilExpired = (answered: number, seconds: number) => sleep(Math.max(0, answered + seconds * 1000 + 150 - Date.now()));
const untilWindowEnds = (answered: number) => untilExpired(answered, WINDOW_SECONDS);

interface Subject {
  name: string;
  open(): Promise<{ store: SharedStore; done: () => Promise<void> }>;
}

const subjects: Subject[] = [
  { name: 'MemoryStore', open() {
    const store = new MemoryStore();
    return Promise.resolve({ store, done: () => store.close() });
  } },
  { name: 'SqlStore', async open() {
    const tdb: TestDatabase = await createTestDatabase();
    const db: Database = await openDatabase(tdb.url);
    await migrateUp(db);
    const store = new SqlStore(db);
    return { store, async done() { await store.close(); await db.close(); await tdb.drop(); } };
  } },
  { name: 'RedisStore', open() {
    const store = new RedisStore({ url: testRedisUrl(), prefix: `pst:${randomBytes(4).toString('hex')}:`, logger: createLogger('silent') });
    return Promise.resolve({ store, done: () => store.close() });
  } },
];

for (const subject of subjects) {
  describe(`SharedStore contract: ${subject.name}`, function () {
    this.timeout(20_000);
    let store: SharedStore;
    let done: () => Promise<void>;
    before(async () => {
      ({ store, done } = await subject.open());
    });
    after(async () => done());
    const key = () => `k:${randomBytes(6).toString('hex')}`;

    it('gets what was set, and nothing for a key never set', async () => {
      const k = key();
      expect(await store.get(k)).to.equal(undefined);
      await store.set(k, '草稿 {"a":1}', 60);
      expect(await store.get(k)).to.equal('草稿 {"a":1}');
      await store.set(k, 'second', 60);
      expect(await store.get(k)).to.equal('second');
    });

    it('keys are case-sensitive and may hold long values', async () => {
      const k = key();
      await store.set(`${k}:oAbC`, 'upper', 60);
      await store.set(`${k}:oabc`, 'lower', 60);
      expect(await store.get(`${k}:oAbC`)).to.equal('upper');
      expect(await store.get(`${k}:oabc`)).to.equal('lower');
      const long = '证'.repeat(100_000);
      await store.set(k, long, 60);
      expect(await store.get(k)).to.equal(long);
    });

    it('forgets a value once its TTL has passed', async () => {
      const k = key();
      await store.set(k, 'v', SHORT_TTL_SECONDS);
      const answered = Date.now();
      expect(await store.get(k)).to.equal('v');
      await untilExpired(answered, SHORT_TTL_SECONDS);
      expect(await store.get(k)).to.equal(undefined);
    });

    it('add sets only when absent or expired, and says whether it did', async () => {
      const k = key();
      expect(await store.add(k, 'first', SHORT_TTL_SECONDS)).to.equal(true);
      const answered = Date.now();
      expect(await store.add(k, 'second', 60)).to.equal(false);
      expect(await store.get(k)).to.equal('first');
      await untilExpired(answered, SHORT_TTL_SECONDS);
      expect(await store.add(k, 'third', 60)).to.equal(true);
      expect(await store.get(k)).to.equal('third');
    });

    it('of many concurrent adds of one key, exactly one wins', async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.add(k, `v${i}`, 60)));
      expect(results.filter(Boolean)).to.have.length(1);
      const winner = results.indexOf(true);
      expect(await store.get(k)).to.equal(`v${winner}`);
    });

    it('delete removes a value; with an expected value only while it holds it', async () => {
      const k = key();
      await store.set(k, 'mine', 60);
      expect(await store.delete(k, 'theirs')).to.equal(false);
      expect(await store.get(k)).to.equal('mine');
      expect(await store.delete(k, 'mine')).to.equal(true);
      expect(await store.get(k)).to.equal(undefined);
      expect(await store.delete(k)).to.equal(false);
      await store.set(k, 'x', 60);
      expect(await store.delete(k)).to.equal(true);
    });

    it('increment counts from 1 within a fixed window, and starts again after it', async () => {
      const k = key();
      expect(await store.increment(k, WINDOW_SECONDS)).to.equal(1);
      const opened = Date.now();
      expect(await store.increment(k, 60)).to.equal(2);
      const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment(k, 60)));
      expect([...counts].sort((a, b) => a - b)).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      await untilWindowEnds(opened);
      // The window was set by the first increment; later ones did not move it.
      expect(await store.increment(k, 60)).to.equal(1);
    });

    it('decrement takes one back within the window, never below 0, and never starts a counter', async () => {
      const k = key();
      expect(await store.decrement(k)).to.equal(0);
      expect(await store.get(k)).to.equal(undefined);
      expect(await store.increment(k, WINDOW_SECONDS)).to.equal(1);
      const opened = Date.now();
      expect(await store.increment(k, 60)).to.equal(2);
      const back = await Promise.all([1, 2, 3].map(() => store.decrement(k)));
      expect([...back].sort((a, b) => a - b)).to.deep.equal([0, 0, 1]);
      expect(await store.increment(k, 60)).to.equal(1);
      await untilWindowEnds(opened);
      // Giving back moved no expiry: the first increment's window has ended.
      expect(await store.decrement(k)).to.equal(0);
      expect(await store.get(k)).to.equal(undefined);
    });

    it('a JsonView round-trips typed values under its prefix, through a codec', async () => {
      const codec = { encode: (s: string) => Buffer.from(s).toString('base64'), decode: (s: string) => Buffer.from(s, 'base64').toString() };
      const view = new JsonView<{ step: string; photos: number[] }>(store, `view-${randomBytes(3).toString('hex')}`, { codec, hashId: (id) => id.toUpperCase() });
      await view.set('citizen', { step: 'place', photos: [1, 2] }, 60);
      expect(await view.get('citizen')).to.deep.equal({ step: 'place', photos: [1, 2] });
      expect(await view.get('other')).to.equal(undefined);
      await view.delete('citizen');
      expect(await view.get('citizen')).to.equal(undefined);
    });

    it('a JsonView entry claim takes an id once: it reads as absent, and set() replaces it', async () => {
      const view = new JsonView<{ body: string }>(store, `claim-${randomBytes(3).toString('hex')}`, { codec: { encode: (t) => `sealed:${t}`, decode: (t) => t.slice(7) } });
      const m1 = view.entry('m1');
      expect(await m1.claim(60)).to.equal(true);
      expect(await view.entry('m1').claim(60)).to.equal(false);
      expect(await m1.get()).to.equal(undefined);
      await m1.set({ body: '回复' }, 60);
      expect(await view.get('m1')).to.deep.equal({ body: '回复' });
      expect(await m1.claim(60)).to.equal(false);
      // A claim that is never replaced expires with its TTL.
      expect(await view.entry('m2').claim(0.2)).to.equal(true);
      await sleep(350);
      expect(await view.entry('m2').claim(60)).to.equal(true);
    });

    it('a JsonView entry hashes its id once, and shares the key of the view\'s own calls', async () => {
      const hashed: string[] = [];
      const view = new JsonView<number>(store, `entry-${randomBytes(3).toString('hex')}`, { hashId: (id) => { hashed.push(id); return `h-${id}`; } });
      const entry = view.entry('m1');
      expect(await entry.claim(60)).to.equal(true);
      expect(await entry.get()).to.equal(undefined);
      await entry.set(7, 60);
      expect(await entry.get()).to.equal(7);
      expect(hashed).to.deep.equal(['m1']);
      expect(await view.get('m1')).to.equal(7);
      await entry.delete();
      expect(await view.get('m1')).to.equal(undefined);
    });

    it('a JsonView lock is held by one caller at a time, and freed by its release or its TTL', async () => {
      const view = new JsonView<number>(store, `lock-${randomBytes(3).toString('hex')}`);
      const release = await view.lock('c', { ttlSeconds: 0.5, waitMs: 0 });
      expect(release).to.be.a('function');
      expect(await view.lock('c', { waitMs: 0 })).to.equal(undefined);
      // A waiter gets it once the holder releases.
      const waiting = view.lock('c', { ttlSeconds: 5, waitMs: 2000 });
      await sleep(50);
      await release!();
      const second = await waiting;
      expect(second).to.be.a('function');
      // A holder that never releases (a killed instance) blocks others only for the TTL.
      await second!();
      // Timed from before the holder's lock, which begins its TTL: the wait is at least that.
      const started = Date.now();
      await view.lock('c', { ttlSeconds: 0.3, waitMs: 0 });
      expect(await view.lock('c', { waitMs: 2000 })).to.be.a('function');
      expect(Date.now() - started).to.be.within(100, 1500);
    });
  });
}

describe('SqlStore beside the service\'s own transactions', function () {
  this.timeout(20_000);
  let tdb: TestDatabase;
  let db: Database;
  let store: SqlStore;
  before(async () => {
    tdb = await createTestDatabase();
    db = await openDatabase(tdb.url);
    await migrateUp(db);
    store = new SqlStore(db);
  });
  after(async () => {
    await store.close();
    await db.close();
    await tdb.drop();
  });

  // On SQLite a transaction holds the file's one write lock on a connection of its own, and the
  // store's one-statement writes run outside transactions: they wait their turn, never fail busy.
  it('writes while a transaction holds the write lock, and every write lands', async () => {
    const k = `k:${randomBytes(6).toString('hex')}`;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const transaction = db.transaction(async (t) => {
      await db.sequelize.query('INSERT INTO shared_state (state_key, state_value, expires_at) VALUES (?, ?, ?)', { replacements: [`${k}:tx`, 'tx', Date.now() + 60_000], transaction: t });
      await held;
    });
    const writes = Promise.all([store.set(`${k}:set`, 'a', 60), store.add(`${k}:add`, 'b', 60), store.delete(`${k}:tx`), store.sweep()]);
    await sleep(200);
    release();
    await transaction;
    const [, added, deleted] = await writes;
    expect(added).to.equal(true);
    // The delete came after the transaction had committed its row.
    expect(deleted).to.equal(true);
    expect(await store.get(`${k}:set`)).to.equal('a');
    expect(await store.get(`${k}:add`)).to.equal('b');
    expect(await store.get(`${k}:tx`)).to.equal(undefined);
  });
});
