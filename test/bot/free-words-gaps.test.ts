// Free messages the words rules used to miss: a question about what scams there are, a phone
// number alone, an ID or bank card number alone (answered, and never kept), and emoji alone.
// Each case sits beside the near misses that must keep their old answer.
import { expect } from 'chai';
import { conversationKey, type ConversationRecord } from '../../src/bot/conversation.js';
import { createEngine } from '../../src/bot/engine.js';
import type { ArticleShelf, ShelfArticle } from '../../src/bot/ports.js';
import type { Bot } from '../../src/bot/types.js';
import { createLogger } from '../../src/platform/logger.js';
import { Clock, FakeDesk, JsonStore, citizen, harness, input, send, testConfig, texts, type Harness } from './engine-harness.js';

const GUIDE = '【防骗提醒】';
const NOT_UNDERSTOOD = '没能明白';
const OFFER = '要我帮您登记';
const BILINGUAL = 'Hello, this is';
const DISTRESS = '您好，遇到什么事了吗？可以直接打字或发语音告诉我。紧急情况请马上拨打110。';

/** Each message from a citizen of its own, so no offer or flow of one message reaches the next. */
async function fresh(h: Harness, text: string, n: number): Promise<string> {
  return send(h, text, citizen(`gaps-${n}`));
}

/** Sends every message and checks each reply; the message is named when one fails. */
async function each(h: Harness, messages: readonly string[], check: (reply: string, text: string) => void, from = 0) {
  for (const [i, text] of messages.entries()) check(await fresh(h, text, from + i), text);
}

class Shelf implements ArticleShelf {
  searched: string[] = [];
  failing = false;
  constructor(private readonly articles: ShelfArticle[]) {}
  latest(limit: number) { return Promise.resolve(this.articles.slice(0, limit)); }
  search(words: string, limit: number) {
    this.searched.push(words);
    if (this.failing) return Promise.reject(new Error('database down'));
    const all = this.articles.filter((a) => `${a.title}${a.summary}`.includes(words));
    return Promise.resolve({ items: all.slice(0, limit), total: all.length });
  }
  listUrl(words?: string) { return words ? `https://example.test/articles?q=${encodeURIComponent(words)}` : 'https://example.test/articles'; }
}

async function engineWith(opts: { articles?: ArticleShelf; lines?: string[]; store?: JsonStore<ConversationRecord> }): Promise<Bot> {
  const config = await testConfig({ messagesPerMinute: 1000 });
  const lines = opts.lines;
  const logger = lines ? createLogger('debug', { write: (line: string) => { lines.push(line); } }) : createLogger('silent');
  return createEngine({
    config, logger, desk: new FakeDesk(), conversations: opts.store ?? new JsonStore<ConversationRecord>(), now: new Clock().now,
    ...(opts.articles ? { articles: opts.articles } : {}),
  });
}

