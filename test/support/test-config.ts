// Test config (config/test.json + overrides) whose WeChat API is a fresh local fake that speaks
// for that config's appId and secret.
import { loadConfig, type AppConfig, type ConfigOverrides } from '../../src/config/index.js';
import { startFakeWechatApi, type FakeWechatApi } from './fake-wechat-api.js';

export async function configWithFakeWechat(overrides: ConfigOverrides = {}): Promise<{ config: AppConfig; fakeWechat: FakeWechatApi }> {
  const base = await loadConfig();
  const fakeWechat = await startFakeWechatApi({ appId: base.wechat.appId, appSecret: base.wechat.appSecret });
  const config = await loadConfig({ ...overrides, wechat: { apiBase: fakeWechat.baseUrl, ...(overrides.wechat ?? {}) } });
  return { config, fakeWechat };
}
