// 「反诈」 and the 反诈预警 menu in the chat: the current alerts first (the citizen's county first,
// when the county port knows it), at most three, each as title + one line + link, then the fraud
// guide; the guide alone when nothing is current. Through the real engine with the real alerts
// module's board, and through the webhook of the composed app.
import { expect } from 'chai';
import { createEngine } from '../../src/bot/engine.js';
import { loadBotContent } from '../../src/bot/content.js';
import type { CitizenCounty } from '../../src/bot/ports.js';
import type { BotReply, CitizenRef } from '../../src/bot/types.js';
import { ChatClient } from '../../src/cli/chat-client.js';
import { createLogger } from '../../src/platform/logger.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { citizen, FakeDesk, input, JsonStore } from '../bot/engine-harness.js';
import { alertsContext, MovableClock, publishedAlert, SANYUAN, YONGAN } from './alerts-helpers.js';

const GUIDE = loadBotContent().fraudGuide;
const ORIGIN = 'https://pingan-sanming.test';

/** The counties the followers module would know, by openid. */
class Counties implements CitizenCounty {
  constructor(private readonly byId: Record<string, string>) {}
  countyOf(c: CitizenRef): Promise<string | undefined> {
    return Promise.resolve(this.byId[c.id]);
  }
}

const textParts = (r: BotReply): string[] => r.parts.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`));

describe(`alerts in the chat: 「反诈」 (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  const clock = new MovableClock(new Date('2026-04-01T02:00:00.000Z'));
  const writer = { id: 301, role: 'editor' };
  const publisher = { id: 302, role: 'admin' };
  const ids: Record<string, number> = {};

  before(async () => {
    ctx = await alertsContext(clock);
    const until = new Date('2026-05-30T15:59:59.999Z');
    ids.city = (await publishedAlert(ctx, writer, publisher, { title: '全市：冒充客服退款', summary: '说要给您退款的“客服”，都是骗子。', fraudType: 'customer_service', severity: 'warning', validUntil: until })).id;
    clock.advanceDays(1);
    ids.sanyuan = (await publishedAlert(ctx, writer, publisher, { title: '三元区：冒充民警', summary: '“民警”让您转到安全账户，是骗局。', severity: 'severe', counties: [SANYUAN], validUntil: until })).id;
    clock.advanceDays(1);
    ids.yongan = (await publishedAlert(ctx, writer, publisher, { title: '永安：养老投资骗局', summary: '“养老项目”高回报，先交钱的都是骗局。', fraudType: 'pension', severity: 'info', counties: [YONGAN], validUntil: until })).id;
    ids.yongan2 = (await publishedAlert(ctx, writer, publisher, { title: '永安：刷单返利', summary: '先垫钱再返利的刷单，都是诈骗。', fraudType: 'rebate', severity: 'info', counties: [YONGAN], validUntil: until })).id;
    ids.expired = (await publishedAlert(ctx, writer, publisher, { title: '早就过期的预警', validUntil: new Date('2026-04-04T00:00:00.000Z') })).id;
    clock.t = new Date('2026-04-10T02:00:00.000Z');
  });
  after(async () => { await ctx.close(); });

  /** The real engine with the real alert board, and the county port as the followers module would answer. */
  const engine = (counties: CitizenCounty | undefined) => createEngine({
    config: ctx.config, logger: createLogger('silent'), desk: new FakeDesk(), conversations: new JsonStore(), now: clock.now,
    alerts: ctx.services.alerts.board, ...(counties ? { citizenCounty: counties } : {}),
  });

  it('shows the current alerts for the citizen\'s county first, each with one line and its link, then the guide', async () => {
    const bot = engine(new Counties({ 'o-yongan': YONGAN }));
    const reply = await bot.handle(input({ kind: 'text', text: '反诈' }, citizen('o-yongan')));
    const [alerts, guide, ...rest] = textParts(reply);
    expect(rest).to.deep.equal([]);
    expect(guide).to.equal(GUIDE);
    // Yongan's own two first (graver, then newer: both 一般, so the newer), then the city-wide one; not 三元区's, not the expired one.
    expect(alerts).to.equal([
      '【最新防骗预警】',
      `1. 永安：刷单返利（一般·永安市）\n先垫钱再返利的刷单，都是诈骗。\n${ORIGIN}/alerts/${ids.yongan2}`,
      `2. 永安：养老投资骗局（一般·永安市）\n“养老项目”高回报，先交钱的都是骗局。\n${ORIGIN}/alerts/${ids.yongan}`,
      `3. 全市：冒充客服退款（较重·全市）\n说要给您退款的“客服”，都是骗子。\n${ORIGIN}/alerts/${ids.city}`,
      `更多预警：${ORIGIN}/alerts?county=${YONGAN}`,
    ].join('\n\n'));
    expect(Buffer.byteLength(alerts ?? '', 'utf8')).to.be.at.most(2048);

    // The menu click answers the same way.
    const click = textParts(await bot.handle(input({ kind: 'menu', key: 'FRAUD_ALERTS' }, citizen('o-yongan'))));
    expect(click[0]).to.equal(alerts);
    expect(click[1]).to.equal(GUIDE);
  });

  it('without a known county lists the graver alerts of every county first, three at most', async () => {
    for (const bot of [engine(new Counties({})), engine(undefined)]) {
      const [alerts, guide] = textParts(await bot.handle(input({ kind: 'text', text: '防骗' }, citizen('o-somewhere'))));
      expect(guide).to.equal(GUIDE);
      const titles = (alerts ?? '').split('\n').filter((l) => /^\d\. /.test(l));
      expect(titles).to.deep.equal(['1. 三元区：冒充民警（严重·三元区）', '2. 全市：冒充客服退款（较重·全市）', '3. 永安：刷单返利（一般·永安市）']);
      expect(alerts).to.include(`更多预警：${ORIGIN}/alerts`).and.not.include('早就过期的预警');
    }
  });

  it('gives the guide alone when no alert is current, or when the engine has no alert board', async () => {
    clock.t = new Date('2026-06-01T00:00:00.000Z');
    try {
      const reply = await engine(new Counties({ 'o-yongan': YONGAN })).handle(input({ kind: 'text', text: '反诈' }, citizen('o-yongan')));
      expect(textParts(reply)).to.deep.equal([GUIDE]);
    } finally {
      clock.t = new Date('2026-04-10T02:00:00.000Z');
    }
    const bare = createEngine({ config: ctx.config, logger: createLogger('silent'), desk: new FakeDesk(), conversations: new JsonStore(), now: clock.now });
    expect(textParts(await bare.handle(input({ kind: 'text', text: '反诈' })))).to.deep.equal([GUIDE]);
  });

  it('gives the guide alone when the county or the board fails', async () => {
    const failing: CitizenCounty = { countyOf: () => Promise.reject(new Error('followers down')) };
    expect(textParts(await engine(failing).handle(input({ kind: 'text', text: '反诈' })))).to.deep.equal([GUIDE]);
  });

  it('answers 反诈 through the webhook with the alerts as the passive reply', async () => {
    const chat = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: 'o_webhook_reader' });
    const reply = await chat.text('反诈');
    expect(reply.type).to.equal('text');
    if (reply.type !== 'text') return;
    expect(reply.text).to.match(/^【最新防骗预警】\n\n1\. 三元区：冒充民警/);
    expect(reply.text).to.include(`${ORIGIN}/alerts/${ids.sanyuan}`);
    // The guide follows by customer-service message (the passive reply carries one part).
    const guide = await ctx.fakeWechat.waitForCall('/cgi-bin/message/custom/send', 5000);
    expect(JSON.stringify(guide.body)).to.include('防骗提醒');
  });
});
