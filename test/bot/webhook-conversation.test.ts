// Conversations through the real webhook (signed XML, plain and AES) into the real engine, tips
// service and database, asserting both what the citizen reads and what was stored.
import { expect } from 'chai';
import { createTestContext, type TestContext } from '../support/harness.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';

interface TipRow {
  code: string; category: string; state: string; colour: string; description: string; transcript: string;
  attachments: string; place_county_code: string | null; place_township_code: string | null;
  latitude: number | null; longitude: number | null; reporter_sealed: string; reporter_hash: string; anonymous: number | boolean;
}

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

describe('conversations through the webhook', function () {
  this.timeout(30_000);
  let t: TestContext;

  before(async () => { t = await createTestContext(); });
  after(async () => t.close());

  const citizen = (openid: string, aes = false) => new ChatClient({
    transport: supertestTransport(t.callback),
    token: t.config.wechat.token,
    openid,
    ...(aes ? { aes: { encodingAESKey: t.config.wechat.aesKey, appId: t.config.wechat.appId } } : {}),
  });
  const say = async (c: ChatClient, text: string) => textOf(await c.text(text));
  const tips = async (): Promise<TipRow[]> => {
    const [rows] = await t.services.db.sequelize.query('SELECT * FROM tips ORDER BY id');
    return rows as TipRow[];
  };
  const tipByCode = async (code: string): Promise<TipRow> => {
    const row = (await tips()).find((r) => r.code === code);
    if (!row) throw new Error(`no tip ${code}`);
    return row;
  };
  const codeIn = (reply: string): string => {
    const m = /受理编号：(SM\d{6}[A-Z0-9]{4,})/.exec(reply);
    if (!m?.[1]) throw new Error(`no tracking code in: ${reply}`);
    return m[1];
  };

  it('welcomes a new follower with what the account does', async () => {
    const reply = textOf(await citizen('o_new').subscribe());
    expect(reply).to.contain('平安三明').and.contain('举报');
  });

  it('takes a tip in plaintext mode with a WeChat location, and stores it encrypted', async () => {
    const c = citizen('o_loc_citizen');
    expect(await say(c, '举报')).to.contain('类别');
    expect(await say(c, '1')).to.contain('描述');
    await say(c, '村口小卖部每天晚上有人聚众赌博');
    expect(textOf(await c.image('media-photo-1'))).to.not.contain('<');
    expect(await say(c, '好了')).to.match(/位置|地点/);
    expect(textOf(await c.location(26.39, 117.78, '福建省三明市沙县区凤岗街道府西路'))).to.contain('联系');
    expect(await say(c, '13812345678')).to.contain('确认');
    const done = await say(c, '确认');
    const code = codeIn(done);
    const row = await tipByCode(code);
    expect(row).to.include({ category: 'security', state: 'received' });
    expect(row.description).to.contain('聚众赌博');
    expect(row.latitude).to.be.closeTo(26.39, 1e-6);
    expect(row.attachments).to.contain('media-photo-1');
    expect(row.transcript).to.contain('村口小卖部').and.contain('确认');
    // Identity is sealed: neither the openid nor the phone is readable in the row.
    const flat = JSON.stringify(row);
    expect(flat).to.not.contain('o_loc_citizen');
    expect(flat).to.not.contain('13812345678');
  });

  it('takes a tip in safe mode (AES) with the place typed as county and township', async () => {
    const c = citizen('o_aes_citizen', true);
    expect(await say(c, '信访')).to.contain('类别');
    expect(await say(c, '矛盾纠纷')).to.contain('描述');
    await say(c, '邻居占用我家宅基地，协商多次无果');
    await say(c, '好了');
    expect(await say(c, '清流县嵩溪镇')).to.contain('联系');
    expect(await say(c, '匿名')).to.contain('确认');
    const code = codeIn(await say(c, '确认'));
    const row = await tipByCode(code);
    expect(row).to.include({ category: 'dispute', place_county_code: '350423', place_township_code: '350423101' });
    expect(Boolean(row.anonymous)).to.equal(true);
  });

  it('takes voice with recognition as description, and a skipped place', async () => {
    const c = citizen('o_voice');
    await say(c, '举报');
    await say(c, '2');
    expect(textOf(await c.voice('有人冒充公安让我转账到安全账户'))).to.contain('安全账户');
    await say(c, '好了');
    expect(await say(c, '跳过')).to.contain('联系');
    await say(c, '匿名');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.category).to.equal('fraud');
    expect(row.description).to.contain('安全账户');
    expect(row.place_county_code).to.equal(null);
  });

  it('takes a tip told only by a photo and a voice message it could not recognise', async () => {
    const c = citizen('o_dialect');
    await say(c, '举报');
    await say(c, '1');
    expect(textOf(await c.image('media-only-photo'))).to.contain('照片已收到');
    expect(textOf(await c.voice(undefined, 'media-only-voice'))).to.contain('语音');
    expect(await say(c, '好了')).to.match(/位置|地点/);
    await say(c, '跳过');
    expect(await say(c, '匿名')).to.contain('见附件');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.description).to.equal('（见附件）');
    expect(row.attachments).to.contain('media-only-photo').and.contain('media-only-voice');
  });

  // One piece a message (the engine's cap is 2,000 characters), about 1,990 each.
  const longPiece = (i: number, extra = '') => `第${i}段${extra}：${'工地每天夜里施工到凌晨，噪音很大，大车进进出出，老人孩子都睡不着觉。'.repeat(60)}`.slice(0, 1990);

  it('stops adding to a long description at the desk\'s limit, says so, and still takes the tip', async () => {
    const c = citizen('o_long_story');
    await say(c, '举报');
    await say(c, '4');
    for (let i = 1; i <= 5; i += 1) expect(await say(c, longPiece(i)), `piece ${i}`).to.contain('收到');
    const sixth = await say(c, longPiece(6));
    expect(sixth).to.contain('没有记下').and.contain('好了');
    await say(c, '好了');
    await say(c, '跳过');
    await say(c, '匿名');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.description.length).to.be.within(9_900, 10_000);
    expect(row.description).to.contain('第5段').and.not.contain('第6段');
  });

  it('takes a long named tip whose sealed originals pass 64 KB (MariaDB\'s TEXT)', async () => {
    const c = citizen('o_long_named');
    await say(c, '举报');
    await say(c, '4');
    // Someone else's number in every piece: the stored texts are masked and the originals sealed.
    for (let i = 1; i <= 5; i += 1) await say(c, longPiece(i, '，施工队老板电话13912345678'));
    await say(c, '好了');
    await say(c, '跳过');
    expect(await say(c, '13812345678')).to.contain('确认');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.reporter_sealed.length).to.be.greaterThan(65_535);
    expect(row.description).to.not.contain('13912345678');
  });

  it('keeps numbers the contact question refused out of an anonymous tip\'s transcript', async () => {
    const c = citizen('o_refused_numbers');
    for (const m of ['举报', '1', '有人在河边非法采砂', '好了', '跳过']) await say(c, m);
    for (const refused of ['8234567', '1391234567', '139，8765，432', '我座机0598-6543210']) {
      expect(await say(c, refused), refused).to.contain('手机号好像不对');
    }
    await say(c, '匿名');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.transcript).to.contain('我座机');
    for (const digits of ['8234567', '1391234567', '8765', '6543210']) expect(row.transcript).to.not.contain(digits);
  });

  it('cancels, goes back and edits without losing the draft', async () => {
    const c = citizen('o_edit');
    await say(c, '举报');
    expect(await say(c, '取消')).to.match(/取消/);
    expect((await tips()).length).to.be.greaterThan(-1);
    await say(c, '举报');
    await say(c, '1');
    expect(await say(c, '返回')).to.contain('类别');
    await say(c, '3');
    await say(c, '楼上装修噪音扰民');
    await say(c, '好了');
    await say(c, '跳过');
    await say(c, '匿名');
    expect(await say(c, '修改')).to.contain('联系');
    expect(await say(c, '13912345678')).to.contain('确认');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.category).to.equal('dispute');
    expect(Boolean(row.anonymous)).to.equal(false);
  });

  it('retries of 确认 (same MsgId three times) make one tip and the same reply', async () => {
    const c = citizen('o_retry');
    await say(c, '举报');
    await say(c, '7');
    await say(c, '网上有人散布谣言说水库要垮了');
    await say(c, '好了');
    await say(c, '跳过');
    await say(c, '匿名');
    const before = (await tips()).length;
    const xml = c.messageXml({ MsgType: 'text', Content: '确认', MsgId: c.nextMsgId() });
    const replies = await Promise.all([c.send(xml), c.send(xml), c.send(xml)]);
    const texts = replies.map(textOf);
    expect(new Set(texts).size).to.equal(1);
    codeIn(texts[0]!);
    expect((await tips()).length).to.equal(before + 1);
    const again = textOf(await c.send(xml));
    expect(again).to.equal(texts[0]);
    expect((await tips()).length).to.equal(before + 1);
  });

  it('keeps two citizens interleaved apart, and 查询 shows only one\'s own tips', async () => {
    const a = citizen('o_alice');
    const b = citizen('o_bob');
    await say(a, '举报');
    await say(b, '举报');
    await say(a, '1');
    await say(b, '6');
    await say(a, '小区门口有人吸毒');
    await say(b, '河里有人电鱼排污');
    await say(a, '好了');
    await say(b, '好了');
    await say(a, '跳过');
    await say(b, '跳过');
    await say(a, '匿名');
    await say(b, '匿名');
    const codeA = codeIn(await say(a, '确认'));
    const codeB = codeIn(await say(b, '确认'));
    expect(codeA, 'distinct codes').to.not.equal(codeB);
    expect((await tipByCode(codeA)).description).to.contain('吸毒');
    expect((await tipByCode(codeB)).description).to.contain('电鱼');
    const mine = await say(a, '查询');
    expect(mine).to.contain(codeA).and.not.contain(codeB);
    const other = await say(a, `查询 ${codeB}`);
    expect(other).to.not.contain('电鱼');
    expect(other).to.contain('没有找到');
    expect(await say(b, `查询 ${codeB}`)).to.contain(codeB);
  });

  it('answers danger words with 110 at once and grades the tip red', async () => {
    const c = citizen('o_danger');
    await say(c, '举报');
    await say(c, '1');
    expect(await say(c, '邻居拿着刀说要杀人')).to.contain('110');
    await say(c, '好了');
    await say(c, '跳过');
    await say(c, '匿名');
    const row = await tipByCode(codeIn(await say(c, '确认')));
    expect(row.colour).to.equal('red');
  });

  it('answers menu clicks and unknown text with the commands', async () => {
    const c = citizen('o_menu');
    expect(textOf(await c.click('HELP'))).to.contain('举报');
    expect(await say(c, '今天天气怎么样')).to.contain('举报');
    expect((await c.click('HUMAN')).type).to.equal('transfer_customer_service');
  });
});

