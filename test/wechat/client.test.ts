import { expect } from 'chai';
import { customNews, customText, WechatApiError, WechatClient } from '../../src/wechat/index.js';
import { startFakeWechatApi, type FakeWechatApi } from '../support/fake-wechat-api.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import { MapTokenStore } from './map-token-store.js';

const APP_ID = 'wx-test-app';
const SECRET = 'super-secret-value';

describe('wechat/client WechatClient', () => {
  let api: FakeWechatApi;
  let store: MapTokenStore;
  let client: WechatClient;

  beforeEach(async () => {
    api = await startFakeWechatApi({ appId: APP_ID, appSecret: SECRET });
    store = new MapTokenStore();
    client = new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: store });
  });
  afterEach(() => api.close());

  const tokenCalls = () => api.calls.filter((c) => c.path === '/cgi-bin/stable_token');

  it('fetches a stable token, caches it under the appId with ttl = expires_in - 300', async () => {
    const token = await client.getAccessToken();
    expect(token).to.match(/^fake-token-/);
    expect(tokenCalls()[0]?.body).to.deep.include({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET });
    const [key, entry] = [...store.entries][0] ?? [];
    expect(key).to.contain(APP_ID);
    expect(entry).to.deep.equal({ value: token, ttlSeconds: 6900 });
    expect(await client.getAccessToken()).to.equal(token);
    expect(tokenCalls()).to.have.length(1);
  });

  it('single-flight: 10 concurrent callers cause 1 token request', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).to.equal(1);
    expect(tokenCalls()).to.have.length(1);
    expect(api.tokensIssued).to.equal(1);
  });

  it('single-flight also holds when 10 API calls start cold', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.messageCustomSend(customText('openid', `m${i}`))));
    expect(tokenCalls()).to.have.length(1);
    expect(api.calls.filter((c) => c.path === '/cgi-bin/message/custom/send')).to.have.length(10);
  });

  it('across processes sharing one store, one of them refreshes and the others wait for its token', async () => {
    const shared = new MemoryStore();
    const instances = Array.from({ length: 4 }, () => new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: shared }));
    const tokens = await Promise.all(instances.map((c) => c.getAccessToken()));
    expect(new Set(tokens).size).to.equal(1);
    expect(tokenCalls()).to.have.length(1);
    await shared.close();
  });

  it('sends customer-service text and news with the token as a query param', async () => {
    await client.messageCustomSend(customText('o1', '您的线索已受理'));
    const call = await api.waitForCall('/cgi-bin/message/custom/send');
    expect(call.body).to.deep.equal({ touser: 'o1', msgtype: 'text', text: { content: '您的线索已受理' } });
    expect(call.token).to.equal(await client.getAccessToken());

    await client.messageCustomSend(customNews('o1', [{ title: 't', description: 'd', url: 'u', picUrl: 'p' }]));
    const news = await api.waitForCall('/cgi-bin/message/custom/send');
    expect(news.body).to.deep.equal({
      touser: 'o1', msgtype: 'news', news: { articles: [{ title: 't', description: 'd', url: 'u', picurl: 'p' }] },
    });
  });

  it('on 40001 deletes the failed token, fetches a new one and retries once', async () => {
    const first = await client.getAccessToken();
    api.expireCurrentToken();
    await client.messageCustomSend(customText('o1', 'hi'));
    const sends = api.calls.filter((c) => c.path === '/cgi-bin/message/custom/send');
    expect(sends).to.have.length(2);
    expect(sends[0]?.token).to.equal(first);
    expect(sends[1]?.token).to.not.equal(first);
    expect(api.tokensIssued).to.equal(2);
    expect(await store.get([...store.entries.keys()][0] ?? '')).to.equal(sends[1]?.token);
  });

  it('retries only once: a second token error surfaces as WechatApiError', async () => {
    await client.getAccessToken();
    api.failNext('/cgi-bin/menu/create', 42001);
    api.failNext('/cgi-bin/menu/create', 40001);
    const err = await client.menuCreate({ button: [{ type: 'click', name: '反诈', key: 'FRAUD' }] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    expect((err as WechatApiError).errcode).to.equal(40001);
    expect(api.calls.filter((c) => c.path === '/cgi-bin/menu/create')).to.have.length(2);
  });

  it('does not delete a token another process already replaced', async () => {
    const failed = await client.getAccessToken();
    // A peer process sharing the store force-refreshes while our request is in flight.
    const peer = new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: store });
    let fresh = '';
    const racingFetch: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.includes('/custom/send') && fresh === '') fresh = await peer['fetchStableToken'](true);
      return fetch(input, init);
    };
    const racing = new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: store, fetch: racingFetch });
    let deletes = 0;
    const realDelete = store.delete.bind(store);
    store.delete = async (key) => {
      deletes++;
      await realDelete(key);
    };
    await racing.messageCustomSend(customText('o1', 'x'));
    expect(deletes).to.equal(0);
    const sends = api.calls.filter((c) => c.path === '/cgi-bin/message/custom/send');
    expect(sends.map((c) => c.token)).to.deep.equal([failed, fresh]);
    expect(api.tokensIssued).to.equal(2);
  });

  it('force-refreshes when stable_token hands back the token WeChat just refused', async () => {
    const first = await client.getAccessToken();
    api.failNext('/cgi-bin/user/info', 40014);
    const user = await client.userInfo('o1');
    expect(user).to.include({ openid: 'o1', subscribe: 1 });
    const bodies = tokenCalls().map((c) => (c.body as { force_refresh?: boolean }).force_refresh);
    expect(bodies).to.deep.equal([false, false, true]);
    expect(api.calls.filter((c) => c.path === '/cgi-bin/user/info').at(-1)?.token).to.not.equal(first);
  });

  it('non-zero errcode becomes a typed WechatApiError without secrets in the message', async () => {
    api.failNext('/cgi-bin/message/custom/send', 45015);
    const err = await client.messageCustomSend(customText('o1', 'late')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    const e = err as WechatApiError;
    expect(e.errcode).to.equal(45015);
    expect(e.path).to.equal('/cgi-bin/message/custom/send');
    const token = await client.getAccessToken();
    expect(e.message).to.not.contain(SECRET).and.not.contain(token);
  });

  it('a wrong secret is a WechatApiError that does not echo the secret', async () => {
    const bad = new WechatClient({ appId: APP_ID, appSecret: 'wrong-secret', apiBase: api.baseUrl, tokenStore: new MapTokenStore() });
    const err = await bad.getAccessToken().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    expect((err as WechatApiError).errcode).to.equal(40125);
    expect(String(err)).to.not.contain('wrong-secret');
  });

  it('messageTemplateSend returns msgid as a string', async () => {
    const msgid = await client.messageTemplateSend({ touser: 'o1', template_id: 'T', data: { first: { value: '进度更新' } } });
    expect(msgid).to.equal('200163837');
    expect((await api.waitForCall('/cgi-bin/message/template/send')).body).to.deep.include({ template_id: 'T' });
  });

  it('messageCustomTyping posts the command', async () => {
    await client.messageCustomTyping('o1');
    expect((await api.waitForCall('/cgi-bin/message/custom/typing')).body).to.deep.equal({ touser: 'o1', command: 'Typing' });
  });

  it('mediaGet returns bytes, and a JSON body as an error', async () => {
    const file = await client.mediaGet('fake-media');
    expect(file.contentType).to.equal('image/jpeg');
    expect(file.data[0]).to.equal(0xff);
    const err = await client.mediaGet('missing').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    expect((err as WechatApiError).errcode).to.equal(40007);
  });

  it('transport failures are WechatApiError -1 (connection refused, timeout)', async () => {
    const down = new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: 'http://127.0.0.1:1', tokenStore: store });
    const err = await down.getAccessToken().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    expect((err as WechatApiError).errcode).to.equal(-1);

    const slowFetch: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const slow = new WechatClient({
      appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: new MapTokenStore(), fetch: slowFetch, timeoutMs: 50,
    });
    const timeout = await slow.getAccessToken().catch((e: unknown) => e);
    expect(timeout).to.be.instanceOf(WechatApiError);
    expect((timeout as WechatApiError).errmsg).to.contain('timeout');
  });

  it('userGet pages through the followers and ends with an empty page', async () => {
    const all = Array.from({ length: 7 }, (_, i) => `f${i}`);
    api.setFollowers(all);
    api.setFollowerPageSize(3);
    const first = await client.userGet();
    expect(first).to.deep.equal({ total: 7, count: 3, openids: ['f0', 'f1', 'f2'], nextOpenid: 'f2' });
    const calls = () => api.calls.filter((c) => c.path === '/cgi-bin/user/get');
    expect(calls()[0]?.body).to.deep.equal({});
    const second = await client.userGet(first.nextOpenid);
    expect(calls()[1]?.body).to.deep.equal({ next_openid: 'f2' });
    const third = await client.userGet(second.nextOpenid);
    // The last page names its own last openid; the page after it is empty, without `data`.
    expect(third).to.deep.equal({ total: 7, count: 1, openids: ['f6'], nextOpenid: 'f6' });
    expect(await client.userGet(third.nextOpenid)).to.deep.equal({ total: 7, count: 0, openids: [], nextOpenid: '' });
    api.failNext('/cgi-bin/user/get', 45009);
    expect(await client.userGet().catch((e: unknown) => e)).to.be.instanceOf(WechatApiError).and.include({ errcode: 45009 });
  });

  it('userGet refuses a malformed answer as -1', async () => {
    const answers: unknown[] = [
      { count: 1, data: { openid: ['a'] }, next_openid: 'a' },
      { total: 2, count: 2, data: { openid: ['a'] }, next_openid: 'a' },
      { total: 1, count: 1, next_openid: 'a' },
      { total: 1, count: 1, data: { openid: [7] }, next_openid: 7 },
      { total: 1, count: 1, data: { openid: ['a'] }, next_openid: 7 },
      { total: -1, count: 0 },
    ];
    let answer: unknown;
    const faking: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/cgi-bin/user/get')) return new Response(JSON.stringify(answer));
      return fetch(input, init);
    };
    const odd = new WechatClient({ appId: APP_ID, appSecret: SECRET, apiBase: api.baseUrl, tokenStore: new MapTokenStore(), fetch: faking });
    for (const a of answers) {
      answer = a;
      const err = await odd.userGet().catch((e: unknown) => e);
      expect(err, JSON.stringify(a)).to.be.instanceOf(WechatApiError);
      expect((err as WechatApiError).errcode).to.equal(-1);
    }
    answer = { total: 0, count: 0 };
    expect(await odd.userGet()).to.deep.equal({ total: 0, count: 0, openids: [], nextOpenid: '' });
  });

  it('fake server: waitForCall waits for calls that have not arrived yet', async () => {
    const waiting = api.waitForCall('/cgi-bin/message/custom/send', 2000);
    await client.messageCustomSend(customText('o2', 'later'));
    expect((await waiting).body).to.deep.include({ touser: 'o2' });
    const missing = await api.waitForCall('/cgi-bin/message/custom/send', 50).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(Error);
  });
});
