// A citizen's photos on the tip page: fetched from WeChat's temporary media (the local fake API),
// for staff who may see the tip, served only as the image their bytes are, never cached.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission } from '../tips/helpers.js';
import { imageTypeOf } from '../../src/staff/pages/attachments.js';

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
    const { agent } = await staffAgent(ctx, { username: 'clerk-a', role: 'triage' });
    const page = await agent.get(`/staff/tips/${code}`).expect(200);
    expect(page.text).to.contain(`src="/staff/tips/${code}/attachments/1"`).and.not.contain(`attachments/3"`);

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
});