describe('bot: free words the rules used to miss', () => {
  describe('a question about what scams there are', () => {
    it('gets the anti-fraud guide, with the named scam\'s advice first, never a tip offer', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const questions = [
        '养老诈骗有哪些', '常见的诈骗手段都有哪些？', '电信诈骗都有什么套路', '刷单诈骗是什么', '怎么识别杀猪盘',
        '老年人怎么防骗', '怎样才能不被骗', '如何防范冒充公检法的骗子', '网络贷款诈骗怎么识别啊', '什么是电信网络诈骗',
      ];
      await each(h, questions, (reply, text) => {
        expect(reply, text).to.contain(GUIDE).and.not.contain(OFFER).and.not.contain(NOT_UNDERSTOOD).and.not.contain('止付');
      });
      // The scam the question names comes first, in the words of 鉴诈's advice for it.
      expect(await fresh(h, '养老诈骗有哪些', 20)).to.match(/^【养老诈骗】\n.*保健品/);
      expect(await fresh(h, '怎么识别杀猪盘', 21)).to.match(/^【网络婚恋交友（杀猪盘）】/);
      expect(await fresh(h, '刷单诈骗是什么', 22)).to.match(/^【刷单返利】/);
      expect(await fresh(h, '常见的诈骗手段都有哪些？', 23)).to.match(new RegExp(`^${GUIDE}`));
      // Nothing to file: a 「是」 after it starts no tip.
      await send(h, '养老诈骗有哪些', citizen('gaps-yes'));
      expect(await send(h, '是', citizen('gaps-yes'))).to.not.contain('地点');
      expect(h.desk.submitCalls).to.have.length(0);
    });

    it('adds the article on the scam the question names, and the guide alone when the shelf fails', async () => {
      const shelf = new Shelf([
        { title: '警惕养老诈骗的五种套路', summary: '保健品、以房养老', url: 'https://example.test/articles/a1', coverUrl: null },
        { title: '刷单返利都是骗局', summary: '先垫钱的都是诈骗', url: 'https://example.test/articles/a2', coverUrl: null },
      ]);
      const bot = await engineWith({ articles: shelf });
      const reply = await bot.handle(input({ kind: 'text', text: '针对老人的养老骗局有哪些' }, citizen('shelf-1')));
      expect(reply.parts[0]?.type === 'text' && reply.parts[0].text).to.contain('【养老诈骗】').and.contain(GUIDE);
      expect(reply.parts[1]).to.deep.equal({
        type: 'news', articles: [{ title: '警惕养老诈骗的五种套路', description: '保健品、以房养老', url: 'https://example.test/articles/a1' }],
      });
      expect(reply.parts).to.have.length(2);
      expect(shelf.searched).to.deep.equal(['养老']);
      // A general question names no scam: the guide alone, nothing searched.
      const general = await bot.handle(input({ kind: 'text', text: '常见的骗局有哪些' }, citizen('shelf-2')));
      expect(general.parts.map((p) => p.type)).to.deep.equal(['text']);
      expect(shelf.searched).to.have.length(1);
      shelf.failing = true;
      const failing = await bot.handle(input({ kind: 'text', text: '刷单诈骗有哪些套路' }, citizen('shelf-3')));
      expect(failing.parts.map((p) => p.type)).to.deep.equal(['text']);
      expect(texts(failing)).to.contain('【刷单返利】').and.contain(GUIDE);
    });

    it('still answers a victim, a message to check and a scam to report as before', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      // The question is answered now; the stories beside it keep their answers.
      expect(await fresh(h, '怎么防止被骗', 30)).to.contain(GUIDE).and.not.contain('止付');
      for (const [i, story] of ['我妈被养老诈骗骗了三万', '被骗了怎么防止再被骗，我昨天转了五千块', '我爸买保健品被骗了两万多 这种养老诈骗有哪些'].entries()) {
        const reply = await fresh(h, story, 31 + i);
        expect(reply.split('\n')[0], story).to.contain('110').and.contain('96110');
        expect(reply, story).to.contain('止付').and.not.contain(GUIDE);
      }
      // 「是不是骗子」 asks for a verdict on what they were told.
      expect(await fresh(h, '有人让我交两万块买保健品说能治病，这是不是养老诈骗', 35)).to.match(/【(高风险|要小心|暂未发现明显风险)】/).and.not.contain(GUIDE);
      // A scam seen in the village, asked where to take it: a problem to file.
      expect(await fresh(h, '村里有人开讲座卖保健品骗老人，哪些部门管', 36)).to.contain(OFFER).and.not.contain(GUIDE);
    });
  });

  describe('a phone number alone', () => {
    it('says plainly how to tell whether the caller is a scammer, in any notation', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const numbers = ['13859812345', '0598-8221234', '+86 138 5981 2345', '95188', '(0598)8221234', '400-812-3123', '138 5981 2345？', '这个号码13859812345是谁的', '10690123456789'];
      await each(h, numbers, (reply, text) => {
        expect(reply, text).to.contain('查不到这个号码是谁的').and.contain('安全账户').and.contain('96110').and.contain('国家反诈中心')
          .and.contain('「鉴诈」').and.contain('「举报」').and.not.contain(NOT_UNDERSTOOD).and.not.contain('境外');
      });
      expect(await fresh(h, '+852 6123 4567', 40)).to.contain('境外').and.contain('查不到');
      expect(await fresh(h, '0044 20 7946 0958', 41)).to.contain('境外');
      // A public line the FAQ knows is named.
      expect(await fresh(h, '12345', 42)).to.contain('政务服务便民热线').and.not.contain(NOT_UNDERSTOOD);
      // Nothing is kept: the next 「是」 files nothing.
      await send(h, '13859812345', citizen('gaps-phone-yes'));
      expect(await send(h, '是', citizen('gaps-phone-yes'))).to.not.contain('地点');
      expect(h.desk.submitCalls).to.have.length(0);
    });

    it('leaves a number told with a story, a report or a tip\'s contact step as it was', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const victim = await fresh(h, '我被骗了 对方电话13859812345', 50);
      expect(victim.split('\n')[0]).to.contain('110').and.contain('96110');
      expect(victim).to.not.contain('查不到');
      expect(await fresh(h, '举报 13859812345 天天打骚扰电话', 51)).to.contain('好的，我来帮您').and.not.contain('查不到');
      // In a tip at the contact step the number is the citizen's contact.
      const who = citizen('gaps-contact');
      await send(h, '举报', who);
      await send(h, '1', who);
      await send(h, '村口有人聚众赌博', who);
      await send(h, '好了', who);
      expect(await send(h, '跳过', who)).to.contain('手机号');
      const contact = await send(h, '13859812345', who);
      expect(contact).to.contain('138****2345').and.contain('确认').and.not.contain('查不到');
      // And the bare number itself is answered so only outside a flow.
      expect(await fresh(h, '13859812345', 53)).to.contain('查不到这个号码是谁的');
    });

    it('right after 「要登记吗？」 takes the number for the citizen\'s own: the offer stands, and the number is kept nowhere', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      for (const [i, number] of ['13859812345', '0598-8221234', '138 5981 2345。'].entries()) {
        const who = citizen(`gaps-offer-number-${i}`);
        expect(await send(h, '我家门口天天有人打牌赌钱，吵得睡不着', who)).to.contain(OFFER);
        const reply = await send(h, number, who);
        expect(reply, number).to.contain('现在先不用发').and.contain('请回复「是」').and.not.contain('查不到');
        const stored = JSON.stringify(await h.store.get(conversationKey(who)));
        expect(stored, number).to.contain('打牌赌钱');
        expect(stored, number).to.not.contain('5981').and.not.contain('8221234');
        // 「是」 still files what they said before the number.
        const yes = await send(h, '是', who);
        expect(yes, number).to.contain('您说的情况已记下');
      }
      // Only once: a second message that is not 「是」 lets the offer lapse as any other.
      const who = citizen('gaps-offer-number-twice');
      await send(h, '我家门口天天有人打牌赌钱，吵得睡不着', who);
      await send(h, '13859812345', who);
      await send(h, '今天天气真好', who);
      expect(await send(h, '是', who)).to.not.contain('您说的情况已记下');
      // A service line or a number from abroad is asked about, offer or not.
      const other = citizen('gaps-offer-service');
      await send(h, '我家门口天天有人打牌赌钱，吵得睡不着', other);
      expect(await send(h, '95188', other)).to.contain('查不到这个号码是谁的');
    });
  });

  describe('a phone number asked about, or sent to 鉴诈 alone', () => {
    const PHONE_ANSWER = ['查不到这个号码是谁的', '安全账户', '96110', '国家反诈中心', '「鉴诈」'];

    it('says a number alone cannot tell, and how to tell a scammer; never 「暂未发现明显风险」', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const asked = [
        '这个号码13859812345是不是骗子', '13859812345 是骗子吗', '这个电话靠谱吗 0598-8221234', '帮我查查这个号 +86 138 5981 2345',
        '17012345678给我打电话，这个是不是骗子', '鉴诈 13859812345', '鑒詐 13859812345', '鉴诈 这个号码 0598-8221234 是骗子吗',
      ];
      await each(h, asked, (reply, text) => {
        for (const words of PHONE_ANSWER) expect(reply, text).to.contain(words);
        expect(reply, text).to.contain('光凭一个号码').and.not.contain('暂未发现明显风险').and.not.contain('政务服务便民热线')
          .and.not.contain('境外').and.not.contain(OFFER);
      }, 60);
      // 鉴诈, then a number alone as the message to check.
      for (const [i, number] of ['13859812345', '13859812345是骗子吗'].entries()) {
        const who = citizen(`gaps-check-next-${i}`);
        await send(h, '鉴诈', who);
        const reply = await send(h, number, who);
        for (const words of PHONE_ANSWER) expect(reply, number).to.contain(words);
        expect(reply, number).to.not.contain('暂未发现明显风险');
      }
      expect(await fresh(h, '鉴诈 +852 6123 4567', 70)).to.contain('境外').and.contain('查不到这个号码是谁的');
      expect(await fresh(h, '+852 6123 4567 是骗子吗', 71)).to.contain('境外').and.not.contain('政务服务便民热线');
    });

    it('judges a text with words beside its number as before', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const judged: Array<[string, RegExp]> = [
        ['鉴诈 【XX银行】您的账户异常请拨打95588转人工处理', /^【(高风险|要小心|暂未发现明显风险)】/],
        ['鉴诈 您的账户涉嫌洗钱，请立即联系17012345678，把钱转到安全账户', /^【高风险】/],
        ['鉴诈 晚上一起吃饭，有事打我电话17012345678', /^【暂未发现明显风险】/],
      ];
      for (const [i, [text, verdict]] of judged.entries()) {
        expect(await fresh(h, text, 80 + i), text).to.match(verdict).and.not.contain('查不到这个号码是谁的');
      }
      // A public line the FAQ knows, alone, is still named; inside a longer number it is not that line.
      expect(await fresh(h, '12345', 85)).to.contain('政务服务便民热线');
    });

    it('asks for what they were sent when a question gives nothing to judge, and checks the next message', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const asked = ['这个号码是骗子吗', '这个电话是不是骗子？', '是真的吗', '鉴诈 这是不是诈骗', '這個號碼是騙子嗎'];
      for (const [i, text] of asked.entries()) {
        const who = citizen(`gaps-only-asking-${i}`);
        const reply = await send(h, text, who);
        expect(reply, text).to.contain('复制后粘贴发给我').and.not.contain('暂未发现明显风险');
        // The next message is the one checked.
        expect(await send(h, '您的账户涉嫌洗钱，请把钱转到安全账户配合调查', who), text).to.match(/^【高风险】/);
      }
      // Words to judge beside the question: judged at once, as before.
      expect(await fresh(h, '这是骗子吗 【公安局】您涉嫌洗钱，请把资金转入安全账户配合调查', 90)).to.contain('【高风险】').and.not.contain('复制后粘贴发给我');
    });
  });

  describe('an ID or bank card number alone', () => {
    it('warns not to send it to anyone, says it was not kept, and keeps none of it', async () => {
      const lines: string[] = [];
      const store = new JsonStore<ConversationRecord>();
      const bot = await engineWith({ lines, store });
      const ids = ['35040219800101123X', '350427195503124019', '3504 2719 5503 1240 19', '35048119620718002x', '身份证号：350481196207180027', '350403194910012035。'];
      for (const [i, text] of ids.entries()) {
        const who = citizen(`gaps-id-${i}`);
        const reply = texts(await bot.handle(input({ kind: 'text', text }, who)));
        expect(reply, text).to.contain('身份证号').and.contain('不要在聊天里发给').and.contain('没有保存').and.not.contain(NOT_UNDERSTOOD)
          .and.not.contain(BILINGUAL);
        const digits = text.replace(/\D/g, '');
        // Never said back, never in the conversation record, never in a log line (at debug).
        expect(reply.replace(/\D/g, ''), text).to.not.contain(digits.slice(6, 14));
        const record = JSON.stringify(await store.get(conversationKey(who)));
        expect(record, text).to.not.contain(digits.slice(0, 6)).and.not.contain(digits.slice(6, 14));
        expect(Object.keys(JSON.parse(record) as object), text).to.have.members(['version', 'updatedAt', 'rate']);
        expect(lines.join('').replace(/\D/g, ''), text).to.not.contain(digits.slice(6, 14));
      }
      const card = texts(await bot.handle(input({ kind: 'text', text: '6222 0212 3456 7890 123' }, citizen('gaps-card'))));
      expect(card).to.contain('银行卡号').and.contain('没有保存').and.not.contain(NOT_UNDERSTOOD);
      expect(JSON.stringify(await store.get(conversationKey(citizen('gaps-card'))))).to.not.contain('7890');
    });

    it('leaves an ID number told with a story, or written in a tip, as it was', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const story = await fresh(h, '我的身份证号35040219800101123X被人冒用办了网贷', 60);
      expect(story).to.not.contain('没有保存').and.not.contain(NOT_UNDERSTOOD);
      // Inside a tip the citizen chose to write it: it is part of the description (masked by the desk).
      const who = citizen('gaps-id-tip');
      await send(h, '举报', who);
      await send(h, '1', who);
      expect(await send(h, '35040219800101123X', who)).to.contain('还有要补充').and.not.contain('没有保存');
      // Alone and outside a flow, it is answered.
      expect(await fresh(h, '35040219800101123X', 61)).to.contain('没有保存');
    });
  });

  describe('emoji alone', () => {
    it('answers a sad or praying emoji in Chinese, as someone who may be in trouble', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['😭😭', '🙏', '😢', '💔', '😱😱😱', '🙏🏻🙏🏻', '😭 😭', '[流泪]', '[大哭][大哭]', '/::<', '👍🙏'], (reply, text) => {
        expect(reply, text).to.equal(DISTRESS);
      }, 70);
    });

    it('answers a thumbs-up, a rose or a smile after an answer as thanks, and any other emoji with a Chinese greeting', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const thanks = await fresh(h, '谢谢', 80);
      expect(thanks).to.match(/^不客气/);
      for (const [i, text] of ['👍', '🌹🌹', '😊', '👍👍👍', '👍🏻', '[强]', '[玫瑰][抱拳]', '/:strong', '[微笑]'].entries()) {
        const who = citizen(`gaps-thanks-${i}`);
        await send(h, '帮助', who);
        expect(await send(h, text, who), text).to.equal(thanks);
        // Nothing to thank for: a first message, or one after the idle timeout, is a hello.
        expect(await fresh(h, text, 120 + i), text).to.match(/^您好！我是「平安三明」小助手。/);
        h.clock.advance(h.config.bot.idleTimeoutSeconds / 60 + 1);
        expect(await send(h, text, who), text).to.match(/^您好！我是「平安三明」小助手。/);
      }
      await each(h, ['😂', '🐶', '🌞🌞'], (reply, text) => {
        expect(reply, text).to.match(/^您好！我是「平安三明」小助手。/).and.not.contain(BILINGUAL);
      }, 90);
    });

    it('keeps a greeting with an emoji, English, and an emergency as they were', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      expect(await fresh(h, '你好👋', 100)).to.match(/^您好/).and.not.contain(BILINGUAL);
      for (const [i, english] of ['hello', 'thanks 👍', 'How do I report a crime?'].entries()) {
        expect(await fresh(h, english, 101 + i), english).to.contain(BILINGUAL);
      }
      expect((await fresh(h, '🆘', 105)).split('\n')[0]).to.contain('110');
      expect(await fresh(h, '😭😭 我家被偷了', 106)).to.not.equal(DISTRESS);
      // Alone, the same emoji is answered in Chinese.
      expect(await fresh(h, '😭😭', 107)).to.equal(DISTRESS);
    });
  });

  describe('a problem another agency handles', () => {
    it('gets that agency\'s line before the offer, without the FAQ\'s own 「回复「举报」」', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      for (const [i, [text, line]] of ([
        ['老板欠了我们十几个人三个月工资不给 怎么办', '12333'],
        ['老板欠我工资不给 能不能要回来', '12333'],
        ['你们管不管啊 我家门口的路灯坏了半个月了', '12345'],
        ['工厂偷偷往河里排污水 鱼都死了 没人管', '12369'],
        ['学校门口有人卖三无食品 小孩吃了拉肚子', '12315'],
        ['我公公住院了 医院乱收费', '卫生健康部门'],
      ] as const).entries()) {
        const reply = await fresh(h, text, 220 + i);
        expect(reply, text).to.contain(line).and.contain(OFFER).and.not.contain('回复「举报」');
        expect(reply.indexOf(line), text).to.be.lessThan(reply.indexOf(OFFER));
      }
    });
  });

  describe('a question about the account itself', () => {
    it('says what the account is and what to reply, for 「你们是干什么的」 and the like', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['你们是干什么的', '你是谁', '你是机器人吗？', '这个公众号是干什么的', '你们能做什么'], (reply, text) => {
        expect(reply, text).to.contain('三明市委政法委').and.contain('回复「举报」').and.not.contain(NOT_UNDERSTOOD);
      }, 240);
      // Someone else's doings are a matter told, not a question about the account.
      expect(await fresh(h, '不知道他们是干什么的 每天半夜都有货车进出村里的仓库', 250)).to.not.contain('三明市委政法委');
    });
  });

  describe('a report on officials', () => {
    it('names the lines outside this committee (12337, 12388) beside the offer', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const reply = await fresh(h, '派出所的警察收了人家的钱 就把案子压着不办', 280);
      expect(reply).to.contain('「检举控告」').and.contain('12337').and.contain('12388').and.contain(OFFER);
      expect(reply.indexOf('12337')).to.be.lessThan(reply.indexOf(OFFER));
    });
  });

  describe('the 24-hour myth', () => {
    it('answers that a missing person is reported at once, without waiting 24 hours', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['请问孩子走失了要等24小时才能报警吗', '人失踪多久才能报警？', '老人走丢是不是要满24小时才能报案'], (reply, text) => {
        expect(reply, text).to.contain('不用等24小时').and.contain('110').and.not.contain(NOT_UNDERSTOOD);
      }, 290);
    });
  });

  describe('a tip to take back', () => {
    it('says a sent tip is taken back through staff (人工, with its code), not 「没能明白」 or a new offer', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['撤回', '我想撤回刚才的举报', '能撤销吗', '我不想举报了'], (reply, text) => {
        expect(reply, text).to.contain('没法自己撤回').and.contain('回复「人工」').and.not.contain(NOT_UNDERSTOOD).and.not.contain(OFFER);
      }, 260);
      // Recalling a transfer is a fraud victim's question, not this.
      expect(await fresh(h, '转账转错了怎么撤回转账', 270)).to.not.contain('没法自己撤回');
    });
  });

  describe('a whistle-blower\'s questions before reporting', () => {
    it('answers whether they are safe, whether it is of use, and how long it takes; a complaint on the same words is offered', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['举报了会不会被报复', '你们会把我的名字告诉村干部吗', '我怕被报复 不敢举报', '举报以后会不会被发现'], (reply, text) => {
        expect(reply, text).to.contain('身份严格保密').and.contain('每一次查看都有记录').and.contain('依法追责').and.not.contain(OFFER)
          .and.not.contain('一步一步填写');
      }, 340);
      await each(h, ['匿名举报有用吗', '举报有用吗', '可以匿名吗'], (reply, text) => {
        expect(reply, text).to.contain('同样受理、同样办理').and.not.contain(OFFER).and.not.contain('一步一步填写');
      }, 345);
      await each(h, ['多久能有回复', '举报了要等多久'], (reply, text) => {
        expect(reply, text).to.contain('15日内告诉您是否受理').and.contain('60日内办结');
      }, 350);
      await each(h, ['邻居报复我 把我家菜地毁了', '我的个人信息被泄露了'], (reply, text) => {
        expect(reply, text).to.contain(OFFER).and.not.contain('身份严格保密：');
      }, 355);
      // How to reach the account, and a request it cannot do (whether someone is wanted).
      expect(await fresh(h, '你们的电话是多少', 359)).to.contain('在这里留言就能联系我们').and.contain('回复「人工」');
      expect(await fresh(h, '帮我查查这个人是不是通缉犯', 360)).to.contain('这里查不到').and.contain('110').and.not.contain('【');
      // A pension drawn by someone else is a matter to file, after the agency's line.
      expect(await fresh(h, '我的养老金被人冒领了', 361)).to.contain('12333').and.contain(OFFER);
      // Asked to report anonymously: the flow starts.
      expect(await fresh(h, '我要匿名举报', 358)).to.match(/^好的，我来帮您一步一步填写/);
    });
  });

  describe('a scam told of someone else, with no category named', () => {
    it('is offered as a fraud tip, not under the sentence model\'s unsure guess', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      expect(await fresh(h, '孩子被拉进一个群 让他做任务给红包', 373)).to.contain('「电信网络诈骗、养老诈骗」').and.contain(OFFER);
    });
  });

  describe('someone there, or not', () => {
    it('greets 「有人在吗」 and 「在不」, and reads 「有人在小区里…」 and 「他现在不还钱」 as matters told', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['有人在吗', '工作人员在线吗', '在不', '在不在'], (reply, text) => {
        expect(reply, text).to.match(/^您好！我是「平安三明」小助手/);
      }, 366);
      await each(h, ['有人在小区里发传单说能办低息贷款 不看征信', '他现在不还钱'], (reply, text) => {
        expect(reply, text).to.contain(OFFER).and.not.match(/^您好！/);
      }, 371);
    });
  });

  describe('hearsay asked about', () => {
    it('is told where to check it, not 「暂未发现明显风险」; a scam asked about the same way still gets its verdict', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['网上说三明要拆迁 是真的吗', '听说明天要停水 真的假的'], (reply, text) => {
        expect(reply, text).to.contain('官方发布为准').and.not.contain('暂未发现明显风险');
      }, 362);
      expect(await fresh(h, '群里说领养老补贴要先交手续费 是真的吗', 365)).to.match(/【(要小心|高风险)】/);
    });
  });

  describe('someone who saw through a scam', () => {
    it('gets the verdict on what they were told, not the victim\'s 「别再转钱」', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      await each(h, ['有人冒充公安给我打电话 让我转钱到安全账户 我没上当', '刚才有个自称银行的打电话要验证码 还好我没理他'], (reply, text) => {
        expect(reply, text).to.contain('【高风险】').and.not.contain('别再给对方转钱');
      }, 330);
      // Told as taken in, it is a victim's answer as before.
      expect(await fresh(h, '有人冒充公安给我打电话 让我转钱到安全账户 我转了两万', 335)).to.contain('别再给对方转钱');
    });
  });

  describe('a change to a tip already sent', () => {
    it('is read as words for that tip (补充), not a new offer', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      // Citizens who sent nothing yet are told so (test/bot/supplement.test.ts adds to a real one).
      await each(h, ['我刚才举报的 地址说错了 不是城关是列东', '我想补充一下材料 怎么弄', '之前反映的事情我还有照片要补充', '上次投诉的电话写错了'], (reply, text) => {
        expect(reply, text).to.contain('还没有提交过反映，没有可以补充的').and.not.contain(NOT_UNDERSTOOD).and.not.contain(OFFER);
      }, 300);
      // While an offer stands, more words are for it.
      const who = citizen('gaps-amend-offer');
      expect(await send(h, '邻居家装修天天到半夜 说了好几次都不听', who)).to.contain(OFFER);
      expect(await send(h, '我想补充一下情况 他们还在楼道里堆了好多建材', who)).to.contain('和您刚才说的记在一起').and.not.contain('没有可以补充的');
      // With a draft put aside (not sent), it is that draft to go on with.
      const drafting = citizen('gaps-amend-draft');
      for (const m of ['举报', '3', '邻居家装修天天到半夜']) await send(h, m, drafting);
      h.clock.advance(31);
      await send(h, '你好', drafting);
      expect(await send(h, '我想补充一下材料', drafting)).to.contain('还没提交').and.contain('回复「继续」').and.not.contain('没有可以补充的');
    });
  });

  describe('a relative detained, a judgment not enforced', () => {
    it('gets what the law allows first, then the 涉法涉诉 offer', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      for (const [i, [text, lines]] of ([
        ['我儿子被派出所抓了 怎么才能见到他', ['24小时内通知家属', '请律师去会见', '12348']],
        ['被拘留了家属能见面吗', ['24小时内通知家属', '拘留所']],
        ['法院判了对方不执行怎么办？', ['申请强制执行', '两年内', '12368']],
        ['判了三年了 他就是不执行 一分钱都没给', ['申请强制执行']],
      ] as const).entries()) {
        const reply = await fresh(h, text, 310 + i);
        for (const line of lines) expect(reply, text).to.contain(line);
        expect(reply, text).to.contain('「涉法涉诉」').and.contain(OFFER).and.not.contain('回复「举报」');
        expect(reply.indexOf(lines[0]), text).to.be.lessThan(reply.indexOf(OFFER));
      }
    });
  });

  describe('a dispute asked about', () => {
    it('gets the legal service line before the offer; a dispute told, or another matter asked, gets the offer alone', async () => {
      const h = await harness({ messagesPerMinute: 1000 });
      const LAW = '12348公共法律服务热线';
      await each(h, ['我想咨询一下离婚财产怎么分', '邻居占了我家的宅基地该怎么办', '对方欠钱不还 我想起诉该怎么办？'], (reply, text) => {
        expect(reply, text).to.contain(LAW).and.contain(OFFER);
        expect(reply.indexOf(LAW), text).to.be.lessThan(reply.indexOf(OFFER));
      }, 200);
      await each(h, ['我家隔壁养了好多鸡 臭得要命 找村里也不管', '村口小卖部天天有人聚众赌博怎么办'], (reply, text) => {
        expect(reply, text).to.contain(OFFER).and.not.contain(LAW);
      }, 210);
    });
  });
});
