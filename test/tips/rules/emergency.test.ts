import { expect } from 'chai';
import { detectEmergency, emergencyReply, type EmergencyKind } from '../../../src/tips/rules/emergency.js';

describe('tips/rules/emergency', () => {
  const cases: Array<[string, EmergencyKind]> = [
    ['有人拿刀要杀人', 'police'],
    ['我老公又在打我 孩子在哭', 'police'],
    ['楼上冒出好多黑烟', 'fire'],
    ['厨房一股煤气味 头晕', 'fire'],
    ['我爸突然倒地上了 叫不醒', 'medical'],
    ['电动车被小车撞了 人躺地上不动', 'traffic'],
    ['我不想活了', 'suicide'],
    ['有人 砍 人！！', 'police'],
    ['ｗｏ想跳楼', 'suicide'],
  ];
  for (const [text, kind] of cases) {
    it(`"${text}" → ${kind}`, () => expect(detectEmergency(text)?.kind).to.equal(kind));
  }

  for (const text of ['今晚吃火锅', '这条爆炸新闻是真的吗', '双十一抢购', '杀毒软件怎么装', '气死了', '救救我的成绩', '消防演练几点开始', '打120要钱吗', '去年家里着火，现在已经处理好了']) {
    it(`"${text}" is not an emergency`, () => expect(detectEmergency(text)).to.equal(undefined));
  }

  it('reads 「还好好的」 and 「哭得好厉害」 as now, not as over or as praise', () => {
    expect(detectEmergency('我妈刚才还好好的 突然倒地了 叫不醒')?.kind).to.equal('medical');
    expect(detectEmergency('小孩头卡在防盗窗里出不来 哭得好厉害')?.kind).to.equal('fire');
    expect(detectEmergency('不是开玩笑 真的有人拿刀 在我家门口')?.kind).to.equal('police');
  });

  it('is not an emergency when whoever it was is safe now, thoughts of suicide included', () => {
    expect(detectEmergency('朋友以前想不开过 现在好多了')).to.equal(undefined);
    expect(detectEmergency('那个想跳楼的男孩被劝下来了')).to.equal(undefined);
  });

  it('takes animals in trouble, rides and tripped switches for what they are', () => {
    for (const text of ['我家狗被车撞了 腿瘸了 附近有宠物医院吗', '猫爬到树上下不来了', '周末去坐跳楼机', '取暖器一开就跳闸', '车在服务区打不着火了']) {
      expect(detectEmergency(text), text).to.equal(undefined);
    }
  });

  it('does not read an emergency number inside a tracking code', () => {
    expect(detectEmergency('查询 SM251206120ABC')).to.equal(undefined);
  });

  it('answers thoughts of suicide even when they are habitual', () => {
    expect(detectEmergency('我每天都在想怎么死才不痛')?.kind).to.equal('suicide');
  });

  it('gives the numbers of the kind, first in the first line, then one thing to do now', () => {
    const reply = (text: string) => emergencyReply(detectEmergency(text) ?? { kind: 'police', numbers: [], injured: false, cue: '' }).split('\n');
    expect(reply('两辆车撞了 有人流血')[0]).to.match(/^请马上拨打122.*120/);
    expect(reply('有人拿刀砍人 流了好多血')[0]).to.match(/^请马上拨打110.*120/);
    expect(reply('我不想活了')[0]).to.match(/^请马上拨打110或120.*12356/);
    expect(reply('着火了')).to.have.length(2);
    expect(detectEmergency('有人拿刀砍人 流了好多血')?.numbers).to.deep.equal(['110', '120']);
  });
});

describe('tips/rules/emergency with a second opinion', () => {
  const sure = (probability: number) => ({ classify: () => ({ kind: 'medical' as const, probability }), threshold: 0.5, veto: 0.7 });

  it('raises what no cue names when the model is sure enough', () => {
    expect(detectEmergency('我爸脸色不对劲一直不说话', sure(0.9))?.kind).to.equal('medical');
    expect(detectEmergency('我爸脸色不对劲一直不说话', sure(0.4))).to.equal(undefined);
  });

  it('lets a sure model overrule a cue used in an everyday sense, never a cue of suicide', () => {
    expect(detectEmergency('这次考试又要挨打了', sure(0.1))).to.equal(undefined);
    expect(detectEmergency('有人在打我', sure(0.5))?.kind).to.equal('police');
    expect(detectEmergency('我邻居说要跳楼', sure(0.01))?.kind).to.equal('suicide');
  });

  it('lets a model sure of an emergency overrule the words that say it is not one now', () => {
    const asked = '请问 我儿子刚从二楼掉下来 一直想睡觉';
    expect(detectEmergency(asked, { ...sure(0.9), overrule: 0.8 })?.kind).to.equal('medical');
    expect(detectEmergency(asked, { ...sure(0.7), overrule: 0.8 })).to.equal(undefined);
    expect(detectEmergency(asked, sure(0.9))).to.equal(undefined);
  });

  it('does not let the model overrule a cue in a short cry', () => {
    expect(detectEmergency('老公家暴 快', sure(0.01))?.kind).to.equal('police');
    expect(detectEmergency('考砸了 回家又要挨打了', sure(0.01))).to.equal(undefined);
  });

  it('adds 120 to the cue\'s number when the model hears someone hurt', () => {
    const hurt = {
      classify: () => ({ kind: 'medical' as const, probability: 0.9, kinds: { police: 0, fire: 0.2, medical: 0.7, traffic: 0, suicide: 0 } }),
      threshold: 0.5, veto: 0.7, kindOverride: 0.5,
    };
    const e = detectEmergency('热水器好像漏气 我老婆在洗澡 叫她不应', hurt);
    expect(e?.kind).to.equal('fire');
    expect(e?.numbers).to.deep.equal(['119', '120']);
  });

  it('hears no blow where one is denied, and wants the model sure (overrule) to raise it', () => {
    const denied = '我老公从来不打我 就是爱喝酒';
    expect(detectEmergency(denied)).to.equal(undefined);
    expect(detectEmergency(denied, { ...sure(0.7), overrule: 0.8 })).to.equal(undefined);
    expect(detectEmergency(denied, { ...sure(0.9), overrule: 0.8 })?.kind).to.equal('medical');
    expect(detectEmergency('他没有家暴 只是吵架')).to.equal(undefined);
    // A plea is no denial.
    expect(detectEmergency('别打我')?.kind).to.equal('police');
    expect(detectEmergency('不要打我孩子')?.kind).to.equal('police');
  });

  it('keeps a threat to kill the writer the police\'s, whatever other kind the model names', () => {
    const suicide = {
      classify: () => ({ kind: 'suicide' as const, probability: 0.9, kinds: { police: 0.1, fire: 0, medical: 0, traffic: 0, suicide: 0.8 } }),
      threshold: 0.5, veto: 0.7, kindOverride: 0.5,
    };
    expect(detectEmergency('我儿子说今晚回来就杀了我', suicide)?.kind).to.equal('police');
    expect(detectEmergency('他喝醉了说要砍死我们全家', suicide)?.kind).to.equal('police');
  });

  it('does not ask the model about a few characters', () => {
    let asked = 0;
    const counting = { classify: () => { asked += 1; return { kind: 'fire' as const, probability: 1 }; }, threshold: 0.5, veto: 0.7 };
    expect(detectEmergency('你好', counting)).to.equal(undefined);
    expect(asked).to.equal(0);
  });
});
