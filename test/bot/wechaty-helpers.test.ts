// Pure helpers of the Wechaty adapter: reply rendering, announcement text, once-a-day memory.
import assert from 'node:assert/strict';
import { replyTexts, TRANSFER_TEXT } from '../../src/bot/adapters/wechaty-reply.js';
import { DailyOnce, formatAnnouncement } from '../../src/bot/adapters/wechaty-announce.js';

describe('wechaty helpers', () => {
  it('renders each reply part as one text and drops empty ones', () => {
    assert.deepEqual(replyTexts({ parts: [
      { type: 'text', text: '你好' },
      { type: 'text', text: '  ' },
      { type: 'news', articles: [{ title: '甲', url: 'https://a' }, { title: '乙' }] },
      { type: 'transfer_customer_service' },
    ] }), ['你好', '甲\nhttps://a\n\n乙', TRANSFER_TEXT]);
    assert.deepEqual(replyTexts({ parts: [] }), []);
  });

  it('announces code, colour, category, county and deadline in Beijing time', () => {
    const text = formatAnnouncement({
      kind: 'due_soon', code: 'SM1', colour: 'yellow', category: 'fraud', countyName: null,
      dueAt: new Date('2025-03-01T01:30:00Z'),
    });
    assert.match(text, /即将超期/);
    assert.match(text, /SM1/);
    assert.match(text, /黄色/);
    assert.match(text, /诈骗/);
    assert.match(text, /未确定/);
    assert.match(text, /2025年3月1日 09:30/);
  });

  it('remembers a code for the rest of the Beijing day only', () => {
    const once = new DailyOnce();
    const evening = new Date('2025-03-01T15:00:00Z'); // 23:00 in Beijing
    assert.equal(once.has('SM1', evening), false);
    once.mark('SM1', evening);
    assert.equal(once.has('SM1', new Date('2025-03-01T15:59:00Z')), true);
    assert.equal(once.has('SM1', new Date('2025-03-01T16:01:00Z')), false); // 00:01 next day
  });
});
