// Danger words told outside a flow while a draft told in danger is already put aside, and left
// unanswered past the idle timeout: they join that draft (the same story), never dropped.
import { expect } from 'chai';
import { createTestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe('danger words kept while a draft told in danger is put aside', function () {
  this.timeout(30_000);

  it('join that draft at the idle timeout, and are filed with it', async () => {
    let clock = Date.now();
    const t = await createTestContext({}, { now: () => new Date(clock) });
    try {
      const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_kept_aside' });
      const say = async (s: string) => textOf(await c.text(s));
      for (const m of ['举报', '1', '前夫拿着刀在楼下堵我']) await say(m);
      clock += 40 * 60_000;
      expect(await say('你好')).to.contain('回复「继续」');
      expect(await say('救命 他又来砸门了 拿着斧头')).to.match(/^请马上拨打110/);
      await c.image('media-axe-photo');
      clock += 40 * 60_000;
      // Put aside with the draft: said so, and 「继续」 brings back both.
      expect(await say('你好')).to.contain('回复「继续」');
      expect(await say('继续')).to.contain('接着上次');
      for (const m of ['好了', '跳过', '匿名']) await say(m);
      const done = await say('确认');
      const code = /受理编号：(SM[0-9A-Z]+)/.exec(done)?.[1];
      expect(code, done).to.be.a('string');
      const rows = (await t.services.db.sequelize.query('SELECT description, attachments, colour FROM tips WHERE code = ?', { replacements: [code] }))[0] as Array<{ description: string; attachments: string; colour: string }>;
      expect(rows).to.have.length(1);
      expect(rows[0]?.description).to.contain('前夫拿着刀在楼下堵我').and.contain('拿着斧头');
      expect(rows[0]?.attachments).to.contain('media-axe-photo');
      expect(rows[0]?.colour).to.equal('red');
    } finally {
      await t.close();
    }
  });
});
