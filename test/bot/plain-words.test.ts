// Citizens who never read the menu: plain complaints, fraud stories, greetings, other agencies'
// questions, English and emoji, emergencies inside a draft, and command words inside flows.
import { expect } from 'chai';
import { conversationKey } from '../../src/bot/conversation.js';
import { citizen, harness, input, send, texts, type Harness } from './engine-harness.js';

/** 「是」 to the offer standing, no place, 匿名, 确认: the answer to 确认. */
async function fileOfferAnonymously(h: Harness): Promise<string> {
  for (const answer of ['是', '跳过', '匿名']) await send(h, answer);
  return send(h, '确认');
}

describe('bot: plain words', () => {
  it('offers a plain complaint as a tip; one 「是」 files it without retyping', async () => {
    const h = await harness();
    const offer = await send(h, '物业乱收停车费，找谁反映？');
    expect(offer).to.contain('「矛盾纠纷」').and.to.contain('回复「是」');
    const next = await send(h, '是');
    expect(next).to.contain('地点');
    expect(await send(h, '沙县区凤岗街道')).to.contain('手机号');
    await send(h, '匿名');
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0];
    expect(s?.category).to.equal('dispute');
    expect(s?.description).to.equal('物业乱收停车费，找谁反映');
    // The transcript keeps the first message and the bot's offer, as said.
    expect(s?.transcript[0]).to.include({ from: 'citizen', text: '物业乱收停车费，找谁反映？' });
    expect(s?.transcript[1]?.text).to.contain('回复「是」');
  });

  it('skips the place step when the complaint names the place', async () => {
    const h = await harness();
    await send(h, '尤溪县城关镇有个养猪场把粪水直接排到河里');
    expect(await send(h, '是')).to.contain('尤溪县').and.to.contain('手机号');
  });

  it('lets an offer lapse: 「不用」 says so, and anything else is read afresh', async () => {
    const h = await harness();
    await send(h, '邻居家的狗不拴绳，已经咬了两个小孩了');
    expect(await send(h, '不用')).to.contain('不登记');
    await send(h, '邻居家的狗不拴绳，已经咬了两个小孩了');
    expect(await send(h, '你好')).to.contain('您好');
    expect(await send(h, '是')).to.not.contain('地点');
    expect(h.desk.submitCalls).to.have.length(0);
  });

  it('gives a fraud victim 110 and 96110 first, then offers a fraud tip', async () => {
    const h = await harness();
    const reply = await send(h, '我被骗了，昨天在网上刷单被骗了5000块钱怎么办');
    const first = reply.split('\n')[0] ?? '';
    expect(first).to.contain('110').and.to.contain('96110');
    expect(reply).to.contain('止付').and.to.contain('「电信网络诈骗、养老诈骗」');
    await send(h, '是');
    expect((await send(h, '跳过'))).to.contain('手机号');
  });

  it('takes more of the same matter told instead of 「是」 into the offer, with a short answer', async () => {
    const h = await harness();
    const first = await send(h, '我被骗了');
    expect(first).to.contain('止付');
    const more = await send(h, '对方说是京东客服 让我注销校园贷 我转了3万');
    expect(more).to.match(/^收到，和您刚才说的记在一起。/).and.contain('回复「是」').and.not.contain('止付');
    // Another matter is offered afresh, alone.
    const other = await send(h, '邻居家的狗不拴绳，已经咬了两个小孩了', citizen('offer-other'));
    expect(other).to.contain('矛盾纠纷');
    expect(await fileOfferAnonymously(h)).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.category).to.equal('fraud');
    expect(s.description).to.equal('我被骗了\n对方说是京东客服 让我注销校园贷 我转了3万');
    // Both messages and both answers, in order, before the flow's own.
    expect(s.transcript.slice(0, 4).map((e) => [e.from, e.text?.slice(0, 8)])).to.deep.equal([
      ['citizen', '我被骗了'], ['bot', '先别慌，也别再给'], ['citizen', '对方说是京东客服'], ['bot', '收到，和您刚才说'],
    ]);
  });

  it('takes a place told right after the offer as the matter\'s place', async () => {
    const h = await harness();
    await send(h, '我家旁边工地晚上12点还在施工 吵得睡不着');
    expect(await send(h, '在永安市燕西街道')).to.match(/^收到，地点：永安市燕西街道。/).and.contain('回复「是」');
    // The place is known: 「是」 goes on to the contact question.
    expect(await send(h, '是')).to.contain('永安市燕西街道').and.contain('手机号');
    await send(h, '匿名');
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('我家旁边工地晚上12点还在施工 吵得睡不着\n在永安市燕西街道');
    expect(s.place).to.deep.include({ countyCode: '350481' });
    // A place the words alone would read as another matter (the model took this one for 生态环境).
    const other = citizen('offer-place-2');
    await send(h, '邻居装修把我家墙弄裂了 不肯赔', other);
    expect(await send(h, '在大田县均溪镇', other)).to.match(/^收到，地点：大田县均溪镇。/).and.contain('「矛盾纠纷」');
  });

  it('answers 「怎么办」 after an offer with what to do for that matter, and keeps the offer', async () => {
    const h = await harness();
    await send(h, '有人冒充我儿子借钱');
    const advice = await send(h, '怎么办');
    expect(advice).to.contain('96110').and.contain('止付').and.contain('回复「是」').and.not.contain('没能明白');
    const dispute = await send(h, '邻居家的狗不拴绳，已经咬了两个小孩了', citizen('what-to-do-dispute'));
    expect(dispute).to.contain('矛盾纠纷');
    expect(await send(h, '那该怎么办呢？', citizen('what-to-do-dispute'))).to.contain('调解委员会').and.contain('回复「是」');
    // Not after an offer: read as ever.
    expect(await send(h, '怎么办', citizen('what-to-do-none'))).to.not.contain('调解委员会').and.not.contain('止付');
    expect(await fileOfferAnonymously(h)).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('有人冒充我儿子借钱');
    expect(s.transcript.slice(0, 4).map((e) => e.from)).to.deep.equal(['citizen', 'bot', 'citizen', 'bot']);
    expect(s.transcript[2]?.text).to.equal('怎么办');
  });

  it('keeps at most 20 messages in an offer, however often more is said or 「怎么办」 asked', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const who = citizen('offer-cap');
    await send(h, '我被骗了', who);
    const longest = async () => (await h.store.get(conversationKey(who)))?.offer?.earlier?.length ?? 0;
    let most = 0;
    for (let i = 0; i < 25; i += 1) {
      await send(h, '怎么办', who);
      most = Math.max(most, await longest());
    }
    for (let i = 0; i < 25; i += 1) {
      await send(h, `对方又打来电话让我转钱 第${i}次`, who);
      most = Math.max(most, await longest());
    }
    expect(most).to.equal(19);
  });

  it('offers a matter of another category told after an offer on its own', async () => {
    const h = await harness();
    await send(h, '我被骗了，昨天在网上刷单被骗了5000块钱');
    expect(await send(h, '邻居家的狗不拴绳，已经咬了两个小孩了')).to.contain('「矛盾纠纷」');
    await fileOfferAnonymously(h);
    expect(h.desk.submitCalls[0]!.description).to.equal('邻居家的狗不拴绳，已经咬了两个小孩了');
  });

  it('gives 110 and 96110 first to someone told to move money to a 安全账户', async () => {
    const h = await harness();
    const reply = await send(h, '有人打电话说是公安局的，让我转钱到安全账户');
    expect(reply.split('\n')[0]).to.contain('110').and.to.contain('96110');
    expect(reply).to.contain('回复「是」');
  });

  it('warns a parent told by a stranger that their child is hurt and money is wanted now', async () => {
    const h = await harness();
    for (const [i, text] of [
      '我女儿在外地读书 今天有人打电话说她出车祸了要马上打钱做手术',
      '有人打电话说我儿子在学校打架受伤了 要我转5000块医药费',
      '刚才有个人说是我孙子 说在派出所 要我打钱',
    ].entries()) {
      const reply = await send(h, text, citizen(`family-emergency-${i}`));
      expect(reply.split('\n')[0], text).to.contain('110').and.contain('96110');
      // The scam's own rule of thumb right after the numbers.
      expect(reply.split('\n')[1], text).to.contain('直接给家人本人打电话核实');
      expect(reply, text).to.contain('「电信网络诈骗、养老诈骗」');
    }
  });

  it('answers greetings in kind with the short menu', async () => {
    const h = await harness();
    expect(await send(h, '你好')).to.match(/^您好/).and.to.contain('「举报」');
    expect(await send(h, '谢谢')).to.contain('不客气');
    expect(await send(h, '在吗')).to.not.contain('没能明白');
  });

  it('sends other agencies\' questions where they belong, from the FAQ', async () => {
    const h = await harness();
    expect(await send(h, '户口迁移要什么材料')).to.contain('派出所');
    expect(await send(h, '车辆年检去哪里办')).to.contain('12123');
    expect(await send(h, '公积金怎么提取')).to.contain('12329');
  });

  it('answers English with the bilingual menu, and emoji alone in Chinese', async () => {
    const h = await harness();
    expect(await send(h, 'hello')).to.contain('Hello').and.to.contain('举报');
    expect(await send(h, '👍🙏')).to.contain('110').and.not.contain('Hello');
  });

  it('puts the number first for an emergency inside a tip draft and marks the draft red', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '3');
    const reply = await send(h, '楼上冒出好多黑烟');
    expect(reply.split('\n')[0]).to.match(/^请马上拨打119/);
    expect(reply).to.contain('收到');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    await send(h, '确认');
    expect(h.desk.submitCalls[0]?.danger).to.equal(true);
  });

  it('lets command words through 鉴诈 and the rating flow', async () => {
    const h = await harness();
    await send(h, '鉴诈');
    expect(await send(h, '查询')).to.contain('还没有反映过');
    await send(h, '鉴诈');
    expect(await send(h, '评价 SM251126AAAAAA')).to.contain('没有找到');
    await send(h, '鉴诈');
    expect(await send(h, '人工')).to.contain('转接');
    await send(h, '鉴诈');
    expect(await send(h, '取消')).to.contain('好的');
  });

  it('answers 查询 inside a tip draft and keeps the draft', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '3');
    await send(h, '邻居占了我家的宅基地');
    const reply = await send(h, '查询');
    expect(reply).to.contain('还没有反映过').and.to.contain('还没有提交');
    expect(await send(h, '好了')).to.contain('地点');
  });

  it('reads 查询 followed by words as a question, not as a code', async () => {
    const h = await harness();
    expect(await send(h, '查询一下社保缴费记录')).to.contain('社保');
    const r = await h.bot.handle(input({ kind: 'text', text: '查询 ｓｍ２５１１２６ａａａａａａ' }, citizen('c2')));
    expect(texts(r)).to.contain('SM251126AAAAAA');
  });
});

describe('bot: an emergency stands before every limit', () => {
  it('gives the number to a citizen over the message limit', async () => {
    const h = await harness({ messagesPerMinute: 2 });
    await send(h, '你好');
    await send(h, '你好');
    expect(await send(h, '你好')).to.contain('稍等');
    expect((await send(h, '救命 有人拿刀砍人')).split('\n')[0]).to.match(/^请马上拨打110/);
  });

  it('keeps a long message told in danger, up to a whole description, and gives the number before saying one longer is too long', async () => {
    const h = await harness({ maxTextLength: 20 });
    const kept = await send(h, `着火了 ${'快来人救火'.repeat(10)}`);
    expect(kept.split('\n')[0]).to.match(/^请马上拨打119/);
    expect(kept).to.not.contain('太长');
    expect(kept).to.contain('回复「是」');
    expect(await send(h, `今天天气不错 ${'出去走走'.repeat(10)}`)).to.contain('太长');
    const endless = await send(h, `着火了 ${'快来人救火'.repeat(2100)}`);
    expect(endless.split('\n')[0]).to.match(/^请马上拨打119/);
    expect(endless).to.contain('太长');
  });
});
