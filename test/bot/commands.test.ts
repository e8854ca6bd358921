import { expect } from 'chai';
import { citizen, harness, input, send, type Harness } from './engine-harness.js';

async function submitTip(h: Harness, who = citizen(), words = '有人赌博'): Promise<string> {
  await send(h, '举报', who);
  await send(h, '1', who);
  await send(h, words, who);
  await send(h, '好了', who);
  await send(h, '跳过', who);
  await send(h, '匿名', who);
  const reply = await send(h, '确认', who);
  return /受理编号：(\w+)/.exec(reply)?.[1] ?? '';
}

describe('bot: commands', () => {
  it('welcomes a new follower with what the account does', async () => {
    const h = await harness();
    const reply = await send(h, { kind: 'subscribe' });
    expect(reply).to.contain('平安三明').and.contain('举报').and.contain('查询').and.contain('110');
  });

  it('answers 帮助, 菜单 and the HELP menu the same way', async () => {
    const h = await harness();
    const help = await send(h, '帮助');
    expect(help).to.contain('举报').and.contain('鉴诈');
    expect(await send(h, '菜单')).to.equal(help);
    expect(await send(h, { kind: 'menu', key: 'HELP' })).to.equal(help);
  });

  it('starts the tip flow from the TIP menu and from 线索 / 信访 / 投诉', async () => {
    for (const start of [{ kind: 'menu', key: 'TIP' } as const, '线索', '信访', '投诉']) {
      const h = await harness();
      expect(await send(h, start)).to.contain('类别');
    }
  });

  it('lists only the citizen\'s own tips and finds one by code', async () => {
    const h = await harness();
    const a = citizen('a');
    const b = citizen('b');
    const a1 = await submitTip(h, a);
    const a2 = await submitTip(h, a, '有人偷电动车');
    const b1 = await submitTip(h, b);
    const list = await send(h, '查询', a);
    expect(list).to.contain(a1).and.contain(a2).and.not.contain(b1);
    expect(await send(h, `查询 ${b1}`, a)).to.contain('没有找到');
    const detail = await send(h, `查询 ${a1.toLowerCase()}`, a);
    // The citizen's step word with its date; nobody has accepted the tip yet, so not 已受理.
    expect(detail).to.contain(a1).and.contain('状态：已收到（11月26日）').and.contain('1月25日').and.not.contain('已受理');
    expect(await send(h, { kind: 'menu', key: 'MY_TIPS' }, b)).to.contain(b1).and.not.contain(a1);
  });

  it('says so when there is nothing to list', async () => {
    const h = await harness();
    expect(await send(h, '查询')).to.contain('还没有反映过');
  });

  it('rates an answered tip and offers 复查 when unsatisfied', async () => {
    const h = await harness();
    const code = await submitTip(h);
    expect(await send(h, `评价 ${code}`)).to.contain('还没有答复');
    h.desk.answer(code, '已安排民警巡查。');
    expect(await send(h, `查询 ${code}`)).to.contain('已安排民警巡查').and.contain('评价');
    expect(await send(h, `评价 ${code}`)).to.contain('1 满意').and.contain('3 不满意');
    expect(await send(h, '5')).to.contain('请回复数字');
    expect(await send(h, '3')).to.contain('复查');
    expect(h.desk.ratings).to.deep.equal([{ code, rating: 'unsatisfied' }]);
    expect(await send(h, '晚上还是有人赌')).to.contain('复查申请');
    expect(h.desk.reviews).to.deep.equal([{ code, reason: '晚上还是有人赌' }]);
  });

  it('thanks a satisfied citizen', async () => {
    const h = await harness();
    const code = await submitTip(h);
    h.desk.answer(code, '已处理。');
    await send(h, `评价 ${code}`);
    expect(await send(h, '满意')).to.contain('谢谢');
    expect(h.desk.ratings[0]?.rating).to.equal('satisfied');
  });

  it('takes 复查 with code and reason in one message', async () => {
    const h = await harness();
    const code = await submitTip(h);
    h.desk.answer(code, '已处理。');
    await send(h, `评价 ${code}`);
    await send(h, '3');
    await send(h, '取消');
    expect(await send(h, `复查 ${code} 问题没有解决`)).to.contain('复查申请');
    expect(h.desk.reviews).to.deep.equal([{ code, reason: '问题没有解决' }]);
    expect(await send(h, '复查 SM251126ZZZZZZ 理由')).to.contain('没有找到');
  });

  it('gives anti-fraud guidance with 96110 and the common fraud types', async () => {
    const h = await harness();
    const reply = await send(h, '反诈');
    expect(reply).to.contain('96110').and.contain('刷单返利').and.contain('养老诈骗');
    expect(await send(h, { kind: 'menu', key: 'FRAUD_ALERTS' })).to.equal(reply);
  });

  it('checks a message after 鉴诈, on one line or in two', async () => {
    const h = await harness();
    expect(await send(h, '鉴诈 您涉嫌洗钱，请把资金转入安全账户配合调查')).to.contain('高风险').and.contain('冒充公检法');
    expect(await send(h, { kind: 'menu', key: 'FRAUD_CHECK' })).to.contain('粘贴');
    expect(await send(h, '兼职刷单，日赚300，先垫付100元做任务')).to.contain('刷单返利');
    expect(await send(h, '帮助')).to.contain('举报');
  });

  it('checks a long pasted message that reads like fraud, without 鉴诈', async () => {
    const h = await harness();
    const reply = await send(h, '【京东金融】您好，您的征信有问题，需要注销校园贷账户，否则影响征信，请联系客服处理 http://t.cn/abc');
    expect(reply).to.contain('高风险').and.contain('虚假征信').and.contain('96110');
  });

  it('is honest that articles are not there yet', async () => {
    const h = await harness();
    for (const ask of ['文章', '最新', '搜索 反诈']) expect(await send(h, ask)).to.contain('正在准备');
    expect(await send(h, { kind: 'menu', key: 'ARTICLES' })).to.contain('正在准备');
  });

  it('hands over to customer service on 人工 and the HUMAN menu', async () => {
    const h = await harness();
    for (const ask of [input({ kind: 'text', text: '人工' }), input({ kind: 'menu', key: 'HUMAN' })]) {
      const reply = await h.bot.handle(ask);
      expect(reply.parts[0]).to.deep.equal({ type: 'transfer_customer_service' });
    }
  });

  it('answers keyword questions from content/bot', async () => {
    const h = await harness();
    expect(await send(h, '反诈热线是多少')).to.contain('96110');
    expect(await send(h, '信访条例')).to.contain('60日');
    expect(await send(h, '你们办公时间')).to.contain('办公时间');
  });

  it('answers anything else helpfully with the commands', async () => {
    const h = await harness();
    const reply = await send(h, '今天天气怎么样');
    expect(reply).to.contain('举报').and.contain('查询');
    expect(await send(h, { kind: 'menu', key: 'NO_SUCH_KEY' })).to.contain('举报');
    expect(await send(h, { kind: 'voice', mediaId: 'x' })).to.contain('打字');
    // A photo that reached us waits for the words (tip-flow.test.ts); one that did not (no media id) is told how.
    expect(await send(h, { kind: 'image' })).to.contain('举报');
    expect(await send(h, '继续')).to.contain('没有未填完');
  });
});
