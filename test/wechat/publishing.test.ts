import { expect } from 'chai';
import { WechatClient, type DraftArticle, type UploadFile } from '../../src/wechat/index.js';
import type { FakeWechatApi } from '../support/fake-wechat-api.js';
import { fakeClient, rejection } from './fake-client.js';

const APP_ID = 'wx-publish-app';
const SECRET = 'publish-secret';

const jpeg = (size = 64): Buffer => {
  const b = Buffer.alloc(size, 0x11);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  b.set([0xff, 0xd9], size - 2);
  return b;
};
const png = (size = 64): Buffer => {
  const b = Buffer.alloc(size, 0x22);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return b;
};
const jpegFile = (size?: number): UploadFile => ({ data: jpeg(size), filename: 'photo.jpg', contentType: 'image/jpeg' });

describe('wechat/client publishing: images, drafts, freepublish, mass send', () => {
  let api: FakeWechatApi;
  let client: WechatClient;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2025, 2, 10, 2, 0, 0); // 10:00 in Sanming
    ({ api, client } = await fakeClient({ appId: APP_ID, appSecret: SECRET, now: () => clock }));
  });
  afterEach(() => api.close());

  const callsTo = (path: string) => api.calls.filter((c) => c.path === path);

  async function cover(): Promise<string> {
    return (await client.materialAddImage({ data: png(), filename: 'cover.png', contentType: 'image/png' })).mediaId;
  }
  const article = (thumb: string, extra: Partial<DraftArticle> = {}): DraftArticle => ({
    title: '警惕“刷单返利”骗局',
    author: '三明市委政法委',
    digest: '刷单就是诈骗',
    content: '<p>凡是要求先垫付的刷单都是诈骗。</p>',
    content_source_url: 'https://example.test/articles/shuadan',
    thumb_media_id: thumb,
    need_open_comment: 0,
    only_fans_can_comment: 0,
    ...extra,
  });

  describe('mediaUploadImg', () => {
    it('uploads a jpg as multipart `media` and returns an mmbiz.qpic.cn url the fake keeps', async () => {
      const file = jpegFile(2048);
      const { url } = await client.mediaUploadImg(file);
      expect(url).to.match(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_jpg\/\w+\/0$/);
      expect(api.uploadedImage(url)?.data.equals(file.data)).to.equal(true);
      expect(api.uploadedImage(url)?.contentType).to.equal('image/jpeg');
      expect(callsTo('/cgi-bin/media/uploadimg')[0]?.body).to.deep.equal({
        media: { filename: 'photo.jpg', contentType: 'image/jpeg', size: 2048 },
      });
    });

    it('accepts a png of exactly 1 MiB', async () => {
      const { url } = await client.mediaUploadImg({ data: png(1024 * 1024), filename: 'a.PNG', contentType: 'image/png' });
      expect(url).to.contain('mmbiz_png');
    });

    it('refuses locally, sending nothing: over 1 MiB, empty, gif, bytes not an image, wrong extension or type', async () => {
      const cases: Array<[UploadFile, number, RegExp]> = [
        [jpegFile(1024 * 1024 + 1), 40009, /1048577 bytes/],
        [{ data: Buffer.alloc(0), filename: 'a.jpg', contentType: 'image/jpeg' }, 40009, /empty/],
        [{ data: Buffer.from('GIF89a......'), filename: 'a.gif', contentType: 'image/gif' }, 40005, /jpeg\/png/],
        [{ data: Buffer.from('<svg/>'), filename: 'a.jpg', contentType: 'image/jpeg' }, 40005, /not a jpeg\/png image/],
        [{ data: jpeg(), filename: 'a.png', contentType: 'image/jpeg' }, 40005, /\.jpg or \.jpeg/],
        [{ data: jpeg(), filename: 'noext', contentType: 'image/jpeg' }, 40005, /filename/],
        [{ data: png(), filename: 'a.png', contentType: 'image/jpeg' }, 40005, /image\/png/],
      ];
      for (const [file, errcode, why] of cases) {
        const e = await rejection(client.mediaUploadImg(file));
        expect(e.errcode, file.filename).to.equal(errcode);
        expect(e.local).to.equal(true);
        expect(e.errmsg).to.match(why);
        expect(e.message).to.contain('refused locally');
      }
      expect(api.calls).to.have.length(0);
    });

    it('the fake itself refuses what WeChat refuses (for callers that bypass the client)', async () => {
      const token = await client.getAccessToken();
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(jpeg(1024 * 1024 + 10))], { type: 'image/jpeg' }), 'big.jpg');
      const res = await fetch(`${api.baseUrl}/cgi-bin/media/uploadimg?access_token=${token}`, { method: 'POST', body: form });
      expect(await res.json()).to.deep.include({ errcode: 40009 });
    });
  });

  describe('materialAddImage', () => {
    it('stores a permanent image and returns its media_id and url', async () => {
      const { mediaId, url } = await client.materialAddImage({ data: png(), filename: 'cover.png', contentType: 'image/png' });
      expect(mediaId).to.have.length.greaterThan(10);
      expect(url).to.match(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_png\/\w+\/0\?wx_fmt=png$/);
      expect(api.material(mediaId)?.filename).to.equal('cover.png');
      expect(callsTo('/cgi-bin/material/add_material')[0]?.body).to.deep.include({ type: 'image' });
    });

    it('takes gif but refuses over 10 MiB locally', async () => {
      const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(20)]);
      expect((await client.materialAddImage({ data: gif, filename: 'c.gif', contentType: 'image/gif' })).mediaId).to.be.a('string');
      const e = await rejection(client.materialAddImage(jpegFile(10 * 1024 * 1024 + 1)));
      expect(e).to.include({ errcode: 40009, local: true, path: '/cgi-bin/material/add_material' });
    });
  });

  describe('draftAdd / draftDelete', () => {
    it('creates a draft with the posted fields and deletes it', async () => {
      const thumb = await cover();
      const { mediaId } = await client.draftAdd([article(thumb), article(thumb, { title: '第二篇', need_open_comment: 1 })]);
      const draft = api.draft(mediaId);
      expect(draft).to.have.length(2);
      expect(draft?.[0]).to.deep.equal(article(thumb));
      expect(draft?.[1]).to.include({ title: '第二篇', need_open_comment: 1 });
      await client.draftDelete(mediaId);
      expect(api.draft(mediaId)).to.equal(undefined);
      const again = await rejection(client.draftDelete(mediaId));
      expect(again).to.include({ errcode: 40007, local: false, path: '/cgi-bin/draft/delete' });
    });

    it('a cover that is not a permanent material is 40007', async () => {
      const e = await rejection(client.draftAdd([article('no-such-material')]));
      expect(e.errcode).to.equal(40007);
      expect(api.draftCount).to.equal(0);
    });

    it('refuses no article or more than 8 locally', async () => {
      expect(await rejection(client.draftAdd([]))).to.include({ errcode: 44003, local: true });
      const nine = Array.from({ length: 9 }, () => article('x'));
      expect(await rejection(client.draftAdd(nine))).to.include({ errcode: 45008, local: true });
      expect(api.calls).to.have.length(0);
    });

    it('failNext on draft/add fails that call only; the retry makes exactly one draft', async () => {
      const thumb = await cover();
      api.failNext('/cgi-bin/draft/add', 45009);
      const e = await rejection(client.draftAdd([article(thumb)]));
      expect(e).to.include({ errcode: 45009, path: '/cgi-bin/draft/add' });
      expect(api.draftCount).to.equal(0);
      const { mediaId } = await client.draftAdd([article(thumb)]);
      expect(api.draftCount).to.equal(1);
      expect(api.draft(mediaId)).to.have.length(1);
      expect(callsTo('/cgi-bin/draft/add')).to.have.length(2);
    });
  });

  it('a token that expires mid-sequence is refreshed once and no step is repeated', async () => {
    const { url } = await client.mediaUploadImg(jpegFile());
    api.expireCurrentToken();
    const thumb = await cover(); // a multipart body is rebuilt for the retry
    api.expireCurrentToken();
    const { mediaId } = await client.draftAdd([article(thumb, { content: `<p><img src="${url}"></p>` })]);
    api.expireCurrentToken();
    const { publishId } = await client.freepublishSubmit(mediaId);
    expect(api.tokensIssued).to.equal(4);
    expect(api.draftCount).to.equal(1);
    expect(api.material(thumb)?.data.length).to.equal(64);
    // Each expiry costs one refused call (40001) and one retry, never a second success.
    expect(callsTo('/cgi-bin/material/add_material')).to.have.length(2);
    expect(callsTo('/cgi-bin/draft/add')).to.have.length(2);
    expect(callsTo('/cgi-bin/freepublish/submit')).to.have.length(2);
    expect(callsTo('/cgi-bin/media/uploadimg')).to.have.length(1);
    expect(publishId).to.match(/^\d+$/);
  });

  describe('freepublishSubmit / freepublishGet', () => {
    it('goes publishing (1) then success (0) with the article id and one url per article', async () => {
      const thumb = await cover();
      const { mediaId } = await client.draftAdd([article(thumb), article(thumb, { title: '二' })]);
      const submitted = await client.freepublishSubmit(mediaId);
      expect(submitted.publishId).to.match(/^\d+$/);
      expect(submitted.msgDataId).to.match(/^\d+$/);
      expect(callsTo('/cgi-bin/freepublish/submit')[0]?.body).to.deep.equal({ media_id: mediaId });

      expect(await client.freepublishGet(submitted.publishId)).to.deep.equal({ publishId: submitted.publishId, status: 1 });
      const done = await client.freepublishGet(submitted.publishId);
      if (done.status !== 0) throw new Error(`expected success, got ${done.status}`);
      expect(done.articleId).to.be.a('string').and.not.empty;
      expect(done.articles.map((a) => a.idx)).to.deep.equal([1, 2]);
      for (const a of done.articles) expect(a.url).to.match(/^https:\/\/mp\.weixin\.qq\.com\/s\//);
      expect(await client.freepublishGet(submitted.publishId)).to.deep.equal(done);
    });

    it('reports failures (2, 3, 4 with fail_idx) and deletion or ban after success (5, 6)', async () => {
      const thumb = await cover();
      const { mediaId } = await client.draftAdd([article(thumb)]);
      api.setNextPublishOutcome({ polls: 0, status: 4, failIdx: [1] });
      api.setNextPublishOutcome({ polls: 2, status: 3 });
      const audit = await client.freepublishSubmit(mediaId);
      const plain = await client.freepublishSubmit(mediaId);
      expect(await client.freepublishGet(audit.publishId)).to.deep.equal({ publishId: audit.publishId, status: 4, failIdx: [1] });
      expect((await client.freepublishGet(plain.publishId)).status).to.equal(1);
      expect((await client.freepublishGet(plain.publishId)).status).to.equal(1);
      expect(await client.freepublishGet(plain.publishId)).to.deep.equal({ publishId: plain.publishId, status: 3, failIdx: [] });

      const ok = await client.freepublishSubmit(mediaId);
      await client.freepublishGet(ok.publishId);
      const success = await client.freepublishGet(ok.publishId);
      expect(success.status).to.equal(0);
      api.setPublishStatus(ok.publishId, 6);
      const banned = await client.freepublishGet(ok.publishId);
      expect(banned.status).to.equal(6);
      if (banned.status === 6 && success.status === 0) expect(banned.articleId).to.equal(success.articleId);
    });

    it('an unknown draft or publish id is a WechatApiError', async () => {
      expect((await rejection(client.freepublishSubmit('nope'))).errcode).to.equal(40007);
      expect((await rejection(client.freepublishGet('123'))).errcode).to.equal(40007);
    });
  });

  describe('massSendAllByTag / massGet', () => {
    async function tagWith(openids: string[]): Promise<number> {
      const { id } = await client.tagsCreate('三元区');
      await client.tagsMembersBatchTagging(id, openids);
      return id;
    }

    it('sends a draft to a tag, then the day quota (1) answers 45028 until the next China day', async () => {
      const tagId = await tagWith(['o1', 'o2']);
      const { mediaId } = await client.draftAdd([article(await cover())]);
      const sent = await client.massSendAllByTag({ tagId, mpnewsMediaId: mediaId });
      expect(sent.msgId).to.match(/^\d+$/);
      expect(sent.msgDataId).to.match(/^\d+$/);
      expect(sent.duplicate).to.equal(false);
      expect(callsTo('/cgi-bin/message/mass/sendall')[0]?.body).to.deep.equal({
        filter: { is_to_all: false, tag_id: tagId },
        msgtype: 'mpnews',
        mpnews: { media_id: mediaId },
        send_ignore_reprint: 0,
      });
      expect(api.massSends[0]).to.deep.include({ msgId: sent.msgId, to: tagId, msgtype: 'mpnews', recipients: ['o1', 'o2'] });
      expect(api.massQuotaLeftToday()).to.equal(0);

      const spent = await rejection(client.massSendAllByTag({ isToAll: true, text: '今日反诈提醒' }));
      expect(spent).to.include({ errcode: 45028, local: false, path: '/cgi-bin/message/mass/sendall' });
      expect(spent.errmsg).to.contain('has no masssend quota');

      clock += 14 * 3600_000; // 00:00 next day in China
      const next = await client.massSendAllByTag({ isToAll: true, text: '今日反诈提醒' });
      expect(callsTo('/cgi-bin/message/mass/sendall').at(-1)?.body).to.deep.equal({
        filter: { is_to_all: true },
        msgtype: 'text',
        text: { content: '今日反诈提醒' },
      });
      expect(api.massSends[1]).to.deep.include({ msgId: next.msgId, to: 'all', content: '今日反诈提醒' });
      expect(api.massSends[1]?.recipients).to.equal(undefined);
    });

    it('a quota can be configured (e.g. a service account with more)', async () => {
      api.setMassQuota(3);
      for (let i = 0; i < 3; i++) await client.massSendAllByTag({ isToAll: true, text: `第${i}条` });
      expect((await rejection(client.massSendAllByTag({ isToAll: true, text: 'x' }))).errcode).to.equal(45028);
      const configured = await fakeClient({ appId: APP_ID, appSecret: SECRET, massQuotaPerDay: 0 });
      try {
        expect((await rejection(configured.client.massSendAllByTag({ isToAll: true, text: 'x' }))).errcode).to.equal(45028);
      } finally {
        await configured.api.close();
      }
    });

    it('a repeated clientMsgId returns the first send as a duplicate and uses no quota', async () => {
      api.setMassQuota(2);
      const first = await client.massSendAllByTag({ isToAll: true, text: '预警', clientMsgId: 'alert-7' });
      const again = await client.massSendAllByTag({ isToAll: true, text: '预警', clientMsgId: 'alert-7' });
      expect(again).to.deep.equal({ msgId: first.msgId, duplicate: true });
      expect(api.massSends).to.have.length(1);
      expect(api.massQuotaLeftToday()).to.equal(1);
      expect(callsTo('/cgi-bin/message/mass/sendall')[0]?.body).to.deep.include({ clientmsgid: 'alert-7' });
    });

    it('failNext on sendall, then a retry that goes through', async () => {
      api.failNext('/cgi-bin/message/mass/sendall', -1);
      expect((await rejection(client.massSendAllByTag({ isToAll: true, text: 'x' }))).errcode).to.equal(-1);
      expect(api.massQuotaLeftToday()).to.equal(1);
      await client.massSendAllByTag({ isToAll: true, text: 'x' });
      expect(api.massSends).to.have.length(1);
    });

    it('refuses an unknown tag or draft', async () => {
      expect((await rejection(client.massSendAllByTag({ tagId: 999, text: 'x' }))).errcode).to.equal(40050);
      expect((await rejection(client.massSendAllByTag({ isToAll: true, mpnewsMediaId: 'nope' }))).errcode).to.equal(40007);
      expect(api.massQuotaLeftToday()).to.equal(1);
    });

    it('massGet reports the status, SEND_SUCCESS unless the fake is told otherwise', async () => {
      const { msgId } = await client.massSendAllByTag({ isToAll: true, text: 'x' });
      expect(await client.massGet(msgId)).to.deep.equal({ msgId, status: 'SEND_SUCCESS' });
      api.setMassStatus(msgId, 'SEND_FAIL');
      expect((await client.massGet(msgId)).status).to.equal('SEND_FAIL');
      expect(callsTo('/cgi-bin/message/mass/get')[0]?.body).to.deep.equal({ msg_id: msgId });
      expect((await rejection(client.massGet('42'))).errcode).to.equal(40007);
    });
  });
});
