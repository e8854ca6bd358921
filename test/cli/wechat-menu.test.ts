import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { startFakeWechatApi, type FakeWechatApi } from '../support/fake-wechat-api.js';

const run = promisify(execFile);

describe('npm run wechat:menu', () => {
  let fake: FakeWechatApi;
  before(async () => {
    const config = await loadConfig();
    fake = await startFakeWechatApi({ appId: config.wechat.appId, appSecret: config.wechat.appSecret });
  });
  after(async () => fake.close());

  it('pushes the configured menu through menu/create', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/wechat-menu.ts'], {
      env: { ...process.env, NODE_ENV: 'test', WECHAT_API_BASE: fake.baseUrl },
    });
    expect(stdout).to.contain('menu created');
    const call = await fake.waitForCall('/cgi-bin/menu/create', 2000);
    const body = call.body as { button: Array<{ name: string; sub_button?: Array<{ key?: string }> }> };
    expect(body.button.map((b) => b.name)).to.deep.equal(['平安资讯', '我要反映', '服务']);
    expect(body.button[1]?.sub_button?.map((b) => b.key)).to.include('TIP');
  });

  it('fails with the errcode when WeChat refuses', async () => {
    fake.failNext('/cgi-bin/menu/create', 40018);
    try {
      await run(process.execPath, ['--import', 'tsx', 'src/cli/wechat-menu.ts'], { env: { ...process.env, NODE_ENV: 'test', WECHAT_API_BASE: fake.baseUrl } });
      expect.fail('should exit non-zero');
    } catch (err) {
      expect((err as { stderr: string }).stderr).to.contain('40018');
    }
  });
});
