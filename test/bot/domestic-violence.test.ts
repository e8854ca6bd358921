// Domestic violence told as something that keeps happening (「我老公经常打我」, 「儿媳妇天天打我」)
// is not an emergency over or habitual: the next beating may come tonight. The citizen hears, first,
// that it is against the law and that 110 is for danger, then what the law offers (告诫书,
// 人身安全保护令, 12348), then the offer to file it; inside a draft the words join it. Everyday
// uses of 打 (打游戏, 打呼噜, 打电话, a childhood memory) get none of this: each is sent beside a
// telling in the same words, so the pair fails wherever the rule reaches too far or not far enough.
import { expect } from 'chai';
import { citizen, harness, send, type Harness } from './engine-harness.js';

/** The law's remedies, said to everyone who tells of domestic violence. */
const REMEDIES = /告诫书[\s\S]*人身安全保护令[\s\S]*12348/;
const OFFER = /回复「是」[\s\S]*不需要请回复「不用」/;

let n = 0;
const someone = () => citizen(`dv-${(n += 1)}`);

function expectUnderstood(reply: string, text: string): void {
  const [first = ''] = reply.split('\n');
  expect(first, text).to.contain('110');
  expect(reply, text).to.match(REMEDIES);
  expect(reply, text).to.match(OFFER);
  expect(reply.indexOf('110'), text).to.be.lessThan(reply.indexOf('回复「是」'));
  expect(reply, text).to.not.contain('没能明白');
}

function expectEveryday(reply: string, text: string): void {
  expect(reply, text).to.not.contain('家暴').and.not.contain('告诫书').and.not.contain('保护令');
}

