// The Wechaty adapter against wechaty-puppet-mock with a scripted Bot and a fake announcer:
// message translation, group mentions, reply rendering, staff announcements, notices.
import assert from 'node:assert/strict';
import { WechatyBuilder, log, types } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { attachWechatyBot, type NoticeSender } from '../../src/bot/adapters/wechaty.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import type { Bot, BotInput, BotReply, NoticeId, NoticeOutcome } from '../../src/bot/types.js';
import type { AnnouncementBatch, TipAnnouncement, TipAnnouncer } from '../../src/bot/ports.js';

log.level('silent');

const STAFF_ROOM = '三明政法委值班群';

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 150));

/** Texts the bot user said where `target` (a contact or a room) hears them. */
function inbox(target: mock.ContactMock | mock.RoomMock, botId: string): string[] {
  const said: string[] = [];
  // The mocks are typed-emitter EventEmitters, whose typings do not resolve under NodeNext.
  const emitter = target as unknown as { on(event: 'message', listener: (m: mock.MessageMock) => void): unknown };
  emitter.on('message', (m) => { if (m.payload.talkerId === botId) said.push(m.payload.text ?? ''); });
  return said;
}

function scriptedBot(calls: BotInput[], settled: Array<[readonly NoticeId[], NoticeOutcome]>): Bot {
  return {
    handle(input): Promise<BotReply> {
      calls.push(input);
      if (input.kind !== 'text') return Promise.resolve({ parts: [{ type: 'text', text: `收到${input.kind}` }] });
      if (input.text === 'boom') return Promise.reject(new Error('engine exploded'));
      if (input.text === 'parts') {
        return Promise.resolve({ parts: [
          { type: 'text', text: '第一条' },
          { type: 'news', articles: [{ title: '反诈预警', url: 'https://example.com/a' }] },
          { type: 'transfer_customer_service' },
        ] });
      }
      if (input.text === 'notice') return Promise.resolve({ parts: [{ type: 'text', text: '答复' }, { type: 'text', text: '您反映的事项已答复', notices: [7] }] });
      return Promise.resolve({ parts: [{ type: 'text', text: `你说：${input.text}` }] });
    },
    noticesSettled(_citizen, ids, outcome) {
      settled.push([ids, outcome]);
      return Promise.resolve();
    },
  };
}

/** The event log's feed as the adapter reads it: announcements at increasing positions. */
class FakeAnnouncer implements TipAnnouncer {
  readonly feed: Array<{ eventId: number; announcement: TipAnnouncement }> = [];
  readonly asked: Array<number | null> = [];
  dueSoon: TipAnnouncement[] = [];
  dueSoonCalls = 0;
  listSince(cursor: number | null): Promise<AnnouncementBatch> {
    this.asked.push(cursor);
    const last = this.feed.at(-1)?.eventId ?? 0;
    if (cursor === null) return Promise.resolve({ cursor: last, items: [] });
    return Promise.resolve({ cursor: Math.max(cursor, last), items: this.feed.filter((i) => i.eventId > cursor) });
  }
  listDueSoon(withinHours: number): Promise<TipAnnouncement[]> {
    assert.equal(withinHours, 24);
    this.dueSoonCalls += 1;
    return Promise.resolve(this.dueSoon);
  }
  emit(a: TipAnnouncement) { this.feed.push({ eventId: (this.feed.at(-1)?.eventId ?? 100) + 1, announcement: a }); }
}

