// The follower import against the fake WeChat API's user/get, on the real database: it pages
// through the list, inserts the followers it did not know (in statements of many rows), brings
// back those marked gone before the run, and after a complete run only marks gone the subscribed
// followers it did not list and has not heard from since it began. Events that arrive during a
// run go through the real webhook and win over the list.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestContext, type TestContext } from '../support/harness.js';
import { recordStatements, usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { createFollowerImport, type FollowerImportReport, type ImportClient } from '../../src/alerts/followers/import.js';
import type { FollowerRow } from '../../src/alerts/followers/models.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';

const USER_GET = '/cgi-bin/user/get';
const SHAXIAN = '350405';
const DAY = 24 * 3600_000;

interface LogLine { level: number; msg: string; [k: string]: unknown }

describe(`alerts: follower import (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let t: TestContext;
  let logs: LogLine[];

  beforeEach(async () => {
    logs = [];
    t = await createTestContext({}, { logLevel: 'info', logSink: { write: (line: string) => { logs.push(JSON.parse(line) as LogLine); } } });
  });
  afterEach(async () => t.close());

  const openids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  const follower = async (openid: string): Promise<FollowerRow | null> => t.services.followers.models.Follower.findOne({ where: { openid } });
  const subscribedOf = async (openid: string) => (await follower(openid))?.subscribed;
  const userGets = () => t.fakeWechat.calls.filter((c) => c.path === USER_GET);

  /** Rows as earlier events left them, a day or more ago. */
  async function known(rows: Array<{ openid: string; subscribed: boolean; county?: string; tagged?: boolean }>): Promise<void> {
    const old = new Date(Date.now() - 2 * DAY);
    const wrote = new Date(Date.now() - DAY);
    await t.services.followers.models.Follower.bulkCreate(rows.map((r) => ({
      openid: r.openid, subscribed: r.subscribed, subscribedAt: old, unsubscribedAt: r.subscribed ? null : wrote,
      countyCode: r.county ?? null, countySource: r.county ? 'asked' : null, countyAt: r.county ? old : null,
      countyAskedAt: null, countyDeclinedAt: null, lastInteractionAt: wrote,
      tagCountyCode: r.subscribed && r.tagged ? (r.county ?? null) : null, tagPending: false, tagSyncedAt: null, tagError: null,
      createdAt: old, updatedAt: old,
    })));
  }

  /** A citizen writing to the account through the webhook, now. */
  const citizen = (openid: string) => new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid });

  /**
   * Starts an import (pages of 3) that holds before asking WeChat for its second page, until the
   * test has sent what happens meanwhile: resolves with the run, to be awaited after `release`.
   */
  async function importHeldAtSecondPage(): Promise<{ running: Promise<FollowerImportReport | null>; release: () => void }> {
    t.fakeWechat.setFollowerPageSize(3);
    let reached!: () => void;
    const atSecond = new Promise<void>((resolve) => { reached = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let calls = 0;
    const client: ImportClient = {
      async userGet(next?: string) {
        calls += 1;
        if (calls === 2) {
          reached();
          await released;
        }
        return t.services.wechat.userGet(next);
      },
    };
    const job = createFollowerImport({ db: t.services.db, models: t.services.followers.models, client, store: t.services.state, logger: createLogger('silent') });
    const running = job.run();
    await atSecond;
    return { running, release };
  }

  it('pages through the list and inserts the followers it did not know: subscribed, county unknown, no interaction', async () => {
    await known([{ openid: 'f00001', subscribed: true, county: SHAXIAN, tagged: true }]);
    const list = openids(7, 'f');
    t.fakeWechat.setFollowers(list);
    t.fakeWechat.setFollowerPageSize(3);
    const report = await t.services.followers.importFollowers();
    expect(report).to.deep.equal({ listed: 7, inserted: 6, resubscribed: 0, unsubscribed: 0, pages: 4, complete: true, stoppedAt: null });
    // Pages of 3, 3, 1; the last names its own last openid, and the page after it is empty.
    expect(userGets().map((c) => c.body)).to.deep.equal([{}, { next_openid: 'f00002' }, { next_openid: 'f00005' }, { next_openid: 'f00006' }]);
    const rows = await t.services.followers.models.Follower.findAll({ order: [['openid', 'ASC']] });
    expect(rows.map((r) => r.openid)).to.deep.equal(list);
    for (const r of rows.filter((x) => x.openid !== 'f00001')) {
      expect(r).to.include({ subscribed: true, countyCode: null, lastInteractionAt: null, tagPending: false, unsubscribedAt: null });
    }
    // A known follower keeps what was known of them.
    expect(await follower('f00001')).to.include({ countyCode: SHAXIAN, tagCountyCode: SHAXIAN });

    // The same list again changes nothing.
    const again = await t.services.followers.importFollowers();
    expect(again).to.include({ listed: 7, inserted: 0, resubscribed: 0, unsubscribed: 0 });
    expect(await t.services.followers.models.Follower.count()).to.equal(7);
    // Counts are logged, never an openid.
    const done = logs.filter((l) => l.msg === 'followers imported');
    expect(done).to.have.length(2);
    expect(done[0]).to.include({ listed: 7, inserted: 6, pages: 4, subscribed: 7 });
    expect(JSON.stringify(logs)).to.not.match(/f0000\d/);
  });

  it('inserts a page of 2,500 followers in statements of at most 1,000 rows', async () => {
    t.fakeWechat.setFollowers(openids(2500, 'big'));
    const statements = await recordStatements(t.services.db.sequelize, () => t.services.followers.importFollowers());
    const inserts = statements.filter((s) => /^\s*INSERT\b/i.test(s) && /followers/.test(s));
    expect(inserts).to.have.length(3);
    expect(statements.filter((s) => /followers/.test(s)).length).to.be.lessThan(15);
    expect(await t.services.followers.models.Follower.count({ where: { subscribed: true } })).to.equal(2500);
  });

  it('brings back a follower marked gone before the run, and the tag sync tags them again with their county', async () => {
    await known([{ openid: 'back', subscribed: false, county: SHAXIAN }, { openid: 'stay', subscribed: true }]);
    t.fakeWechat.setFollowers(['stay', 'back']);
    const report = await t.services.followers.importFollowers();
    expect(report).to.include({ listed: 2, inserted: 0, resubscribed: 1, unsubscribed: 0 });
    const row = await follower('back');
    expect(row).to.include({ subscribed: true, unsubscribedAt: null, tagPending: true, tagCountyCode: null });
    expect(row!.subscribedAt!.getTime()).to.be.greaterThan(Date.now() - 60_000);

    const sync = await t.services.followers.syncTags();
    expect(sync).to.include({ tagged: 1 });
    const tag = t.fakeWechat.tags().find((x) => x.name === '三明-沙县区')!;
    expect(t.fakeWechat.tagMembers(tag.id)).to.deep.equal(['back']);
    expect(await follower('back')).to.include({ tagPending: false, tagCountyCode: SHAXIAN });
  });

  it('an unsubscribe that arrives during the run wins over the list', async () => {
    await known([{ openid: 'a1', subscribed: true }, { openid: 'a2', subscribed: true }, { openid: 'a3', subscribed: true }, { openid: 'leaver', subscribed: true }]);
    t.fakeWechat.setFollowers(['a1', 'a2', 'a3', 'leaver']);
    const { running, release } = await importHeldAtSecondPage();
    // WeChat's list (read after this) still names them.
    const r = await citizen('leaver').send(citizen('leaver').messageXml({ MsgType: 'event', Event: 'unsubscribe' }));
    expect(r.type).to.equal('none');
    expect(await subscribedOf('leaver')).to.equal(false);
    release();
    const report = await running;
    expect(report).to.include({ listed: 4, resubscribed: 0, unsubscribed: 0, complete: true });
    expect(await follower('leaver')).to.include({ subscribed: false });
  });

  it('after a complete run, marks gone the subscribed followers it did not list and has not heard from since it began', async () => {
    await known([
      { openid: 'l1', subscribed: true }, { openid: 'l2', subscribed: true }, { openid: 'l3', subscribed: true },
      { openid: 'gone', subscribed: true, county: SHAXIAN, tagged: true },
      { openid: 'writer', subscribed: true },
      { openid: 'away', subscribed: false },
    ]);
    t.fakeWechat.setFollowers(['l1', 'l2', 'l3']);
    const { running, release } = await importHeldAtSecondPage();
    // During the run: a follower WeChat's list missed writes, and a new one subscribes.
    await citizen('writer').text('帮助');
    await citizen('newcomer').subscribe();
    release();
    const report = await running;
    expect(report).to.include({ listed: 3, inserted: 0, unsubscribed: 1, complete: true });
    const gone = await follower('gone');
    // Unfollowing drops WeChat's tags: nothing is left to untag, nothing to tag.
    expect(gone).to.include({ subscribed: false, tagCountyCode: null, tagPending: false, countyCode: SHAXIAN });
    expect(gone!.unsubscribedAt!.getTime()).to.be.within(Date.now() - 60_000, Date.now());
    expect(await subscribedOf('writer')).to.equal(true);
    expect(await subscribedOf('newcomer')).to.equal(true);
    expect(await subscribedOf('away')).to.equal(false);
    for (const o of ['l1', 'l2', 'l3']) expect(await subscribedOf(o)).to.equal(true);
    // A follower who returns is known at once by their subscribe.
    await citizen('gone').subscribe();
    expect(await subscribedOf('gone')).to.equal(true);
  });

  it('a WeChat error midway keeps what was written and marks nobody gone; the next run finishes', async () => {
    await known([{ openid: 'old', subscribed: true }]);
    t.fakeWechat.setFollowers(openids(7, 'n'));
    t.fakeWechat.setFollowerPageSize(3);
    t.fakeWechat.failAfter(USER_GET, 1, 45009);
    const first = await t.services.followers.importFollowers();
    expect(first).to.deep.equal({ listed: 3, inserted: 3, resubscribed: 0, unsubscribed: 0, pages: 1, complete: false, stoppedAt: { errcode: 45009 } });
    expect(await subscribedOf('old')).to.equal(true);
    expect(await t.services.followers.models.Follower.count({ where: { subscribed: true } })).to.equal(4);
    const warn = logs.find((l) => l.msg.startsWith('follower import stopped at a wechat error'));
    expect(warn).to.include({ errcode: 45009, listed: 3 });
    expect(JSON.stringify(logs)).to.not.match(/n0000\d/);

    const second = await t.services.followers.importFollowers();
    expect(second).to.include({ listed: 7, inserted: 4, unsubscribed: 1, complete: true, stoppedAt: null });
    expect(await subscribedOf('old')).to.equal(false);
  });

  it('two runs at once: in one process they share the run; across instances one runs and the other skips', async () => {
    t.fakeWechat.setFollowers(openids(5, 'c'));
    t.fakeWechat.setFollowerPageSize(2);
    t.fakeWechat.setDelay(USER_GET, 50);
    const [a, b] = await Promise.all([t.services.followers.importFollowers(), t.services.followers.importFollowers()]);
    expect(a).to.deep.equal(b);
    expect(a).to.include({ listed: 5, inserted: 5, pages: 4 });
    expect(userGets()).to.have.length(4);

    // Another instance: its own import on the same database and shared store.
    const other = createFollowerImport({
      db: t.services.db, models: t.services.followers.models, client: t.services.wechat, store: t.services.state, logger: createLogger('silent'),
    });
    const [mine, theirs] = await Promise.all([t.services.followers.importFollowers(), other.run()]);
    expect([mine, theirs].filter((r) => r === null)).to.have.length(1);
    expect([mine, theirs].find((r) => r !== null)).to.include({ listed: 5, inserted: 0, pages: 4 });
    expect(userGets()).to.have.length(8);
    // The lock is given back: the next run goes.
    expect(await other.run()).to.include({ listed: 5, complete: true });
  });

  it('npm run followers:import runs one import and says what it did', async () => {
    t.fakeWechat.setFollowers(openids(4, 'cli'));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/followers-import.ts'], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.database.url, WECHAT_API_BASE: t.fakeWechat.baseUrl },
    });
    expect(stdout).to.contain('followers imported: listed 4, new 4');
    expect(await t.services.followers.models.Follower.count({ where: { subscribed: true } })).to.equal(4);
  });

  it('alerts.followerImportHours: 0 turns the timer off; a negative value is refused', async () => {
    expect((await loadConfig()).alerts.followerImportHours).to.equal(0);
    expect((await loadConfig({ alerts: { followerImportHours: 24 } })).alerts.followerImportHours).to.equal(24);
    const refused = await loadConfig({ alerts: { followerImportHours: -1 } }).catch((e: unknown) => e);
    expect(String(refused)).to.contain('alerts.followerImportHours');
  });
});