describe('conversations: limits, timeouts and a database that is down', function () {
  this.timeout(30_000);

  it('suspends an idle draft after 30 minutes, offers it back, and resumes it with 继续', async () => {
    let clock = Date.now();
    const t = await createTestContext({}, { now: () => new Date(clock) });
    try {
      const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_idle' });
      const say = async (m: string) => textOf(await c.text(m));
      await say('举报');
      await say('1');
      await say('夜里有人在工地偷电缆');
      clock += 31 * 60 * 1000;
      const later = await say('你好');
      expect(later).to.contain('继续');
      expect(await say('继续')).to.match(/描述|好了/);
      await say('好了');
      await say('跳过');
      await say('匿名');
      const done = await say('确认');
      expect(done).to.contain('受理编号');
      const [rows] = await t.services.db.sequelize.query('SELECT description FROM tips');
      expect((rows as Array<{ description: string }>)[0]?.description).to.contain('偷电缆');
    } finally {
      await t.close();
    }
  });

  it('rate-limits a citizen politely, never silently', async () => {
    const t = await createTestContext({ bot: { messagesPerMinute: 3 } });
    try {
      const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_fast' });
      const replies: string[] = [];
      for (let i = 0; i < 5; i += 1) replies.push(textOf(await c.text(`你好${i}`)));
      expect(replies[4]).to.contain('稍等');
      for (const r of replies) expect(r).to.not.equal('<none>');
    } finally {
      await t.close();
    }
  });

  it('tells the citizen the tip was NOT received when the database is down, and stores nothing', async () => {
    const t = await createTestContext();
    try {
      const c = new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid: 'o_dbdown' });
      for (const m of ['举报', '1', '有人在河边非法采砂', '好了', '跳过', '匿名']) await c.text(m);
      await t.services.db.sequelize.close();
      const reply = textOf(await c.text('确认'));
      expect(reply).to.not.contain('受理编号');
      expect(reply).to.match(/没有|未/);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});
