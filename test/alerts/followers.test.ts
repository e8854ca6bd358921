// Followers through the real webhook (signed XML into the real engine and database): subscribe
// and unsubscribe events keep the row, every message moves the last interaction time, and the
// county is offered from a location's label (kept on 「要」), from the question asked once after 「反诈」, or
// with consent from a confirmed tip's county. The Wechaty channel keeps no followers.
import { expect } from 'chai';
import { createTestContext, type TestContext } from '../support/harness.js';
import { recordStatements, usingMysql } from '../support/database.js';
import { sqlDate } from '../../src/db/index.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import type { FollowerRow } from '../../src/alerts/followers/models.js';
import { loadBotContent } from '../../src/bot/content.js';
import { countyOfAnswer } from '../../src/bot/intents/county.js';

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe(`alerts: followers through the webhook (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let t: TestContext;

  before(async () => { t = await createTestContext(); });
  after(async () => t.close());

  /** A citizen whose messages carry CreateTime = the real time plus `offsetSeconds`. */
  const citizen = (openid: string, offsetSeconds = 0) => new ChatClient({
    transport: supertestTransport(t.callback),
    token: t.config.wechat.token,
    openid,
    now: () => Math.floor(Date.now() / 1000) + offsetSeconds,
  });
  const say = async (c: ChatClient, text: string) => textOf(await c.text(text));
  const event = (c: ChatClient, fields: Record<string, string>) => c.send(c.messageXml({ MsgType: 'event', ...fields }));
  const follower = async (openid: string): Promise<FollowerRow | null> => t.services.followers.models.Follower.findOne({ where: { openid } });

  it('records a subscribe with the time the 48-hour window runs from', async () => {
    const before = Date.now() - 1000;
    expect(textOf(await citizen('o_sub').subscribe())).to.contain('平安三明');
    const row = await follower('o_sub');
    expect(row).to.not.equal(null);
    expect(row!.subscribed).to.equal(true);
    expect(row!.subscribedAt!.getTime()).to.be.greaterThan(before);
    expect(row!.lastInteractionAt!.getTime()).to.equal(row!.subscribedAt!.getTime());
    expect(row!.countyCode).to.equal(null);
  });

  it('an unsubscribe marks the follower gone; an older subscribe arriving late does not bring them back', async () => {
    const c = citizen('o_unsub');
    await c.subscribe();
    const late = citizen('o_unsub', 20);
    const r = await event(late, { Event: 'unsubscribe' });
    expect(r.type).to.equal('none');
    let row = await follower('o_unsub');
    expect(row!.subscribed).to.equal(false);
    expect(row!.unsubscribedAt).to.not.equal(null);
    // A subscribe event with an earlier CreateTime (a delayed retry) is older than the unsubscribe.
    await citizen('o_unsub', 10).subscribe();
    row = await follower('o_unsub');
    expect(row!.subscribed).to.equal(false);
    // A later subscribe is a real return.
    await citizen('o_unsub', 30).subscribe();
    row = await follower('o_unsub');
    expect(row!.subscribed).to.equal(true);
    expect(row!.unsubscribedAt).to.equal(null);
  });

  it('a message moves the last interaction forward, never back; a follower who wrote before any event gets a row', async () => {
    const c = citizen('o_msg');
    await say(c, '帮助');
    const first = await follower('o_msg');
    expect(first!.subscribed).to.equal(true);
    expect(first!.lastInteractionAt).to.not.equal(null);

    const sub = citizen('o_msg2');
    await sub.subscribe();
    const subscribedAt = (await follower('o_msg2'))!.lastInteractionAt!.getTime();
    await say(citizen('o_msg2', 40), '帮助');
    // CreateTime is in whole seconds: 40 s later, give or take the second ticking between the two.
    expect((await follower('o_msg2'))!.lastInteractionAt!.getTime()).to.be.within(subscribedAt + 40_000, subscribedAt + 41_000);

    // A message older than the stored time (delivered late) leaves it where it is.
    const old = citizen('o_msg3', 60);
    await old.subscribe();
    const newest = (await follower('o_msg3'))!.lastInteractionAt!.getTime();
    await say(citizen('o_msg3', 0), '帮助');
    expect((await follower('o_msg3'))!.lastInteractionAt!.getTime()).to.equal(newest);
  });

  it('a message newer than the unsubscribe proves they follow again, even within the minute of their last message', async () => {
    const c = citizen('o_back');
    await c.subscribe();
    await say(c, '帮助');
    await t.services.followers.registry.countyLearned({ channel: 'official_account', id: 'o_back' }, '350405', 'asked', new Date());
    await event(citizen('o_back', 20), { Event: 'unsubscribe' });
    let row = await follower('o_back');
    expect(row).to.include({ subscribed: false, tagPending: false });
    const sent = row!.lastInteractionAt!.getTime();
    // Back, from the message's time, and their county's tag is due again.
    await say(citizen('o_back', 30), '帮助');
    row = await follower('o_back');
    expect(row).to.include({ subscribed: true, unsubscribedAt: null, tagPending: true, tagCountyCode: null, countyCode: '350405' });
    // The message's CreateTime (whole seconds, 30 s after the first one's, give or take the tick).
    expect(row!.subscribedAt!.getTime()).to.be.within(sent + 30_000, sent + 31_000);
    expect(row!.lastInteractionAt!.getTime()).to.equal(row!.subscribedAt!.getTime());
    // A late unsubscribe from before the message does not undo it.
    await event(citizen('o_back', 25), { Event: 'unsubscribe' });
    expect((await follower('o_back'))!.subscribed).to.equal(true);
  });

  it('a message older than the unsubscribe (delivered late) leaves the follower gone', async () => {
    // CreateTimes from one reading of the clock: the second may tick between the messages.
    const now = Math.floor(Date.now() / 1000);
    const at = (seconds: number) => new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_late', now: () => seconds });
    await at(now).subscribe();
    await event(at(now + 20), { Event: 'unsubscribe' });
    await say(at(now + 10), '帮助');
    const row = await follower('o_late');
    expect(row!.subscribed).to.equal(false);
    expect(row!.unsubscribedAt).to.not.equal(null);
    // The time still moves forward.
    expect(row!.lastInteractionAt!.getTime()).to.equal(row!.unsubscribedAt!.getTime() - 10_000);
  });

  it('a message from a follower marked gone returns them even when it is not newer than their last interaction', async () => {
    const c = citizen('o_back2', 60);
    await c.subscribe();
    const last = (await follower('o_back2'))!.lastInteractionAt!.getTime();
    // Marked gone at a time before that interaction (as an import that missed them would).
    await t.services.db.sequelize.query('UPDATE followers SET subscribed = 0, unsubscribed_at = ? WHERE openid = ?', {
      replacements: [sqlDate(t.services.db.dialect, new Date(last - 120_000)), 'o_back2'],
    });
    await t.services.state.delete(`follower-touched:${t.services.vault.citizenHash('follower', 'o_back2')}`);
    await say(citizen('o_back2', -30), '帮助');
    const row = await follower('o_back2');
    expect(row).to.include({ subscribed: true, unsubscribedAt: null });
    expect(row!.lastInteractionAt!.getTime()).to.equal(last);
  });

  it('writes the interaction time once a minute at most: a second message within the minute costs no follower write', async () => {
    const c = citizen('o_burst');
    await say(c, '帮助');
    const statements = await recordStatements(t.services.db.sequelize, () => say(c, '菜单'));
    expect(statements.filter((s) => /followers/i.test(s) && /insert|update/i.test(s))).to.have.length(0);
    const row = await follower('o_burst');
    expect(row!.lastInteractionAt).to.not.equal(null);
  });

  it('offers the county a location message\'s label names and keeps it only on 「要」; WeChat\'s coordinate-only location reports are not used', async () => {
    const c = citizen('o_loc');
    await c.subscribe();
    await event(c, { Event: 'LOCATION', Latitude: '26.39', Longitude: '117.78', Precision: '30' });
    expect((await follower('o_loc'))!.countyCode).to.equal(null);
    const offered = textOf(await c.location(26.39, 117.78, '福建省三明市沙县区凤岗街道府西路'));
    expect(offered).to.contain('以后沙县区的防骗预警，要不要也发给您');
    // Nothing is kept before the follower says so.
    expect((await follower('o_loc'))!.countyCode).to.equal(null);
    expect(await say(c, '要')).to.contain('记下了：沙县区');
    const row = await follower('o_loc');
    expect(row).to.include({ countyCode: '350405', countySource: 'location', tagPending: true });

    // Another follower says no: no county, and no second question for a later location.
    const d = citizen('o_loc_no');
    await d.subscribe();
    expect(textOf(await d.location(26.39, 117.78, '福建省三明市沙县区凤岗街道'))).to.contain('要不要也发给您');
    expect(await say(d, '不用')).to.contain('不记');
    expect(textOf(await d.location(26.2, 117.6, '福建省三明市三元区'))).to.not.contain('要不要');
    expect((await follower('o_loc_no'))!.countyCode).to.equal(null);
  });

  it('asks the county once after the first 「反诈」 and keeps the answer', async () => {
    const c = citizen('o_ask');
    await c.subscribe();
    const guide = await say(c, '反诈');
    expect(guide).to.contain('您住在哪个县（市、区）');
    expect(await say(c, '永安')).to.contain('记下了：永安市');
    const row = await follower('o_ask');
    expect(row).to.include({ countyCode: '350481', countySource: 'asked' });
    expect(row!.countyAskedAt).to.not.equal(null);
    // What 「反诈」 reads to list the follower's county first.
    expect(await t.services.followers.citizenCounty.countyOf({ channel: 'official_account', id: 'o_ask' })).to.equal('350481');
    expect(await t.services.followers.citizenCounty.countyOf({ channel: 'wechaty', id: 'o_ask' })).to.equal(undefined);
    // Asked once: the next 「反诈」 is the guide alone.
    expect(await say(c, '反诈')).to.not.contain('哪个县');
    // A location elsewhere does not replace what the follower told us.
    await c.location(26.2, 117.6, '福建省三明市三元区');
    expect((await follower('o_ask'))!.countyCode).to.equal('350481');
  });

  it('a 「不用」 is kept: no county, no second question, and a later location is not used', async () => {
    const c = citizen('o_no');
    await c.subscribe();
    expect(await say(c, '反诈')).to.contain('哪个县');
    expect(await say(c, '不用')).to.contain('不记');
    await c.location(26.39, 117.78, '福建省三明市沙县区凤岗街道');
    const row = await follower('o_no');
    expect(row!.countyCode).to.equal(null);
    expect(row!.countyDeclinedAt).to.not.equal(null);
    expect(await say(c, '反诈')).to.not.contain('哪个县');
  });

  it('a story that mentions a county is not an answer: the question lapses and the story is read as usual', async () => {
    const c = citizen('o_story');
    await c.subscribe();
    expect(await say(c, '反诈')).to.contain('哪个县');
    const reply = await say(c, '我刚在沙县接到一个自称公安局的电话，让我把钱转到安全账户');
    expect(reply).to.not.contain('记下了');
    expect(reply).to.contain('110');
    expect((await follower('o_story'))!.countyCode).to.equal(null);
  });

  it('takes a place said with the usual words around it', () => {
    const { divisions } = loadBotContent();
    expect(countyOfAnswer('我住在永安', divisions)).to.equal('350481');
    expect(countyOfAnswer('三明市沙县区的', divisions)).to.equal('350405');
    expect(countyOfAnswer('沙县凤岗', divisions)).to.equal('350405');
    expect(countyOfAnswer('我在沙县被人骗了五千块', divisions)).to.equal(undefined);
  });

  it('a message that does not answer lets the question lapse and is answered as usual', async () => {
    const c = citizen('o_lapse');
    await c.subscribe();
    expect(await say(c, '反诈')).to.contain('哪个县');
    expect(await say(c, '帮助')).to.contain('举报');
    expect(await say(c, '沙县')).to.not.contain('记下了');
    expect((await follower('o_lapse'))!.countyCode).to.equal(null);
    expect(await say(c, '反诈')).to.not.contain('哪个县');
  });

  it('after a tip with a county, asks whether that county\'s alerts may go to the follower, and keeps it on 「要」', async () => {
    const c = citizen('o_tip');
    await c.subscribe();
    expect(await say(c, '举报')).to.contain('类别');
    expect(await say(c, '1')).to.contain('描述');
    await say(c, '村口小卖部每天晚上有人聚众赌博');
    expect(await say(c, '好了')).to.match(/位置|地点/);
    expect(await say(c, '清流县嵩溪镇')).to.contain('联系');
    expect(await say(c, '匿名')).to.contain('确认');
    const done = await say(c, '确认');
    expect(done).to.contain('受理编号').and.contain('以后清流县的防骗预警');
    expect((await follower('o_tip'))!.countyCode).to.equal(null);
    expect(await say(c, '要')).to.contain('记下了：清流县');
    expect(await follower('o_tip')).to.include({ countyCode: '350423', countySource: 'tip' });
  });

  it('keeps no followers for the Wechaty channel', async () => {
    await t.services.bot.handle({ citizen: { channel: 'wechaty', id: 'wx_contact_1' }, receivedAt: new Date(), kind: 'text', text: '反诈' });
    expect(await follower('wx_contact_1')).to.equal(null);
  });
});
