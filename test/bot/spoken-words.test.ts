// What older citizens type as they speak, heard in talks with the engine: threats said in a
// sentence, a place name alone, a question about a matter sent before, a sigh in the middle of a
// draft, an answer to the wrong question, and a person asked for in a sentence.
import { expect } from 'chai';
import { citizen, harness, send, type Harness } from './engine-harness.js';

async function toPlaceStep(h: Harness, who = citizen()) {
  expect(await send(h, '举报', who)).to.contain('类别');
  expect(await send(h, '1', who)).to.contain('描述');
  await send(h, '村里有人开赌场天天晚上好多人', who);
  expect(await send(h, '好了', who)).to.match(/地点|位置/);
}

describe('bot: spoken words', () => {
  it('gives 110 first to someone told they are to be killed, in a whole sentence', async () => {
    const h = await harness();
    for (const [i, text] of ['救命啊有人要杀我', '我老公说要杀我', '我好怕他要杀我'].entries()) {
      const reply = await send(h, text, citizen(`threat-${i}`));
      expect(reply.split('\n')[0], text).to.contain('110');
    }
  });

  it('never takes a county and township alone for an emergency', async () => {
    const h = await harness();
    const alone = await send(h, '三元区城关街道', citizen('place-alone'));
    expect(alone).to.not.contain('110');
    await toPlaceStep(h);
    expect(await send(h, '跳过')).to.contain('手机号');
    // Typed at the contact step, a place is the wrong answer, not danger words for the description.
    const atContact = await send(h, '三元区列东街道');
    expect(atContact).to.not.contain('110').and.not.contain('补充进描述');
    await send(h, '匿名');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.danger).to.equal(false);
    expect(s.description).to.equal('村里有人开赌场天天晚上好多人');
  });

  it('answers 「我上次反映的事怎么样了」 with the citizen\'s tips, not a new tip', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    await send(h, '匿名');
    await send(h, '确认');
    for (const text of ['我上次反映的事怎么样了', '我举报的那个有结果没有', '前几天投诉的有人管没有', '我去年反映的事到现在都没人管', '半年前投诉的怎么还没答复', '我上次反映的问题整改了没有', '之前举报的那个事解决了吗']) {
      const reply = await send(h, text);
      expect(reply, text).to.contain('SM251126AAAAAA').and.not.contain('登记').and.not.contain('类别');
    }
    // A new matter is still a new matter.
    expect(await send(h, '我要反映的是村口有人聚众赌博')).to.match(/类别|登记/);
  });

  it('asks before dropping a draft on 「算了」, and keeps the word out of it', async () => {
    const h = await harness();
    expect(await send(h, '举报')).to.contain('类别');
    expect(await send(h, '1')).to.contain('描述');
    await send(h, '村里有人开赌场');
    const asked = await send(h, '算了');
    expect(asked).to.contain('取消').and.contain('描述');
    expect(await send(h, '不要了')).to.contain('取消');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]!.description).to.equal('村里有人开赌场');
  });

  it('explains the place and contact questions instead of taking a lost answer for them', async () => {
    const h = await harness();
    await toPlaceStep(h);
    const lost = await send(h, '啥意思');
    expect(lost).to.contain('地点').and.not.contain('已记下地点');
    expect(await send(h, '我不会弄')).to.not.contain('已记下地点');
    expect(await send(h, '三元区城关街道')).to.contain('联系');
    // 「好了」 at the contact step is not a mistyped phone number.
    expect(await send(h, '好了')).to.contain('手机号').and.not.contain('不对');
    // 「跳过」, as at the place step, is not leaving a number.
    expect(await send(h, '跳过')).to.contain('匿名').and.contain('确认');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.contact).to.deep.equal({ anonymous: true });
    expect(s.place).to.deep.include({ text: '三元区城关街道' });
  });

  it('takes 「好了」 after a told matter as the category heard, and asks the place next', async () => {
    const h = await harness();
    expect(await send(h, '信访')).to.contain('类别');
    expect(await send(h, '我们村征地补偿款到现在还没发下来村干部说没钱')).to.contain('对吗');
    expect(await send(h, '好了')).to.contain('地点');
    expect(await send(h, '将乐县万安镇那边')).to.contain('联系');
    expect(await send(h, '13905981234')).to.contain('确认');
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('我们村征地补偿款到现在还没发下来村干部说没钱');
    expect(s.contact).to.deep.equal({ anonymous: false, phone: '13905981234' });
  });

  it('tells someone still on the line with a scammer to hang up and keep the code', async () => {
    const h = await harness();
    const reply = await send(h, '有个银行客服打电话来说我的卡要冻结了让我把手机收到的验证码告诉他 他现在还没挂');
    expect(reply).to.contain('110').and.contain('挂断').and.contain('验证码');
  });

  it('transfers 「我要找人工」 to a person', async () => {
    const h = await harness();
    expect(await send(h, '我要找人工')).to.contain('[transfer_customer_service]');
  });
});
