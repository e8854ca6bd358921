// A WechatClient talking to the local fake WeChat API, and the rejection helper the client tests share.
import { expect } from 'chai';
import { WechatApiError, WechatClient } from '../../src/wechat/index.js';
import { startFakeWechatApi, type FakeWechatApi, type FakeWechatApiOptions } from '../support/fake-wechat-api.js';
import { MapTokenStore } from './map-token-store.js';

export interface FakeClient {
  api: FakeWechatApi;
  client: WechatClient;
  /** The recorded calls to one endpoint, in order. */
  callsTo(path: string): FakeWechatApi['calls'];
}

export async function fakeClient(opts: FakeWechatApiOptions & { appId: string; appSecret: string }): Promise<FakeClient> {
  const api = await startFakeWechatApi(opts);
  const client = new WechatClient({ appId: opts.appId, appSecret: opts.appSecret, apiBase: api.baseUrl, tokenStore: new MapTokenStore() });
  return { api, client, callsTo: (path) => api.calls.filter((c) => c.path === path) };
}

/** The WechatApiError `p` rejects with (the test fails when it resolves or rejects otherwise). */
export async function rejection(p: Promise<unknown>): Promise<WechatApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a rejection').to.be.instanceOf(WechatApiError);
  return e as WechatApiError;
}
