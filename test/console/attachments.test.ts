// A citizen's photos, voice and videos on the tip page: fetched from WeChat's temporary media (the
// local fake API) or the copy kept of it, for staff who may see the tip, never cached. A photo is
// served only as the image its bytes are; a voice or video is a download, a voice also plays in the
// page as WAV, each opening logged on the tip; an anonymous reporter's only for identity-entitled staff.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission } from '../tips/helpers.js';
import { imageTypeOf, recordingTypeOf } from '../../src/staff/pages/attachments.js';

describe('console: attachments', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  it('shows a photo to staff who may see the tip, and nothing else', async () => {
    ctx.fakeWechat.setMedia('not-an-image', { contentType: 'image/jpeg', data: Buffer.from('<html><script>alert(1)</script></html>') });
    const { code } = await ctx.services.tips.desk.submit(submission({
      attachments: [
        { type: 'image', mediaId: 'fake-media' },
        { type: 'image', mediaId: 'expired-media' },
        { type: 'voice', mediaId: 'some-voice' },
        { type: 'image', mediaId: 'not-an-image' },
      ],
    }));
    await ctx.services.tips.idle();
    const { agent } = await staffAgent(ctx, { username: 'clerk-a', role: 'triage' });
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain(`src="/staff/tips/${code}/attachments/1"`).and.not.contain(`src="/staff/tips/${code}/attachments/3"`);
    // WeChat has no such voice: the copy failed, and the page offers no link that would answer 404.
    expect(page.text).to.not.contain(`href="/staff/tips/${code}/attachments/3"`);
    expect(page.text).to.contain('语音 3');

    const photo = await agent.get(`/staff/tips/${code}/attachments/1`).expect(200);
    expect(photo.type).to.equal('image/jpeg');
    expect(photo.headers['cache-control']).to.equal('no-store');
    expect(photo.headers['x-content-type-options']).to.equal('nosniff');

    const expired = await agent.get(`/staff/tips/${code}/attachments/2`).set('Accept', 'text/html').expect(404);
    expect(expired.text).to.contain('微信临时素材只保存3天');
    await agent.get(`/staff/tips/${code}/attachments/3`).expect(404);
    const disguised = await agent.get(`/staff/tips/${code}/attachments/4`).expect(404);
    expect(disguised.type).to.not.equal('image/jpeg');
    await agent.get(`/staff/tips/${code}/attachments/0`).expect(404);
    await agent.get(`/staff/tips/${code}/attachments/99`).expect(404);

    // A county officer elsewhere may not see the tip, so not its photos either.
    const { agent: other } = await staffAgent(ctx, { username: 'shaxian-b', role: 'county', countyCode: '350405' });
    await other.get(`/staff/tips/${code}/attachments/1`).expect(404);
  });

  it('knows an image by its bytes', () => {
    expect(imageTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).to.equal('image/png');
    expect(imageTypeOf(Buffer.from('GIF89a....'))).to.equal('image/gif');
    expect(imageTypeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).to.equal('image/webp');
    expect(imageTypeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).to.equal(undefined);
  });

  it('gives a voice and a video as downloads, each logged on the tip before it is sent, and says what is kept', async () => {
    const AMR = Buffer.from('#!AMR\n a citizen speaking');
    const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42 a citizen filming')]);
    ctx.fakeWechat.setMedia('dl-voice', { contentType: 'audio/amr', data: AMR });
    ctx.fakeWechat.setVideo('dl-video', { contentType: 'video/mp4', data: MP4 });
    const { code } = await ctx.services.tips.desk.submit(submission({
      attachments: [{ type: 'voice', mediaId: 'dl-voice' }, { type: 'video', mediaId: 'dl-video' }, { type: 'voice', mediaId: 'gone-voice' }],
    }));
    await ctx.services.tips.idle();
    const { agent } = await staffAgent(ctx, { username: 'clerk-d', role: 'triage' });
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain(`href="/staff/tips/${code}/attachments/1/listen" target="_blank" rel="noopener" data-listen>收听语音 1</a>`);
    expect(page.text).to.contain(`href="/staff/tips/${code}/attachments/1" download>下载</a>`);
    expect(page.text).to.contain(`href="/staff/tips/${code}/attachments/2" download>下载视频 2</a>`);
    expect(page.text.match(/· 已保存/g)).to.have.length(2);
    expect(page.text).to.contain('· 未能保存');
    expect(page.text).to.not.contain('打开群众的语音或视频');

    // WeChat has forgotten them: the kept copies are what is served.
    ctx.fakeWechat.setMedia('dl-voice', { contentType: 'audio/amr', data: Buffer.from('expired') });
    ctx.fakeWechat.setMedia('dl-video', { contentType: 'video/mp4', data: Buffer.from('expired') });
    const voice = await agent.get(`/staff/tips/${code}/attachments/1`).buffer(true).expect(200);
    expect(voice.type).to.equal('audio/amr');
    expect(voice.headers['content-disposition']).to.equal(`attachment; filename="${code}-1.amr"`);
    expect(voice.headers['cache-control']).to.equal('no-store');
    expect(Buffer.from(voice.body as Buffer).equals(AMR)).to.equal(true);
    const video = await agent.get(`/staff/tips/${code}/attachments/2`).buffer(true).expect(200);
    expect(video.type).to.equal('video/mp4');
    expect(video.headers['content-disposition']).to.equal(`attachment; filename="${code}-2.mp4"`);
    expect(Buffer.from(video.body as Buffer).equals(MP4)).to.equal(true);
    await agent.get(`/staff/tips/${code}/attachments/3`).expect(404);

    // Staff who may not see the tip get nothing, and nothing is logged for them.
    const { agent: other } = await staffAgent(ctx, { username: 'shaxian-d', role: 'county', countyCode: '350405' });
    await other.get(`/staff/tips/${code}/attachments/1`).expect(404);

    const [events] = await ctx.services.db.sequelize.query(
      "SELECT e.note, e.actor_name FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'media_opened' ORDER BY e.id",
      { replacements: [code] },
    ) as [Array<{ note: string; actor_name: string }>, unknown];
    expect(events.map((e) => e.note)).to.deep.equal(['附件 1（语音，下载）', '附件 2（视频，下载）']);
    const after = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(after.text.match(/打开群众的语音或视频/g)).to.have.length(2);
  });

  it('plays a voice in the page as WAV, logged as listened to; one it cannot decode is refused plainly and not logged', async () => {
    const VOICE = readFileSync(new URL('../fixtures/media/voice-zh.amr', import.meta.url));
    ctx.fakeWechat.setMedia('ls-voice', { contentType: 'audio/amr', data: VOICE });
    ctx.fakeWechat.setMedia('ls-broken', { contentType: 'audio/amr', data: Buffer.from('#!AMR\n not really a voice') });
    ctx.fakeWechat.setVideo('ls-video', { contentType: 'video/mp4', data: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42 x')]) });
    const { code } = await ctx.services.tips.desk.submit(submission({
      attachments: [{ type: 'voice', mediaId: 'ls-voice' }, { type: 'voice', mediaId: 'ls-broken' }, { type: 'video', mediaId: 'ls-video' }],
    }));
    await ctx.services.tips.idle();
    const { agent } = await staffAgent(ctx, { username: 'clerk-l', role: 'triage' });
    const wav = await agent.get(`/staff/tips/${code}/attachments/1/listen`).buffer(true).expect(200);
    expect(wav.type).to.equal('audio/wav');
    expect(wav.headers['content-disposition']).to.equal(`inline; filename="${code}-1.wav"`);
    expect(wav.headers['cache-control']).to.equal('no-store');
    const body = Buffer.from(wav.body as Buffer);
    expect(body.toString('latin1', 0, 4)).to.equal('RIFF');
    expect((body.length - 44) / 2 / body.readUInt32LE(24)).to.be.within(6.0, 6.2);
    const broken = await agent.get(`/staff/tips/${code}/attachments/2/listen`).set('Accept', 'text/html').expect(415);
    expect(broken.text).to.contain('请点「下载」后用电脑上的播放器打开');
    await agent.get(`/staff/tips/${code}/attachments/3/listen`).expect(404);

    const [events] = await ctx.services.db.sequelize.query(
      "SELECT e.note FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'media_opened' ORDER BY e.id",
      { replacements: [code] },
    ) as [Array<{ note: string }>, unknown];
    expect(events.map((e) => e.note)).to.deep.equal(['附件 1（语音，在网页上收听）']);
  });

  it('opens an anonymous reporter\'s voice and video only for staff entitled to identities, and says why to the others', async () => {
    ctx.fakeWechat.setMedia('anon-voice-1', { contentType: 'audio/amr', data: readFileSync(new URL('../fixtures/media/voice-zh.amr', import.meta.url)) });
    const { code } = await ctx.services.tips.desk.submit(submission({
      contact: { anonymous: true }, place: { countyCode: '350404', text: '列东街道' },
      attachments: [{ type: 'voice', mediaId: 'anon-voice-1' }, { type: 'image', mediaId: 'fake-media' }],
    }));
    await ctx.services.tips.idle();
    const { agent: triage } = await staffAgent(ctx, { username: 'clerk-anon', role: 'triage' });
    await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);
    const { agent: county } = await staffAgent(ctx, { username: 'sanyuan-anon', role: 'county', countyCode: '350404' });

    const page = await county.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain('只有市级受理员可以打开');
    expect(page.text).to.not.contain(`/staff/tips/${code}/attachments/1`);
    expect(page.text).to.contain(`src="/staff/tips/${code}/attachments/2"`);
    for (const path of ['', '/listen']) {
      const refused = await county.get(`/staff/tips/${code}/attachments/1${path}`).set('Accept', 'text/html').expect(403);
      expect(refused.text).to.contain('只有市级受理员可以打开');
    }
    await county.get(`/staff/tips/${code}/attachments/2`).expect(200);
    await triage.get(`/staff/tips/${code}/attachments/1/listen`).expect(200);

    const [events] = await ctx.services.db.sequelize.query(
      "SELECT e.actor_name FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'media_opened'",
      { replacements: [code] },
    ) as [Array<{ actor_name: string }>, unknown];
    expect(events).to.have.length(1);
  });

  it('knows a recording by its bytes, and gives anything else as a plain file', () => {
    expect(recordingTypeOf(Buffer.from('#!AMR\n...'))).to.deep.equal({ type: 'audio/amr', ext: 'amr' });
    expect(recordingTypeOf(Buffer.from('#!AMR-WB\n...'))).to.deep.equal({ type: 'audio/amr-wb', ext: 'awb' });
    expect(recordingTypeOf(Buffer.from('\0\0\0\x18ftypisom'))).to.deep.equal({ type: 'video/mp4', ext: 'mp4' });
    expect(recordingTypeOf(Buffer.from('<html><script>alert(1)</script>'))).to.deep.equal({ type: 'application/octet-stream', ext: 'bin' });
  });
});