describe('Wechaty adapter (mock puppet, scripted bot)', () => {
  const calls: BotInput[] = [];
  const settled: Array<[readonly NoticeId[], NoticeOutcome]> = [];
  const announcer = new FakeAnnouncer();
  announcer.dueSoon = [{ kind: 'due_soon', code: 'SM20250101-0007', colour: 'yellow', category: 'dispute', countyName: '沙县区', dueAt: new Date('2025-01-02T02:00:00Z') }];
  let noticeSender: NoticeSender | undefined;
  let wechaty: WechatyInterface;
  let detach: { stop(): void };
  let mocker: mock.Mocker;
  let botUser: mock.ContactMock;
  let citizen: mock.ContactMock;
  let neighbour: mock.ContactMock;
  let group: mock.RoomMock;
  let staffRoom: mock.RoomMock;
  let staffSaid: string[];
  const seen = new MemoryStore();

  before(async () => {
    mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    botUser = mocker.createContact({ name: '平安三明' });
    citizen = mocker.createContact({ name: '张三' });
    neighbour = mocker.createContact({ name: '李四' });
    group = mocker.createRoom({ topic: '梅列小区业主群', memberIdList: [botUser.id, citizen.id, neighbour.id] });
    staffRoom = mocker.createRoom({ topic: STAFF_ROOM, memberIdList: [botUser.id, neighbour.id] });
    staffSaid = inbox(staffRoom, botUser.id); // listening before login: the first due-soon check runs then
    wechaty = WechatyBuilder.build({ puppet });
    detach = attachWechatyBot({
      wechaty, bot: scriptedBot(calls, settled), announcer, staffRooms: [STAFF_ROOM, '不存在的群'],
      logger: createLogger(process.env.TEST_LOG ?? 'silent'), dueSoonCheckMs: 40, announceCheckMs: 30,
      registerNoticeSender: (channel, sender) => { assert.equal(channel, 'wechaty'); noticeSender = sender; },
      firstDelivery: (messageId) => seen.add(`wechaty-msg:${messageId}`, '1', 600),
    });
    // The mock puppet never becomes ready() on its own: log in and wait for the event instead.
    const loggedIn = new Promise((resolve) => wechaty.once('login', resolve));
    await wechaty.start();
    mocker.login(botUser);
    await loggedIn;
  });

  after(async () => {
    detach.stop();
    await wechaty.stop();
    await seen.close();
  });

  beforeEach(() => { calls.length = 0; });

  it('hands a direct text to the bot as the contact and sends the answer back', async () => {
    const said = inbox(citizen, botUser.id);
    citizen.say('你好').to(botUser);
    await until(() => said.length === 1);
    assert.deepEqual(said, ['你说：你好']);
    const input = calls[0];
    assert.ok(input && input.kind === 'text');
    assert.deepEqual(input.citizen, { channel: 'wechaty', id: citizen.id });
    assert.equal(input.text, '你好');
    assert.ok(input.msgId);
  });

  it('ignores group talk that does not mention the bot', async () => {
    const said = inbox(group, botUser.id);
    citizen.say('今天天气不错').to(group);
    await settle();
    assert.equal(calls.length, 0);
    assert.equal(said.length, 0);
  });

  it('does not talk to other official accounts', async () => {
    const account = mocker.createContact({ name: '某公众号', type: types.Contact.Official });
    const said = inbox(account, botUser.id);
    account.say('欢迎关注').to(botUser);
    await settle();
    assert.equal(calls.length, 0);
    assert.equal(said.length, 0);
  });

  it('answers a mention in a group, without the mention, addressed to the asker', async () => {
    const said = inbox(group, botUser.id);
    citizen.say('@平安三明 怎么识别诈骗', [botUser]).to(group);
    await until(() => said.length === 1);
    const input = calls[0];
    assert.ok(input && input.kind === 'text');
    assert.equal(input.text, '怎么识别诈骗');
    // Group talk is a conversation of its own, apart from the citizen's direct chat.
    assert.deepEqual(input.citizen, { channel: 'wechaty', id: `${group.id}/${citizen.id}` });
    assert.match(said[0] ?? '', /你说：怎么识别诈骗/);
    assert.match(said[0] ?? '', /@张三/);
  });

  it('never takes a tip or shows tips in a group: it asks for a direct chat', async () => {
    const said = inbox(group, botUser.id);
    const before = calls.length;
    citizen.say('@平安三明 我要举报村口赌博', [botUser]).to(group);
    await until(() => said.length === 1);
    assert.equal(calls.length, before);
    assert.match(said[0] ?? '', /私聊/);
  });

  it('sends every reply part as text: news as title and link, transfer as a staff-will-contact note', async () => {
    const said = inbox(citizen, botUser.id);
    citizen.say('parts').to(botUser);
    await until(() => said.length === 3);
    assert.equal(said[0], '第一条');
    assert.equal(said[1], '反诈预警\nhttps://example.com/a');
    assert.match(said[2] ?? '', /工作人员/);
  });

  it('reports a notice delivered only once the message carrying it was said', async () => {
    settled.length = 0;
    const said = inbox(citizen, botUser.id);
    citizen.say('notice').to(botUser);
    await until(() => settled.length === 1);
    assert.deepEqual(said, ['答复', '您反映的事项已答复']);
    assert.deepEqual(settled, [[[7], 'delivered']]);
  });

  it('reports a notice not delivered when saying it fails, so it waits for the next message', async () => {
    settled.length = 0;
    const puppet = mocker.puppet as unknown as { messageSendText: (...args: unknown[]) => Promise<unknown> };
    const send = puppet.messageSendText;
    puppet.messageSendText = () => Promise.reject(new Error('puppet offline'));
    try {
      citizen.say('notice').to(botUser);
      await until(() => settled.length === 1);
      assert.deepEqual(settled, [[[7], 'not_delivered']]);
    } finally {
      puppet.messageSendText = send;
    }
  });

  it('says a short busy text when the engine throws', async () => {
    const said = inbox(citizen, botUser.id);
    citizen.say('boom').to(botUser);
    await until(() => said.length === 1);
    assert.equal(said[0], '系统繁忙，请稍后再试。');
  });

  it('passes images on as image input', async () => {
    const said = inbox(citizen, botUser.id);
    // What ContactMock.say(fileBox) does, without needing a serialisable FileBox.
    const image = mocker.MessageMock.create({
      id: 'img-1', talkerId: citizen.id, listenerId: botUser.id, timestamp: Date.now(), type: types.Message.Image,
    });
    mocker.puppet.emit('message', { messageId: image.id });
    await until(() => said.length === 1);
    assert.equal(calls[0]?.kind, 'image');
    assert.equal(said[0], '收到image');
  });

  it('announces red tips and assignments from the feed in the staff room, each once, code and county only', async () => {
    announcer.emit({ kind: 'new_red', code: 'SM20250101-0001', colour: 'red', category: 'security', countyName: '三元区' });
    announcer.emit({ kind: 'assigned', code: 'SM20250101-0002', colour: 'yellow', category: 'dispute', countyName: '沙县区', unitName: '沙县区' });
    await until(() => staffSaid.some((t) => t.includes('SM20250101-0002')));
    await settle();
    await settle();
    const red = staffSaid.filter((t) => t.includes('SM20250101-0001'));
    assert.equal(red.length, 1, 'once, however often the feed is read');
    assert.match(red[0] ?? '', /新红色线索/);
    assert.match(red[0] ?? '', /三元区/);
    assert.doesNotMatch(red[0] ?? '', /张三/);
    const assigned = staffSaid.filter((t) => t.includes('SM20250101-0002'));
    assert.equal(assigned.length, 1);
    assert.match(assigned[0] ?? '', /新交办事项/);
    assert.match(assigned[0] ?? '', /交办单位：沙县区/);
    // It started at the present (null), then asked from the last position it reached.
    assert.equal(announcer.asked[0], null);
    assert.equal(announcer.asked.at(-1), 102);
  });

  it('announces a due-soon tip once a day however often the check runs', async () => {
    const before = announcer.dueSoonCalls;
    await until(() => announcer.dueSoonCalls >= before + 3);
    const said = staffSaid.filter((t) => t.includes('SM20250101-0007'));
    assert.equal(said.length, 1);
    assert.match(said[0] ?? '', /即将超期/);
    assert.match(said[0] ?? '', /沙县区/);
  });

  it('passes a shared location on with its coordinates', async () => {
    const said = inbox(citizen, botUser.id);
    const location = mocker.MessageMock.create({
      id: 'loc-1', talkerId: citizen.id, listenerId: botUser.id, timestamp: Date.now(), type: types.Message.Location,
    });
    mocker.puppet.emit('message', { messageId: location.id });
    await until(() => said.length === 1);
    const input = calls[0];
    assert.ok(input && input.kind === 'location', JSON.stringify({ input, said }));
    assert.equal(typeof input.latitude, 'number');
    assert.ok(input.label);
  });

  it('registers a notice sender that messages the citizen directly', async () => {
    assert.ok(noticeSender);
    const said = inbox(citizen, botUser.id);
    await noticeSender.sendText(citizen.id, '您反映的线索已答复');
    await until(() => said.length === 1);
    assert.equal(said[0], '您反映的线索已答复');
    await assert.rejects(noticeSender.sendText('no-such-contact', 'x'), { code: 'WECHATY_CONTACT_NOT_FOUND' });
  });

  it('answers a message the puppet delivers again only once (a replayed 确认 would file a second tip)', async () => {
    const said = inbox(citizen, botUser.id);
    citizen.say('确认').to(botUser);
    await until(() => said.length === 1);
    const messageId = calls[0]?.msgId;
    assert.ok(messageId);
    // The puppet announces the same message again, as after a reconnect.
    wechaty.puppet.emit('message', { messageId });
    await settle();
    assert.equal(calls.length, 1);
    assert.deepEqual(said, ['你说：确认']);
  });
});
