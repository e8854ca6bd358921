// Citizens' photos, voice and videos outlive WeChat's 3-day temporary media: each is copied into the
// database after the tip commits (src/tips/media-copy.ts), tried again after a failure, given up
// only when WeChat no longer has it, and the console serves the copy.
import { expect } from 'chai';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { MAX_MEDIA_BYTES, copyDueMedia } from '../../src/tips/media-copy.js';
import { createLogger } from '../../src/platform/logger.js';
import { context, staffAgent, submission } from './helpers.js';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a citizen photo of the spot')]);
const AMR = Buffer.from('#!AMR\n citizen voice');
/** An MP4's first box (`ftyp`), then filler: the copier keeps bytes, it does not decode them. */
const mp4 = (size: number) => {
  const data = Buffer.alloc(size, 0x2e);
  Buffer.from([0, 0, 0, 0x18]).copy(data, 0);
  Buffer.from('ftypmp42').copy(data, 4);
  return data;
};

interface MediaRow { position: number; media_type: string; state: string; attempts: number; last_error: string | null }

describe(`tips: media copied from WeChat (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  const rowsOf = async (code: string): Promise<MediaRow[]> => {
    const [rows] = await ctx.services.db.sequelize.query(
      'SELECT m.position, m.media_type, m.state, m.attempts, m.last_error FROM tip_media m JOIN tips t ON t.id = m.tip_id WHERE t.code = ? ORDER BY m.position',
      { replacements: [code] },
    );
    return (rows as MediaRow[]).map((r) => ({ ...r, position: Number(r.position), attempts: Number(r.attempts) }));
  };
  const mediaGets = (mediaId: string) => ctx.fakeWechat.calls.filter((c) => c.path === '/cgi-bin/media/get' && (c.body as { media_id?: string }).media_id === mediaId).length;

  it('copies each photo, voice and video of a new tip, and the console shows the copy once WeChat has forgotten it', async () => {
    ctx.fakeWechat.setMedia('spot-photo', { contentType: 'image/jpeg', data: JPEG });
    ctx.fakeWechat.setMedia('spot-voice', { contentType: 'audio/amr', data: AMR });
    const VIDEO = mp4(4096);
    ctx.fakeWechat.setVideo('spot-video', { contentType: 'video/mp4', data: VIDEO });
    const { code } = await ctx.services.tips.desk.submit(submission({
      attachments: [
        { type: 'image', mediaId: 'spot-photo' },
        { type: 'voice', mediaId: 'spot-voice' },
        { type: 'video', mediaId: 'spot-video' },
        { type: 'image', mediaId: 'never-ours' },
      ],
    }));
    // The desk starts the copy after the commit; idle() waits for it.
    await ctx.services.tips.idle();
    expect(await rowsOf(code)).to.deep.equal([
      { position: 1, media_type: 'image', state: 'copied', attempts: 1, last_error: null },
      { position: 2, media_type: 'voice', state: 'copied', attempts: 1, last_error: null },
      { position: 3, media_type: 'video', state: 'copied', attempts: 1, last_error: null },
      { position: 4, media_type: 'image', state: 'failed', attempts: 1, last_error: '40007 invalid media_id' },
    ]);
    const [[voice]] = await ctx.services.db.sequelize.query('SELECT data FROM tip_media m JOIN tips t ON t.id = m.tip_id WHERE t.code = ? AND m.position = 2', { replacements: [code] }) as [Array<{ data: Buffer }>, unknown];
    expect(Buffer.from(voice!.data).equals(AMR)).to.equal(true);
    const [[video]] = await ctx.services.db.sequelize.query('SELECT data, content_type FROM tip_media m JOIN tips t ON t.id = m.tip_id WHERE t.code = ? AND m.position = 3', { replacements: [code] }) as [Array<{ data: Buffer; content_type: string }>, unknown];
    expect(Buffer.from(video!.data).equals(VIDEO), 'the video bytes behind the link').to.equal(true);
    expect(video!.content_type).to.equal('video/mp4');

    // Three days later WeChat answers something else (or nothing) for the id: the copy is shown.
    ctx.fakeWechat.setMedia('spot-photo', { contentType: 'image/jpeg', data: Buffer.from('expired') });
    const { agent } = await staffAgent(ctx, { username: 'clerk-m', role: 'triage' });
    const photo = await agent.get(`/staff/tips/${code}/attachments/1`).buffer(true).expect(200);
    expect(photo.type).to.equal('image/jpeg');
    expect(Buffer.from(photo.body as Buffer).equals(JPEG)).to.equal(true);
  });

  it('tries again later after a failure, and each media is fetched once however many copiers run', async () => {
    ctx.fakeWechat.setMedia('busy-photo', { contentType: 'image/jpeg', data: JPEG });
    ctx.fakeWechat.failNext('/cgi-bin/media/get', -1);
    const { code } = await ctx.services.tips.desk.submit(submission({ attachments: [{ type: 'image', mediaId: 'busy-photo' }] }));
    await ctx.services.tips.idle();
    expect((await rowsOf(code))[0]).to.include({ state: 'pending', attempts: 1 });
    expect(mediaGets('busy-photo')).to.equal(1);

    // Not before its time: the next try waits (2 minutes after the first failure).
    const deps = { models: ctx.services.tips.console.reads.repo.models, wechat: ctx.services.wechat, logger: createLogger('silent') };
    expect(await copyDueMedia(deps)).to.equal(0);
    expect(mediaGets('busy-photo')).to.equal(1);

    // Later, three instances at once: one takes the row, the others leave it.
    const later = () => new Date(Date.now() + 3 * 60_000);
    const copied = await Promise.all([1, 2, 3].map(() => copyDueMedia({ ...deps, now: later })));
    expect(copied.reduce((a, b) => a + b, 0)).to.equal(1);
    expect(mediaGets('busy-photo')).to.equal(2);
    expect((await rowsOf(code))[0]).to.include({ state: 'copied', attempts: 2 });
  });

  it('copies the media of tips committed while a copy is running, before idle() resolves', async () => {
    ctx.fakeWechat.setMedia('burst-photo', { contentType: 'image/jpeg', data: JPEG });
    const codes = await Promise.all(Array.from({ length: 12 }, () => ctx.services.tips.desk.submit(submission({ attachments: [{ type: 'image', mediaId: 'burst-photo' }] }))));
    await ctx.services.tips.idle();
    for (const { code } of codes) expect((await rowsOf(code))[0], code).to.include({ state: 'copied' });
  });

  it('never lets a media id WeChat could not have given fail the tip', async () => {
    const { code } = await ctx.services.tips.desk.submit(submission({ attachments: [{ type: 'image', mediaId: 'x'.repeat(300) }] }));
    expect(code).to.match(/^SM/);
    expect(await rowsOf(code)).to.deep.equal([]);
  });

  it('keeps a 10 MB video, WeChat\'s largest, and gives up at once on one too large to keep', async () => {
    const big = mp4(10 * 1024 * 1024);
    ctx.fakeWechat.setVideo('long-video', { contentType: 'video/mp4', data: big });
    ctx.fakeWechat.setVideo('huge-video', { contentType: 'video/mp4', data: mp4(MAX_MEDIA_BYTES + 1) });
    const { code } = await ctx.services.tips.desk.submit(submission({
      attachments: [{ type: 'video', mediaId: 'long-video' }, { type: 'video', mediaId: 'huge-video' }],
    }));
    await ctx.services.tips.idle();
    const rows = await rowsOf(code);
    expect(rows[0]).to.include({ media_type: 'video', state: 'copied', attempts: 1 });
    // Trying again would end the same way: failed at the first try, not after two days of tries.
    expect(rows[1]).to.include({ media_type: 'video', state: 'failed', attempts: 1 });
    expect(rows[1]!.last_error).to.match(/^40009 the video is larger than/);
    const [[kept]] = await ctx.services.db.sequelize.query('SELECT data FROM tip_media m JOIN tips t ON t.id = m.tip_id WHERE t.code = ? AND m.position = 1', { replacements: [code] }) as [Array<{ data: Buffer }>, unknown];
    expect(Buffer.from(kept!.data).equals(big)).to.equal(true);
  });
});
