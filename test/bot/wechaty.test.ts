// End to end through the bot process's own boot sequence (startWechatyBot) with the mock puppet:
// the real engine, tips module and database; only WeChat itself is simulated.
import assert from 'node:assert/strict';
import { log } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startWechatyBot, type WechatyBotProcess } from '../../src/bot/adapters/wechaty-boot.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

log.level('silent');

const STAFF_ROOM = '三明市委政法委线索值班群';
type Hears = { on(event: 'message', listener: (m: mock.MessageMock) => void): unknown };

/** Texts the bot says where `target` (a contact or a room) hears them. */
function inbox(target: mock.ContactMock | mock.RoomMock, botId: string): string[] {
  const said: string[] = [];
  // The mocks are typed-emitter EventEmitters, whose typings do not resolve under NodeNext.
  (target as unknown as Hears).on('message', (m) => { if (m.payload.talkerId === botId) said.push(m.payload.text ?? ''); });
  return said;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the bot');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for the bot to start answering and then to fall quiet (a reply can be several messages). */
async function answerTo(said: string[], send: () => void): Promise<string> {
  const from = said.length;
  send();
  await until(() => said.length > from);
  let seen = -1;
  while (seen !== said.length) {
    seen = said.length;
    await new Promise((r) => setTimeout(r, 120));
  }
  return said.slice(from).join('\n');
}

describe('Wechaty bot end to end (mock puppet, real engine and database)', () => {
  let tdb: TestDatabase;
  let running: WechatyBotProcess;
  let mocker: mock.Mocker;
  let botUser: mock.ContactMock;
  let citizen: mock.ContactMock;
  let staffSaid: string[];
  let group: mock.RoomMock;

  before(async () => {
    tdb = await createTestDatabase();
    const config = await loadConfig({ databaseUrl: tdb.url, wechaty: { name: '', staffRooms: [STAFF_ROOM] } });
    mocker = new mock.Mocker();
    botUser = mocker.createContact({ name: '平安三明' });
    citizen = mocker.createContact({ name: '王五' });
    const officer = mocker.createContact({ name: '值班民警' });
    group = mocker.createRoom({ topic: '三元区平安志愿者群', memberIdList: [botUser.id, citizen.id, officer.id] });
    const staffRoom = mocker.createRoom({ topic: STAFF_ROOM, memberIdList: [botUser.id, officer.id] });
    staffSaid = inbox(staffRoom, botUser.id);

    running = await startWechatyBot(config, createLogger('silent'), { puppet: new PuppetMock({ mocker }) });
    // The mock puppet never becomes ready() on its own: log in and wait for the event instead.
    const loggedIn = new Promise((resolve) => running.wechaty.once('login', resolve));
    mocker.login(botUser);
    await loggedIn;
  });

  after(async () => {
    await running?.stop();
    await tdb?.drop();
  });

  it('takes a tip from a direct chat into the database and tells the staff room it is red', async () => {
    const said = inbox(citizen, botUser.id);
    const ask = (text: string) => answerTo(said, () => citizen.say(text).to(botUser));

    assert.match(await ask('举报'), /类别/);
    assert.match(await ask('1'), /描述/);
    assert.match(await ask('他拿着刀在村口说要砍人'), /110/);
    assert.match(await ask('好了'), /地点|位置/);
    assert.match(await ask('三元区'), /联系/);
    assert.match(await ask('匿名'), /确认/);
    const receipt = await ask('确认');
    const code = /受理编号：(\S+?)[\s，。,]/.exec(`${receipt}\n`)?.[1];
    assert.ok(code, receipt);

    const [rows] = await running.db.sequelize.query(
      'SELECT code, channel, colour, danger, place_county_code AS county, reporter_sealed AS sealed FROM tips WHERE code = ?',
      { replacements: [code] },
    );
    const row = (rows as Array<Record<string, unknown>>)[0];
    assert.ok(row, `tip ${code} is in the database`);
    assert.equal(row.channel, 'wechaty');
    assert.equal(row.colour, 'red');
    assert.ok(row.county);
    assert.doesNotMatch(String(row.sealed), new RegExp(citizen.id), 'the contact id is sealed, not stored in clear');

    await until(() => staffSaid.some((t) => t.includes(code)));
    const announcement = staffSaid.find((t) => t.includes(code)) ?? '';
    assert.match(announcement, /三元区/);
    assert.match(announcement, /红色/);
    assert.doesNotMatch(announcement, /王五/);
    assert.ok(!announcement.includes(citizen.id), 'never the reporter');
  });

  it('answers in a group only when mentioned', async () => {
    const said = inbox(group, botUser.id);
    citizen.say('大家晚上好').to(group);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(said.length, 0);

    const answer = await answerTo(said, () => citizen.say('@平安三明 帮助', [botUser]).to(group));
    assert.ok(answer.length > 0);
    assert.match(answer, /@王五/);
  });
});
