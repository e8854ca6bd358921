// Danger words are never rate limited and may each be a description long: a flood of them after
// a danger offer (or inside a draft) must not grow the conversation record and the tip's
// transcript without bound. The transcript stops, says so once, and the tip is still filed.
import { expect } from 'chai';
import { createTestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { MAX_TRANSCRIPT_CHARS, TRANSCRIPT_CUT } from '../../src/bot/tip-flow/draft.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe('a flood of danger words after a danger offer', function () {
  this.timeout(60_000);

  it('keeps the transcript bounded, marked where it was cut, and still files the tip', async () => {
    let clock = Date.now();
    const t = await createTestContext({}, { now: () => new Date(clock) });
    try {
      const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_flood' });
      const say = async (s: string) => textOf(await c.text(s));
      expect(await say('救命 有人在砸我家的门')).to.match(/^请马上拨打110/);
      const piece = '救命 他还在门口砸门'.repeat(900); // 9,000 characters, allowed in danger
      for (let i = 0; i < 30; i++) {
        clock += 1_000;
        expect(await say(`${piece}${i}`)).to.match(/^请马上拨打110/);
      }
      const stored = (await t.services.db.sequelize.query('SELECT max(length(state_value)) AS n FROM shared_state'))[0] as Array<{ n: number }>;
      // 30 × 9,000 characters would be well over a megabyte sealed.
      expect(Number(stored[0]?.n)).to.be.below(1_000_000);
      expect(await say('是')).to.contain('现在按');
      for (const m of ['跳过', '匿名']) await say(m);
      const done = await say('确认');
      const code = /受理编号：(SM[0-9A-Z]+)/.exec(done)?.[1];
      expect(code, done).to.be.a('string');
      const rows = (await t.services.db.sequelize.query('SELECT description, transcript FROM tips WHERE code = ?', { replacements: [code] }))[0] as Array<{ description: string; transcript: string }>;
      const transcript = JSON.parse(rows[0]?.transcript ?? '[]') as Array<{ text?: string }>;
      const chars = transcript.reduce((n, e) => n + (e.text?.length ?? 0), 0);
      expect(chars).to.be.below(MAX_TRANSCRIPT_CHARS * 1.2);
      expect(transcript.filter((e) => e.text === TRANSCRIPT_CUT)).to.have.length(1);
      expect(rows[0]?.description).to.contain('有人在砸我家的门');
    } finally {
      await t.close();
    }
  });
});
