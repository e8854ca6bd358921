// County tags on WeChat, against the fake API: the sync creates each county's tag once, tags
// followers in calls of at most 50 openids, untags the old county when a county changes, skips
// unsubscribed followers, and after a WeChat error retries only what is left (state in the DB,
// so a new module instance on the same database goes on where the last stopped).
import { expect } from 'chai';
import { createTestContext, type TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import type { FakeCall } from '../support/fake-wechat-api.js';
import { createFollowersModule } from '../../src/alerts/followers/index.js';
import { createLogger } from '../../src/platform/logger.js';

const SHAXIAN = '350405';
const YONGAN = '350481';
const SANYUAN = '350404';
const TAGGING = '/cgi-bin/tags/members/batchtagging';
const UNTAGGING = '/cgi-bin/tags/members/batchuntagging';

interface TagCallBody { openid_list: string[]; tagid: number }

describe(`alerts: county tags (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let t: TestContext;

  beforeEach(async () => { t = await createTestContext(); });
  afterEach(async () => t.close());

  /** Followers inserted directly, as the registry leaves them: subscribed, county known, tag pending. */
  async function followers(county: string, n: number, prefix: string, subscribed = true): Promise<string[]> {
    const now = new Date();
    const openids = Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(3, '0')}`);
    await t.services.followers.models.Follower.bulkCreate(openids.map((openid) => ({
      openid, subscribed, subscribedAt: now, unsubscribedAt: null, countyCode: county, countySource: 'asked', countyAt: now,
      countyAskedAt: now, countyDeclinedAt: null, lastInteractionAt: now, tagCountyCode: null, tagPending: subscribed,
      tagSyncedAt: null, tagError: null, createdAt: now, updatedAt: now,
    })));
    return openids;
  }
  const callsTo = (path: string): FakeCall[] => t.fakeWechat.calls.filter((c) => c.path === path);
  const bodies = (path: string) => callsTo(path).map((c) => c.body as TagCallBody);
  const tagIdOf = (name: string) => t.fakeWechat.tags().find((x) => x.name === name)?.id;

  it('creates the tags and tags 120 followers of three counties in calls of at most 50; unsubscribed followers are skipped', async () => {
    const sha = await followers(SHAXIAN, 60, 'sha');
    const yong = await followers(YONGAN, 40, 'yong');
    const san = await followers(SANYUAN, 20, 'san');
    const gone = await followers(SHAXIAN, 5, 'gone', false);

    const report = await t.services.followers.syncTags();
    expect(report).to.include({ tagged: 120, untagged: 0, refused: 0, stoppedAt: null });
    expect(report!.created).to.have.members(['三明-沙县区', '三明-永安市', '三明-三元区']);

    const calls = bodies(TAGGING);
    expect(calls.map((c) => c.openid_list.length).sort((a, b) => a - b)).to.deep.equal([10, 20, 40, 50]);
    expect(calls.every((c) => c.openid_list.length <= 50)).to.equal(true);
    const shaTag = tagIdOf('三明-沙县区')!;
    expect(t.fakeWechat.tagMembers(shaTag)).to.have.members(sha);
    expect(t.fakeWechat.tagMembers(tagIdOf('三明-永安市')!)).to.have.members(yong);
    expect(t.fakeWechat.tagMembers(tagIdOf('三明-三元区')!)).to.have.members(san);
    for (const openid of gone) expect(t.fakeWechat.tagsOf(openid)).to.deep.equal([]);

    const rows = await t.services.followers.models.Follower.findAll({ where: { subscribed: true } });
    expect(rows.every((r) => !r.tagPending && r.tagCountyCode === r.countyCode)).to.equal(true);
    const remembered = await t.services.followers.models.CountyTag.findAll();
    expect(remembered.map((r) => [r.countyCode, r.tagId])).to.have.deep.members([[SHAXIAN, shaTag], [YONGAN, tagIdOf('三明-永安市')], [SANYUAN, tagIdOf('三明-三元区')]]);

    // Nothing pending: the next run calls nothing and creates nothing.
    const before = t.fakeWechat.calls.length;
    const again = await t.services.followers.syncTags();
    expect(again).to.include({ tagged: 0, calls: 0 });
    expect(t.fakeWechat.calls.slice(before).filter((c) => c.path.startsWith('/cgi-bin/tags'))).to.deep.equal([]);
  });

  it('a county change untags the old county\'s tag, then tags the new one', async () => {
    const [openid] = await followers(SHAXIAN, 1, 'mover');
    await t.services.followers.syncTags();
    const shaTag = tagIdOf('三明-沙县区')!;
    expect(t.fakeWechat.tagsOf(openid!)).to.deep.equal([shaTag]);

    const kept = await t.services.followers.registry.countyLearned({ channel: 'official_account', id: openid! }, YONGAN, 'asked', new Date());
    expect(kept).to.equal(true);
    const report = await t.services.followers.syncTags();
    expect(report).to.include({ tagged: 1, untagged: 1 });
    expect(bodies(UNTAGGING)).to.deep.equal([{ openid_list: [openid], tagid: shaTag }]);
    expect(t.fakeWechat.tagsOf(openid!)).to.deep.equal([tagIdOf('三明-永安市')]);
    const row = await t.services.followers.models.Follower.findOne({ where: { openid: openid! } });
    expect(row).to.include({ tagCountyCode: YONGAN, tagPending: false });
  });

  it('a WeChat failure midway leaves the rest for the next run, which (in a new instance) does only what is left', async () => {
    await followers(SHAXIAN, 60, 'a');
    await followers(YONGAN, 40, 'b');
    await followers(SANYUAN, 20, 'c');
    // The first batch call succeeds, the second fails as WeChat being busy.
    t.fakeWechat.failAfter(TAGGING, 1, -1);
    const first = await t.services.followers.syncTags();
    expect(first!.stoppedAt).to.deep.equal({ errcode: -1 });
    expect(first!.tagged).to.equal(50);
    const done = new Set(bodies(TAGGING)[0]!.openid_list);
    const pending = await t.services.followers.models.Follower.count({ where: { tagPending: true } });
    expect(pending).to.equal(70);

    // A restart: a new module on the same database, with the tag ids remembered there.
    const restarted = createFollowersModule({
      db: t.services.db, logger: createLogger('silent'), client: t.services.wechat, hashId: (id) => id,
    });
    const callsBefore = callsTo(TAGGING).length;
    const second = await restarted.syncTags();
    expect(second).to.include({ tagged: 70, stoppedAt: null });
    const retried = bodies(TAGGING).slice(callsBefore);
    // The failed call is counted by the fake too; what follows names no follower tagged before.
    const openids = retried.flatMap((c) => c.openid_list);
    expect(openids).to.have.length(70);
    expect(openids.filter((o) => done.has(o))).to.deep.equal([]);
    expect(callsTo('/cgi-bin/tags/create')).to.have.length(3);
    expect(await t.services.followers.models.Follower.count({ where: { tagPending: true } })).to.equal(0);
  });

  it('a tag whose creation answer was lost is found by its name, not made twice', async () => {
    await followers(SHAXIAN, 3, 'lost');
    const made = await t.services.wechat.tagsCreate('三明-沙县区');
    const report = await t.services.followers.syncTags();
    expect(report).to.include({ tagged: 3, stoppedAt: null });
    expect(report!.created).to.deep.equal([]);
    expect(t.fakeWechat.tags().filter((x) => x.name === '三明-沙县区')).to.have.length(1);
    expect((await t.services.followers.models.CountyTag.findByPk(SHAXIAN))!.tagId).to.equal(made.id);
  });

  it('a follower WeChat refuses alone does not hold up the batch', async () => {
    const openids = await followers(SHAXIAN, 10, 'bad');
    // An empty openid in the list makes the fake answer 40003 for the whole call, as WeChat does.
    await t.services.followers.models.Follower.update({ openid: '' }, { where: { openid: openids[4]! } });
    const report = await t.services.followers.syncTags();
    expect(report).to.include({ tagged: 9, refused: 1, stoppedAt: null });
    const bad = await t.services.followers.models.Follower.findOne({ where: { openid: '' } });
    expect(bad).to.include({ tagPending: false, tagError: 'wechat 40003' });
  });
});