describe('bot: domestic violence told as ongoing', () => {
  let h: Harness;
  before(async () => { h = await harness(); });

  it('answers the words of the measured gap: 110 and the law first, then the offer', async () => {
    const husband = await send(h, '我老公经常打我', someone());
    expect(husband.split('\n')[0]).to.equal('家暴不是家务事，是违法的。正在挨打或有危险，请马上拨打110。');
    expectUnderstood(husband, '我老公经常打我');
    expectUnderstood(await send(h, '我儿媳妇天天打我', someone()), '我儿媳妇天天打我');
  });

  it('understands habitual and ongoing abuse in citizens\' many ways of telling it', async () => {
    const told = [
      '我老婆脾气大 动不动就打我',
      '我儿子一喝醉了就打我 我都七十多了',
      '儿子儿媳不给我饭吃 还把我关在屋里',
      '我被关在家里不让出门 已经好几天了',
      '孩子经常被他后妈打 身上青一块紫一块',
      '我继父总是打我 我不敢回家',
      '老公喝醉了就打人 每次都这样',
      '我老公天天说要打死我',
      '俺男人三天两头打俺',
      '涯老公成日打涯 冇人管',
      '阮翁逐工捶阮',
      '我女儿被她老公家暴好几年了',
      '婆婆经常打我 老公也不管',
      '我老公一不顺心就对我拳打脚踢',
      '我爸总是打我妈',
      '我家那口子经常拿皮带抽我',
      '我跟他结婚十年了 我老公从结婚第二年开始 他每次输了钱回来都要打我',
      '老伴得了老年痴呆以后 保姆经常打他',
      '我嫁过来以后公公婆婆不让我出门 也不给我吃饭',
    ];
    for (const text of told) expectUnderstood(await send(h, text, someone()), text);
  });

  it('keeps the number first for abuse happening now, and adds what the law offers', async () => {
    const reply = await send(h, '我老公又打我了', someone());
    expect(reply.split('\n')[0]).to.equal('请马上拨打110报警！');
    expect(reply).to.match(REMEDIES).and.match(OFFER);
  });

  it('adds what the law offers to a relation\'s threat to kill, but not to one said over a chore', async () => {
    for (const text of ['我老公说要打死我', '我儿子说今晚回来就杀了我', '我男人喝醉了说要砍死我']) {
      const reply = await send(h, text, someone());
      expect(reply.split('\n')[0], text).to.equal('请马上拨打110报警！');
      expect(reply, text).to.match(REMEDIES);
    }
    for (const text of ['有个陌生人说要打死我', '老婆说要打死我 因为我把她的口红弄断了']) {
      expect(await send(h, text, someone()), text).to.not.match(REMEDIES);
    }
  });

  it('says no number to a blow denied, and still does to a plea', async () => {
    for (const text of ['我老公从来不打我 就是爱喝酒', '我老公没有家暴 就是脾气急', '他不曾打过我 只是吵架']) {
      expect(await send(h, text, someone()), text).to.not.contain('110');
    }
    for (const text of ['别打我了 救命', '不要打我 老公']) {
      expect((await send(h, text, someone())).split('\n')[0], text).to.contain('110');
    }
  });

  it('files it with 「是」 as a 矛盾纠纷 tip, told in danger (red)', async () => {
    const who = someone();
    expectUnderstood(await send(h, '我儿媳妇天天打我', who), '我儿媳妇天天打我');
    const yes = await send(h, '是', who);
    expect(yes).to.contain('「矛盾纠纷」').and.contain('地点');
    await send(h, '跳过', who);
    await send(h, '匿名', who);
    expect(await send(h, '确认', who)).to.contain('受理编号');
    const tip = h.desk.submitCalls.at(-1);
    expect(tip?.category).to.equal('dispute');
    expect(tip?.danger).to.equal(true);
    expect(tip?.description).to.contain('我儿媳妇天天打我');
  });

  it('does not lose the words told inside a draft: they join the description and 110 is said', async () => {
    const who = someone();
    expect(await send(h, '举报', who)).to.contain('类别');
    expect(await send(h, '3', who)).to.contain('描述');
    await send(h, '我和老公的房子过户有纠纷', who);
    expect(await send(h, '好了', who)).to.contain('地点');
    const told = await send(h, '他经常打我，我老公喝了酒就打我', who);
    expect(told.split('\n')[0]).to.contain('110');
    expect(told).to.match(REMEDIES).and.contain('补充进描述').and.contain('地点');
    await send(h, '跳过', who);
    await send(h, '匿名', who);
    expect(await send(h, '确认', who)).to.contain('受理编号');
    const tip = h.desk.submitCalls.at(-1);
    expect(tip?.description).to.contain('我老公喝了酒就打我');
    // Not taken for the place the step asked for.
    expect(tip?.place.text).to.equal(undefined);
    expect(tip?.danger).to.equal(true);
  });

  // Each everyday use beside a telling in the same words: the first must not get the answer, the
  // second must.
  const pairs: ReadonlyArray<readonly [everyday: string, told: string]> = [
    ['我小时候我爸经常打我', '我爸到现在还经常打我'],
    ['我们小两口经常打打闹闹', '我们小两口经常吵架 他一吵架就打我'],
    ['孩子天天打游戏', '孩子他爸天天打孩子'],
    ['我妈天天打麻将', '我妈天天被我爸打'],
    ['老公天天打呼噜', '老公天天打我'],
    ['我经常打电话给我妈', '我爸经常打我妈'],
    ['他俩经常打架（说的是家里那两只猫）', '他俩经常打架 我老公喝醉了还打我'],
    ['我儿子天天打我电话要钱', '我儿子天天打我要钱'],
    ['女儿每个月给我打钱', '女儿女婿不给我饭吃'],
    ['婆婆每天早上打太极拳', '婆婆每天早上打我'],
    ['我儿子在学校经常被同学打', '我儿子经常被他后爸打'],
    ['老婆天天打扮得漂漂亮亮的出门', '老婆天天打我 还不让我出门'],
    ['老公喜欢打牌 经常打到半夜', '老公喜欢打牌 输了就打我'],
    ['我老公从来不打我 就是爱喝酒', '我老公一喝酒就打我'],
    ['以前老公打过我 现在改好了 对我很好', '以前老公就打我 现在越来越厉害了'],
    ['电视剧里那个男的天天打老婆 看得我好气', '我男人天天打我 气得我直哭'],
    ['我老公经常打我手机查岗', '我老公经常打我 还查我手机'],
    ['哥哥和弟弟天天打打闹闹', '我哥天天打我 爸妈也不管'],
    ['我爸天天在田里打农药', '我爸天天在家打我妈'],
    ['社区的反家暴宣传讲座几点开始', '我被我老公家暴了好多次'],
    ['我老公天天打篮球 不管孩子', '我老公天天打孩子'],
    ['女儿天天打卡上班很辛苦', '女儿天天被她老公打'],
  ];
  for (const [everyday, told] of pairs) {
    it(`「${everyday}」 is everyday words; 「${told}」 is not`, async () => {
      expectEveryday(await send(h, everyday, someone()), everyday);
      expectUnderstood(await send(h, told, someone()), told);
    });
  }
});
