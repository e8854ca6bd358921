// Scam reports and the victim: only the scammer's identifiers are offered, stored and echoed
// (never what a scam text addresses to its reader, the writer's own number, a card or an ID
// number); and a citizen who reports with 「举报」 while telling a loss is answered as a victim
// (110, 96110, 止付, the tip offer), the number still recorded. Pure table first, then through the
// composed app's engine with the real reports desk and database.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { reportableIdentifiers } from '../../src/alerts/reports/identifiers.js';
import type { ScamIdentifier } from '../../src/bot/ports.js';
import { usingMysql } from '../support/database.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { citizen, input, texts } from '../bot/engine-harness.js';
import { MovableClock } from './alerts-helpers.js';

const phone = (value: string): ScamIdentifier => ({ kind: 'phone', value });
const url = (value: string): ScamIdentifier => ({ kind: 'url', value });
const account = (value: string): ScamIdentifier => ({ kind: 'account', value });

describe('scam reports: only the scammer\'s identifiers are offered and kept', () => {
  // [text, what may be reported, what must never be: the victim's own, cards, ID numbers, service lines]
  const table: Array<[string, ScamIdentifier[], string[]]> = [
    ['【京东金融】尊敬的用户13905981234，您的白条额度异常，请联系客服微信 jd_kefu888 处理，否则您的账户 6222021234567890123 将被冻结',
      [account('jd_kefu888')], ['13905981234', '6222021234567890123']],
    ['13905981234用户您好，您的ETC已失效，请点击 etc-kf.cn/a 重新认证，退订回T', [url('etc-kf.cn/a')], ['13905981234']],
    ['您的手机号 13905981234 已开通视频会员，每月扣费298元，取消请拨打 0755-88886666', [phone('075588886666')], ['13905981234']],
    ['尊敬的客户：您的账户 abc_user01 存在异常登录，请联系专属客服 15811112222 解冻', [phone('15811112222')], ['abc_user01']],
    ['【中国银行】您尾号5678的储蓄卡将于今日停用，请登录 http://boc-zx.top 进行认证', [url('boc-zx.top')], ['5678']],
    // A fake hotline written like a bank's 95 number is kept; a bare five-digit one cannot be told from a real bank's line.
    ['【淘宝】亲爱的顾客，您购买的商品质量有问题，请致电95017-8866办理退款，或添加客服微信：tb-tuikuan01',
      [phone('950178866'), account('tb-tuikuan01')], []],
    ['【平安普惠】您的贷款已审批通过，客服热线95511转人工，下载APP：pa-dai.vip', [url('pa-dai.vip')], ['95511']],
    ['您好，您的快递丢失，我们将赔付您三倍，请添加理赔专员微信 kd_lipei2024，或拨打 400-820-1234',
      [account('kd_lipei2024'), phone('4008201234')], []],
    ['尊敬的车主：您的ETC卡已过期，点击 https://etc-gx.cc/renew 更新，客服 13800138000',
      [url('etc-gx.cc/renew'), phone('13800138000')], []],
    ['【公安】你的身份证 35040219900101123X 涉嫌洗钱，马上联系王警官 0591-87654321', [phone('059187654321')], ['35040219900101123X']],
    // The scammer writing in the first person: his new number is his.
    ['我是你领导，这是我的新号码 17012345678，明天上午来我办公室一趟', [phone('17012345678')], []],
    // Citizens telling their own story.
    ['我的手机号13905981234昨天收到短信，对方号码17155556666让我加QQ 88776655 做兼职刷单',
      [phone('17155556666'), account('88776655')], ['13905981234']],
    ['本人银行卡 6217 0012 3456 7890 被骗子转走了钱，骗子电话 0591-87654321', [phone('059187654321')], ['6217001234567890']],
    ['13905981234是我自己的号，骗子的号码是13800138000', [phone('13800138000')], ['13905981234']],
    ['身份证号350402199001011234也被他要去了，他的支付宝账号 zfb_kefu@163.com', [account('zfb_kefu@163.com')], ['350402199001011234']],
    // A bank card is not published, even the one the money went to.
    ['骗子让我往这个账户转钱：6228 4800 1234 5678 912，说是安全账户', [], ['6228480012345678912', '6228']],
  ];

  it('keeps the scammer\'s numbers, accounts and links; leaves out the reader\'s and the writer\'s own, cards and ID numbers', () => {
    for (const [text, kept, never] of table) {
      const found = reportableIdentifiers(text);
      expect(found, text).to.deep.equal(kept);
      for (const value of never) expect(found.map((i) => i.value), text).to.not.include(value);
    }
  });
});

