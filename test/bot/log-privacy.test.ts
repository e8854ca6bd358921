// Logs at info never carry message text, phone numbers, openids in clear, or secrets.
import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient } from '../../src/cli/chat-client.js';

describe('logs at info level', function () {
  this.timeout(30_000);
  const lines: string[] = [];
  let t: TestContext;

  before(async () => {
    t = await createTestContext({}, { logLevel: 'info', logSink: { write: (line: string) => { lines.push(line); } } });
  });
  after(async () => t.close());

  it('carry request ids and routes but no message text, phone numbers or secrets', async () => {
    const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_private_person' });
    for (const m of ['举报', '1', '秘密线索：王五在仓库藏毒', '好了', '跳过', '13912345678', '确认']) await c.text(m);
    await request(t.callback).post('/api/staff/login').send({ username: 'nobody', password: 'wrong-password-123' });
    const all = lines.join('');
    expect(lines.length).to.be.greaterThan(5);
    expect(all).to.contain('"reqId"').and.contain('"route":"/wechat"');
    for (const secret of ['o_private_person', '王五在仓库藏毒', '13912345678', t.config.wechat.token, t.config.wechat.appSecret, 'wrong-password-123', t.config.tips.identityHashKey]) {
      expect(all, `log leaked ${secret}`).to.not.contain(secret);
    }
  });
});
