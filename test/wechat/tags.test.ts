import { expect } from 'chai';
import type { WechatClient } from '../../src/wechat/index.js';
import type { FakeWechatApi } from '../support/fake-wechat-api.js';
import { fakeClient, rejection } from './fake-client.js';

const APP_ID = 'wx-tags-app';
const SECRET = 'tags-secret';

const openids = (n: number, prefix = 'o'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('wechat/client user tags', () => {
  let api: FakeWechatApi;
  let client: WechatClient;

  beforeEach(async () => {
    ({ api, client } = await fakeClient({ appId: APP_ID, appSecret: SECRET }));
  });
  afterEach(() => api.close());

  const callsTo = (path: string) => api.calls.filter((c) => c.path === path);

  it('tagsCreate returns the new id (from 100) and tagsGet lists it with the system tag and counts', async () => {
    const sanyuan = await client.tagsCreate('三元区');
    const yongan = await client.tagsCreate('永安市');
    expect(sanyuan).to.deep.equal({ id: 100, name: '三元区' });
    expect(yongan.id).to.equal(101);
    expect(callsTo('/cgi-bin/tags/create')[0]?.body).to.deep.equal({ tag: { name: '三元区' } });
    await client.tagsMembersBatchTagging(sanyuan.id, ['o1', 'o2']);
    expect(await client.tagsGet()).to.deep.equal([
      { id: 2, name: '星标组', count: 0 },
      { id: 100, name: '三元区', count: 2 },
      { id: 101, name: '永安市', count: 0 },
    ]);
  });

  it('a duplicate name is 45157; a name over 30 characters is refused locally (45158)', async () => {
    await client.tagsCreate('沙县区');
    expect(await rejection(client.tagsCreate('沙县区'))).to.include({ errcode: 45157, local: false });
    const long = '县'.repeat(31);
    expect(await rejection(client.tagsCreate(long))).to.include({ errcode: 45158, local: true });
    expect((await client.tagsCreate('县'.repeat(30))).name).to.have.length(30);
    expect(callsTo('/cgi-bin/tags/create')).to.have.length(3);
  });

  it('an account has at most 100 tags (45056)', async () => {
    for (let i = 0; i < 99; i++) await client.tagsCreate(`t${i}`);
    expect((await rejection(client.tagsCreate('one-too-many'))).errcode).to.equal(45056);
  });

  it('batch tagging and untagging, and userTagsOf', async () => {
    const a = await client.tagsCreate('明溪县');
    const b = await client.tagsCreate('反诈关注');
    await client.tagsMembersBatchTagging(a.id, ['o1', 'o2', 'o3']);
    await client.tagsMembersBatchTagging(b.id, ['o2']);
    expect(callsTo('/cgi-bin/tags/members/batchtagging')[0]?.body).to.deep.equal({ openid_list: ['o1', 'o2', 'o3'], tagid: a.id });
    expect(await client.userTagsOf('o2')).to.deep.equal([a.id, b.id]);
    expect(await client.userTagsOf('nobody')).to.deep.equal([]);
    await client.tagsMembersBatchUntagging(a.id, ['o2', 'o3']);
    expect(api.tagMembers(a.id)).to.deep.equal(['o1']);
    expect(await client.userTagsOf('o2')).to.deep.equal([b.id]);
    expect(callsTo('/cgi-bin/tags/getidlist')[0]?.body).to.deep.equal({ openid: 'o2' });
  });

  it('takes 50 openids in a call and refuses 51 locally, sending nothing', async () => {
    const { id } = await client.tagsCreate('将乐县');
    await client.tagsMembersBatchTagging(id, openids(50));
    expect(api.tagMembers(id)).to.have.length(50);
    const before = api.calls.length;
    for (const call of [client.tagsMembersBatchTagging(id, openids(51, 'x')), client.tagsMembersBatchUntagging(id, openids(51))]) {
      const e = await rejection(call);
      expect(e).to.include({ errcode: 40032, local: true });
      expect(e.errmsg).to.contain('51 openids');
    }
    expect(api.calls.length).to.equal(before);
    expect(api.tagMembers(id)).to.have.length(50);
  });

  it('the fake refuses 51 openids itself (40032), and an unknown tag id (45159)', async () => {
    const { id } = await client.tagsCreate('泰宁县');
    const token = await client.getAccessToken();
    const post = async (path: string, body: unknown) =>
      (await fetch(`${api.baseUrl}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<unknown>;
    expect(await post('/cgi-bin/tags/members/batchtagging', { tagid: id, openid_list: openids(51) })).to.deep.include({ errcode: 40032 });
    expect(api.tagMembers(id)).to.deep.equal([]);
    expect((await rejection(client.tagsMembersBatchTagging(999, ['o1']))).errcode).to.equal(45159);
  });

  it('a follower carries at most 20 tags (45059), and the batch is all or nothing', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 21; i++) ids.push((await client.tagsCreate(`tag${i}`)).id);
    for (const id of ids.slice(0, 20)) await client.tagsMembersBatchTagging(id, ['busy']);
    const last = ids[20] ?? 0;
    expect((await rejection(client.tagsMembersBatchTagging(last, ['fresh', 'busy']))).errcode).to.equal(45059);
    expect(api.tagMembers(last)).to.deep.equal([]);
  });

  it('a token that expires between batches is refreshed and the batch applied once', async () => {
    const { id } = await client.tagsCreate('建宁县');
    await client.tagsMembersBatchTagging(id, openids(50, 'a'));
    api.expireCurrentToken();
    await client.tagsMembersBatchTagging(id, openids(50, 'b'));
    expect(api.tokensIssued).to.equal(2);
    expect(callsTo('/cgi-bin/tags/members/batchtagging')).to.have.length(3);
    expect(api.tagMembers(id)).to.have.length(100);
    expect((await client.tagsGet()).find((t) => t.id === id)?.count).to.equal(100);
  });

  it('failNext on a batch fails that batch only; the retry tags it', async () => {
    const { id } = await client.tagsCreate('宁化县');
    api.failNext('/cgi-bin/tags/members/batchtagging', 45009);
    expect((await rejection(client.tagsMembersBatchTagging(id, ['o1']))).errcode).to.equal(45009);
    expect(api.tagMembers(id)).to.deep.equal([]);
    await client.tagsMembersBatchTagging(id, ['o1']);
    expect(api.tagsOf('o1')).to.deep.equal([id]);
  });

  it('tagsUserGet pages through a tag 10,000 at a time and ends with an empty next', async () => {
    const { id } = await client.tagsCreate('尤溪县');
    const all = openids(10_050);
    for (let i = 0; i < all.length; i += 50) await client.tagsMembersBatchTagging(id, all.slice(i, i + 50));
    const first = await client.tagsUserGet(id);
    expect(first.openids).to.have.length(10_000);
    expect(first.nextOpenid).to.equal('o9999');
    const second = await client.tagsUserGet(id, first.nextOpenid);
    expect(second.openids).to.deep.equal(all.slice(10_000));
    const third = await client.tagsUserGet(id, second.nextOpenid);
    expect(third).to.deep.equal({ openids: [], nextOpenid: '' });
  });
});