describe(`scam reports from victims, and the victim's own numbers (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  const clock = new MovableClock(new Date('2026-04-10T02:00:00.000Z'));

  beforeEach(async () => {
    clock.t = new Date('2026-04-10T02:00:00.000Z');
    ctx = await createTestContext({ articles: { contentDir: '' } }, { now: clock.now });
  });
  afterEach(async () => { await ctx.close(); });

  const say = async (openid: string, text: string) => {
    clock.t = new Date(clock.t.getTime() + 60_000);
    return texts(await ctx.services.bot.handle(input({ kind: 'text', text }, citizen(openid))));
  };
  const stored = async () => (await ctx.services.db.sequelize.query<{ kind: string; identifier: string }>(
    'SELECT kind, identifier FROM scam_reports ORDER BY id', { type: QueryTypes.SELECT },
  )).map((r) => `${r.kind}:${r.identifier}`);

  it('a victim who reports with 举报 gets 止付, 110 and 96110 and the tip offer, and the number is still recorded', async () => {
    const stories: Array<[string, string]> = [
      ['我要举报诈骗，骗子电话13800138000，刚才骗了我5万块钱', '号码 13800138000'],
      ['举报骗子 微信号 licai_laoshi88 说带我炒股，把我20万骗走了', '账号 licai_laoshi88'],
      ['这个号码是骗子 13800138000 我刚转了3万给他', '号码 13800138000'],
      // Not paid yet, but a high-risk scam told to the writer: a victim now, as in free words.
      ['举报诈骗电话 17012345678，他冒充公安说我涉嫌洗钱，让我把钱转到安全账户', '号码 17012345678'],
    ];
    for (const [i, [story, line]] of stories.entries()) {
      const reply = await say(`o-victim-${i}`, story);
      expect(reply, story).to.match(/^先别慌/).and.include('止付').and.include('110').and.include('96110');
      expect(reply, story).to.include('现在还没有登记').and.include('回复「是」').and.not.include('谢谢您！已经记下了');
      // What is kept to warn others is named after the advice, never as if the case were filed.
      expect(reply.indexOf(line), story).to.be.greaterThan(reply.indexOf('止付'));
      expect(reply, story).to.include('工作人员核实后会提醒其他人');
    }
    expect(await stored()).to.deep.equal(['phone:13800138000', 'account:licai_laoshi88', 'phone:13800138000', 'phone:17012345678']);

    // The offer is the victim path's: 「是」 starts a fraud tip with the story as its description.
    const yes = await say('o-victim-0', '是');
    expect(yes).to.include('好的，现在按「电信网络诈骗、养老诈骗」帮您填写');
  });

  it('a report that tells no loss is thanked as before; a number that called many times is no loss', async () => {
    for (const report of ['举报诈骗电话 17012345678', '这个号码是骗子，打了我好几次电话 17012345678',
      // Told the scam first, and that they saw through it, then what to report.
      '有人冒充公安给我打电话 让我转钱到安全账户 我没上当 想举报这个号码 17012345678']) {
      const reply = await say('o-reporter', report);
      expect(reply, report).to.match(/^谢谢您！已经记下了/).and.include('号码 17012345678').and.not.include('止付');
    }
  });

  it('a report in danger gets the number first and the danger offer; 「是」 files it red, the number recorded', async () => {
    const words = '这个号码是骗子 13800138000，他现在在我家门口拿刀威胁我';
    const reply = await say('o-danger', words);
    expect(reply).to.match(/^请马上拨打110/).and.include('等您安全了').and.include('回复「是」');
    expect(reply).to.include('号码 13800138000').and.not.include('谢谢您！已经记下了');
    expect(await stored()).to.deep.equal(['phone:13800138000']);
    expect(await say('o-danger', '是')).to.include('现在按');
    await say('o-danger', '跳过');
    await say('o-danger', '匿名');
    expect(await say('o-danger', '确认')).to.include('受理编号');
    const tips = await ctx.services.db.sequelize.query<{ danger: number | boolean; colour: string }>('SELECT danger, colour FROM tips', { type: QueryTypes.SELECT });
    expect(tips.map((t) => [Boolean(t.danger), t.colour])).to.deep.equal([[true, 'red']]);
  });

  it('鉴诈 then 举报 offers and stores only the scammer\'s identifiers, never the citizen\'s own number or card', async () => {
    const sms = '鉴诈 【京东金融】尊敬的用户13905981234，您的白条额度异常，请联系客服微信 jd_kefu888 处理，否则您的账户 6222021234567890123 将被冻结';
    const verdict = await say('o-relative', sms);
    expect(verdict).to.match(/^【高风险】/).and.include('回复「举报」把这个账号报给我们，好提醒更多的人：\n· 账号 jd_kefu888');
    const thanks = await say('o-relative', '举报');
    expect(thanks).to.include('· 账号 jd_kefu888').and.not.include('13905981234').and.not.include('6222021234567890123');
    // A citizen reporting in their own words names their own phone too: it stays out.
    const direct = await say('o-victim', '举报诈骗电话 17155556666，是打到本人手机13905981234上的');
    expect(direct).to.include('号码 17155556666').and.not.include('13905981234');
    expect(await stored()).to.deep.equal(['account:jd_kefu888', 'phone:17155556666']);
  });

  it('the desk never stores a card or ID number, whoever passes it', async () => {
    const results = await ctx.services.alerts.reports.report({ channel: 'official_account', id: 'o-x' },
      [account('6222021234567890123'), account('35040219900101123X'), account('jd_kefu888')], clock.now());
    expect(results.map((r) => r.identifier.value)).to.deep.equal(['jd_kefu888']);
    expect(await stored()).to.deep.equal(['account:jd_kefu888']);
  });
});
