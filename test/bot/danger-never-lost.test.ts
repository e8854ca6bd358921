// The account's first promise, through the real webhook, engine and database: someone in danger
// gets the number at once, and what they tell is never lost, however they tell it (in pieces,
// with their location, at any step of a draft, past the daily limit or the message rate, after
// a pause, while their previous message is still being answered, or with the database down).
import { expect } from 'chai';
import { createTestContext } from '../support/harness.js';
import { customMessagesTo, supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { sqlDate } from '../../src/db/index.js';
import type { ConfigOverrides } from '../../src/config/index.js';

interface TipRow {
  code: string; colour: string; description: string; attachments: string; place_text: string | null; place_county_code: string | null; latitude: number | null;
}

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
const NUMBER_FIRST = /^请马上拨打110/;

describe('someone in danger never loses what they tell', function () {
  this.timeout(30_000);

  /** A test context with a clock the test moves, and helpers to talk and read the tips. */
  async function world(overrides: ConfigOverrides = {}) {
    let clock = Date.now();
    const t = await createTestContext(overrides, { now: () => new Date(clock) });
    const client = (openid: string) => new ChatClient({ transport: supertestTransport(t.callback), token: t.config.wechat.token, openid });
    return {
      t,
      client,
      advance: (minutes: number) => { clock += minutes * 60_000; },
      say: async (c: ChatClient, text: string) => textOf(await c.text(text)),
      run: async (c: ChatClient, messages: string[]) => { for (const m of messages) await c.text(m); },
      tips: async () => (await t.services.db.sequelize.query('SELECT * FROM tips ORDER BY id'))[0] as TipRow[],
      codeIn: (reply: string) => {
        const m = /受理编号：(SM[0-9A-Z]+)/.exec(reply);
        if (!m?.[1]) throw new Error(`no tracking code in: ${reply}`);
        return m[1];
      },
    };
  }
  type World = Awaited<ReturnType<typeof world>>;

  describe('outside a draft', () => {
    let w: World;
    before(async () => { w = await world(); });
    after(async () => w.t.close());

    it('keeps every piece told after danger words (more danger, a fragment, the location) and files them all, red, with one 「是」', async () => {
      const c = w.client('o_pieces');
      expect(await w.say(c, '救命 有人在砸我家的门')).to.match(NUMBER_FIRST);
      expect(await w.say(c, '他拿着刀 我躲在厕所里')).to.match(NUMBER_FIRST);
      expect(await w.say(c, '门反锁了')).to.contain('已记下').and.contain('回复「是」');
      await c.voice('是个男的 穿黑衣服');
      expect(textOf(await c.image('media-danger-photo'))).to.contain('照片已收到');
      // Where they are: kept as the tip's place, never taken for the county question of alerts.
      const located = textOf(await c.location(26.26, 117.64, '福建省三明市三元区列东街道'));
      expect(located).to.contain('位置已记下').and.not.contain('防骗预警');
      expect(await w.say(c, '是')).to.contain('现在按').and.contain('手机号');
      expect(await w.say(c, '匿名')).to.contain('确认');
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.colour).to.equal('red');
      expect(row?.description).to.contain('有人在砸我家的门').and.contain('我躲在厕所里').and.contain('门反锁了').and.contain('穿黑衣服');
      expect(row?.attachments).to.contain('media-danger-photo');
      expect(row?.place_county_code).to.equal('350404');
      expect(row?.latitude).to.be.closeTo(26.26, 1e-6);
    });

    it('a command in between is answered and the danger words stay, with a reminder; 「举报」 files them', async () => {
      const c = w.client('o_command_between');
      expect(await w.say(c, '我老公喝醉了拿刀要砍我')).to.match(NUMBER_FIRST);
      expect(await w.say(c, '查询')).to.contain('还没有登记');
      const filing = await w.say(c, '举报');
      expect(filing).to.contain('现在按').and.not.contain('请选择');
      await w.say(c, '跳过');
      await w.say(c, '匿名');
      const code = w.codeIn(await w.say(c, '确认'));
      expect((await w.tips()).find((r) => r.code === code)?.description).to.contain('拿刀要砍我');
    });

    it('danger words left unanswered past the idle timeout are put aside, said so, and come back with 「是」', async () => {
      const c = w.client('o_away');
      await w.say(c, '我老公喝醉了在打我 我跑出来了');
      w.advance(40);
      const back = await w.say(c, '是');
      expect(back).to.contain('接着上次');
      await w.say(c, '好了');
      await w.say(c, '跳过');
      await w.say(c, '匿名');
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.description).to.contain('在打我');
      expect(row?.colour).to.equal('red');
    });

    it('a draft told in danger and put aside comes back with every yes the offer took (「嗯」 too)', async () => {
      const c = w.client('o_away_hm');
      await w.say(c, '有人跟踪我到楼下 我很害怕');
      w.advance(40);
      expect(await w.say(c, '嗯')).to.contain('接着上次');
    });

    it('danger told again after a draft told in danger was put aside goes on in that draft', async () => {
      const c = w.client('o_same_story');
      await w.run(c, ['举报', '1', '前夫拿着刀在楼下堵我']);
      w.advance(40);
      const again = await w.say(c, '他又上来了 在踹门');
      expect(again).to.match(NUMBER_FIRST);
      const later = await customMessagesTo(w.t.fakeWechat, 'o_same_story', 1);
      expect(later.join('\n')).to.contain('接着您上次');
      await w.run(c, ['好了', '跳过', '匿名']);
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.description).to.contain('前夫拿着刀').and.contain('在踹门');
    });
  });

  describe('inside 鉴诈 and a rating', () => {
    let w: World;
    before(async () => { w = await world(); });
    after(async () => w.t.close());

    it('danger words sent to 鉴诈 are checked and also kept for 「是」', async () => {
      const c = w.client('o_check_danger');
      await w.say(c, '鉴诈');
      expect(await w.say(c, '他们把我关在房间里不让我走 救命')).to.match(NUMBER_FIRST);
      const later = await customMessagesTo(w.t.fakeWechat, 'o_check_danger', 2);
      expect(later.join('\n')).to.contain('回复「是」');
      expect(await w.say(c, '是')).to.contain('现在按');
      await w.run(c, ['跳过', '匿名']);
      const code = w.codeIn(await w.say(c, '确认'));
      expect((await w.tips()).find((r) => r.code === code)?.description).to.contain('不让我走');
    });

    it('danger words sent while a rating waits for a number are kept for 「是」, not asked for a number again', async () => {
      const c = w.client('o_rate_danger');
      await w.run(c, ['举报', '1', '村口有人赌博', '好了', '跳过', '匿名']);
      const code = w.codeIn(await w.say(c, '确认'));
      await w.t.services.db.sequelize.query("UPDATE tips SET state = 'answered', answer = '已处理', answered_at = ?, answer_public_at = ? WHERE code = ?", {
        replacements: [sqlDate(w.t.services.db.dialect, new Date(Date.now() - 60_000)), sqlDate(w.t.services.db.dialect, new Date(Date.now() - 60_000)), code],
      });
      expect(await w.say(c, `评价 ${code}`)).to.contain('打分');
      expect(await w.say(c, '他们又来了 拿着刀 救命')).to.match(NUMBER_FIRST);
      expect(await w.say(c, '是')).to.contain('现在按');
    });
  });

  describe('inside a draft', () => {
    let w: World;
    before(async () => { w = await world(); });
    after(async () => w.t.close());

    it('danger words at the place, contact and confirm steps join the description, and are never taken for the place', async () => {
      const c = w.client('o_steps');
      await w.run(c, ['举报', '1', '隔壁两口子老是吵架', '好了']);
      expect(await w.say(c, '他拿刀冲过来了救命')).to.match(NUMBER_FIRST);
      expect(await w.say(c, '跳过')).to.contain('手机号');
      await w.say(c, '他在打我老婆 快来');
      await w.say(c, '匿名');
      await w.say(c, '又打起来了 在流血');
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.description).to.contain('他拿刀冲过来了').and.contain('在打我老婆').and.contain('在流血');
      expect(row?.place_text).to.equal(null);
      expect(row?.colour).to.equal('red');
    });

    it('short pieces told in danger at the category step are kept', async () => {
      const c = w.client('o_fragments');
      await w.run(c, ['举报 有人拿刀砍我', '厕所里', '门锁了', '1', '好了', '跳过', '匿名']);
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.description).to.contain('厕所里').and.contain('门锁了');
    });

    it('「继续」 and 「重新开始」 are never taken for an answer to the step', async () => {
      const c = w.client('o_words');
      await w.run(c, ['举报', '1', '小区里有人贩毒', '好了']);
      expect(await w.say(c, '重新开始')).to.contain('取消').and.contain('地点');
      expect(await w.say(c, '继续')).to.contain('地点');
      await w.run(c, ['跳过']);
      expect(await w.say(c, '继续')).to.contain('手机号').and.not.contain('好像不对');
      await w.say(c, '匿名');
      const code = w.codeIn(await w.say(c, '确认'));
      const row = (await w.tips()).find((r) => r.code === code);
      expect(row?.place_text).to.equal(null);
    });

    it('a submit the database refuses tells someone in danger to call 110, keeps the draft, and files it at the next 确认', async () => {
      const c = w.client('o_db_refuses');
      await w.run(c, ['举报', '1', '有人拿刀堵在我家门口说要杀了我', '好了', '跳过', '匿名']);
      await w.t.services.db.sequelize.query(w.t.services.db.dialect === 'sqlite'
        ? "CREATE TRIGGER danger_test_block BEFORE INSERT ON tips BEGIN SELECT RAISE(ABORT, 'blocked'); END;"
        : "CREATE TRIGGER danger_test_block BEFORE INSERT ON tips FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'blocked'");
      let failed: string;
      try {
        failed = await w.say(c, '确认');
      } finally {
        await w.t.services.db.sequelize.query('DROP TRIGGER danger_test_block');
      }
      expect(failed).to.contain('还没有提交成功').and.contain('110');
      const code = w.codeIn(await w.say(c, '确认'));
      expect((await w.tips()).find((r) => r.code === code)?.description).to.contain('要杀了我');
    });
  });

  describe('limits', () => {
    it('the daily limit never refuses danger: after danger words, and at 确认 of a draft told in danger', async () => {
      const w = await world({ bot: { tipsPerDay: 1 } });
      try {
        const c = w.client('o_limit');
        await w.run(c, ['举报', '1', '村口有人赌博', '好了', '跳过', '匿名']);
        w.codeIn(await w.say(c, '确认'));
        expect(await w.say(c, '举报')).to.contain('每人每天最多');
        expect(await w.say(c, '我老公拿刀要砍我 救命')).to.match(NUMBER_FIRST);
        expect(await w.say(c, '是')).to.contain('现在按');
        await w.run(c, ['跳过', '匿名']);
        const code = w.codeIn(await w.say(c, '确认'));
        expect((await w.tips()).find((r) => r.code === code)?.colour).to.equal('red');
      } finally {
        await w.t.close();
      }
    });

    it('pieces told fast in danger are never refused by the message rate', async () => {
      const w = await world({ bot: { messagesPerMinute: 3 } });
      try {
        const c = w.client('o_fast_danger');
        const replies: string[] = [];
        for (const m of ['有人拿刀砍我 救命', '我在二楼', '厕所里', '他在外面', '三元区', '列东街道']) replies.push(await w.say(c, m));
        for (const r of replies) expect(r).to.not.contain('稍等');
        await w.run(c, ['是', '匿名']);
        const code = w.codeIn(await w.say(c, '确认'));
        const row = (await w.tips()).find((r) => r.code === code);
        expect(row?.description).to.contain('他在外面').and.contain('列东街道');
      } finally {
        await w.t.close();
      }
    });
  });

  describe('when the answer is late or the database is down', () => {
    it('a message in danger waiting for the previous one past the reply window gets the number as the passive reply, and not twice', async () => {
      const w = await world({ wechat: { replyBudgetMs: 500 } });
      try {
        const c = w.client('o_late');
        await w.run(c, ['举报', '1', '村口有人赌博', '好了', '跳过', '匿名']);
        const desk = w.t.services.tips.desk;
        const submit = desk.submit.bind(desk);
        desk.submit = async (s) => { await new Promise((r) => setTimeout(r, 1500)); return submit(s); };
        try {
          const [, danger] = await Promise.all([
            c.text('确认'),
            new Promise((r) => setTimeout(r, 50)).then(() => c.text('救命 他拿刀进来了')),
          ]);
          expect(textOf(danger)).to.match(NUMBER_FIRST);
        } finally {
          desk.submit = submit;
        }
        const later = await customMessagesTo(w.t.fakeWechat, 'o_late', 2);
        await new Promise((r) => setTimeout(r, 200));
        const all = await customMessagesTo(w.t.fakeWechat, 'o_late', 2);
        expect(later.join('\n')).to.contain('受理编号');
        expect(all.filter((m) => NUMBER_FIRST.test(m))).to.have.length(0);
      } finally {
        await w.t.close();
      }
    });

    it('a message in danger whose own turn is slow gets the number as the passive reply, and so does WeChat\'s retry of it', async () => {
      const w = await world({ wechat: { replyBudgetMs: 500 } });
      try {
        const c = w.client('o_slow_turn');
        const desk = w.t.services.tips.desk;
        const hold = desk.holdNotices.bind(desk);
        desk.holdNotices = async (who) => { await new Promise((r) => setTimeout(r, 1500)); return hold(who); };
        try {
          const xml = c.messageXml({ MsgType: 'text', Content: '有人拿刀砍人了 快来', MsgId: c.nextMsgId() });
          const first = c.send(xml);
          await new Promise((r) => setTimeout(r, 600));
          const retry = await c.send(xml);
          expect(textOf(await first)).to.match(NUMBER_FIRST);
          expect(textOf(retry)).to.match(NUMBER_FIRST);
        } finally {
          desk.holdNotices = hold;
        }
        // The rest of the answer follows by customer-service message, without the number again.
        const later = await customMessagesTo(w.t.fakeWechat, 'o_slow_turn', 1);
        expect(later[0]).to.contain('回复「是」').and.not.match(NUMBER_FIRST);
      } finally {
        await w.t.close();
      }
    });

    it('with the database down, the one passive reply says the number and that the message was not kept', async () => {
      const w = await world();
      try {
        const c = w.client('o_db_down');
        await w.say(c, '举报');
        await w.t.services.db.sequelize.close();
        const reply = await w.say(c, '他拿刀冲进来了 救命');
        expect(reply).to.match(NUMBER_FIRST).and.contain('没有记下');
      } finally {
        await w.t.close().catch(() => undefined);
      }
    });
  });
});
