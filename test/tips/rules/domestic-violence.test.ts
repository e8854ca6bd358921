import { expect } from 'chai';
import { gradeColour } from '../../../src/tips/rules/colour.js';
import { detectDanger, detectOngoingAbuse } from '../../../src/tips/rules/domestic-violence.js';
import { emergencyReply } from '../../../src/tips/rules/emergency.js';

describe('tips/rules/domestic-violence', () => {
  it('hears abuse at home told as going on, by whoever in the family does it', () => {
    for (const text of [
      '我老公经常打我', '我儿媳妇天天打我', '儿子儿媳经常打我 我八十岁了', '我女婿经常打我女儿', '后爸总是打我和我弟', '我继母天天不给我饭吃',
      '老公不让我出门 手机也收走了', '老公把我关在家里好几天了', '儿子不给我饭吃 把我锁在屋里', '保姆经常打我妈', '护工天天掐我爸',
      '老公经常说要杀了我', '老公说我敢离婚就打死我', '离婚了 前夫还天天来打我', '我老婆动不动就打我 我一个大男人不好意思说',
      '我经常被我老公家暴', '老公打了我一巴掌算不算家暴', '孩子经常被他爸打得浑身是伤', '我跟我老公结婚十年了 他每次输了钱回来都要打我',
      '我老公经常把我打得鼻青脸肿', '老公掐我脖子 好几次了', '我妈被继父虐待', '我奶奶被我叔关在猪圈里', '家暴可以报警吗 警察会不会说是家务事不管',
    ]) {
      expect(detectOngoingAbuse(text), text).to.be.a('string');
    }
  });

  it('leaves everyday 打, memories, play, shows, jokes and other people\'s quarrels alone', () => {
    for (const text of [
      '我老公经常打篮球', '老婆经常打电话给她妈', '我妈天天打电话骂我', '老公打呼噜吵得我睡不着', '我儿子在外地打工', '老公经常打我电话查岗',
      '我妈经常打我手机', '儿子每个月打钱给我', '女儿经常打视频给我', '老公天天打扮得很帅', '我爸在地里打农药', '孩子天天在学校被同学打',
      '儿子的同学经常打我儿子', '我儿子经常打同学 老师叫家长', '孩子不听话我就打他', '我儿子考试考砸了 气得我想揍他 还好忍住了',
      '我小时候我妈经常打我', '小时候我爸天天打我 现在他老了我还是孝顺他', '我爸以前经常打我 现在对我很好', '以前我老公打过我 后来离婚了',
      '老公经常逗我玩 假装打我', '老公开玩笑打我一下', '我家猫经常打我家狗', '家里的狗天天被我儿子打', '两个孩子天天打架', '电视剧里那个老公天天打老婆',
      '这本小说写了一个家暴的故事 看得好气', '我梦见我老公打我', '宝宝在肚子里天天踢我', '我妈不让我出去玩', '我爸不让我出门 说外面下雨',
      '老公不让我吃零食 说我要减肥', '我妈说我再不写作业就打死我', '老婆说要打死我 因为我把她口红弄断了', '社区反家暴宣传活动', '反家暴法是哪一年实施的',
      '我老公从来不打我', '我老公没有家暴 只是吵架', '我爸经常打我妈电话', '我老公说他小时候他爸经常打他', '如果老公打我该怎么办',
      '我嫂子回娘家一个多月了 我哥去接被她娘家人赶出来', '民警带我弟去问话的时候动手打了他', '拆迁的人带了一车人来 把我爸按在地上打',
      '我跟我女朋友在步行街被一群喝醉的人围着打 他们拿凳子砸 我头出血了', '我老公经常打击我的自信心', '我妈经常打断我说话',
    ]) {
      expect(detectOngoingAbuse(text), text).to.equal(undefined);
    }
  });

  it('answers it told as going on with 110 for danger and the law, and danger now with the number first and the law after', () => {
    const ongoing = detectDanger('我老公经常打我');
    expect(ongoing).to.include({ kind: 'police', domesticViolence: 'ongoing' }).and.to.deep.include({ numbers: ['110'] });
    const [first, second] = emergencyReply(ongoing ?? { kind: 'police', numbers: [], injured: false, cue: '' }).split('\n');
    expect(first).to.equal('家暴不是家务事，是违法的。正在挨打或有危险，请马上拨打110。');
    expect(second).to.contain('告诫书').and.contain('人身安全保护令').and.contain('12348');

    const now = detectDanger('我老公又在打我 孩子在哭');
    expect(now).to.include({ kind: 'police', domesticViolence: 'now' });
    const lines = emergencyReply(now ?? { kind: 'police', numbers: [], injured: false, cue: '' }).split('\n');
    expect(lines[0]).to.equal('请马上拨打110报警！');
    expect(lines[2]).to.contain('告诫书').and.contain('12348');

    // Danger now that is not at home is answered as before.
    expect(detectDanger('有人在打我')?.domesticViolence).to.equal(undefined);
    expect(emergencyReply(detectDanger('有人在打我') ?? { kind: 'police', numbers: [], injured: false, cue: '' })).to.not.contain('告诫书');
    expect(detectDanger('我老公经常打呼噜')).to.equal(undefined);
  });

  it('grades a tip that tells it red, keeping the other reasons', () => {
    const g = gradeColour({ category: 'dispute', text: '我儿媳妇天天打我，我是老人，七十多了' });
    expect(g.colour).to.equal('red');
    expect(g.reasons[0]).to.match(/^家庭暴力：/);
    expect(g.reasons).to.include('涉及弱势群体：老人');
    expect(gradeColour({ category: 'dispute', text: '我老公经常打我' }).colour).to.equal('red');
    expect(gradeColour({ category: 'dispute', text: '我小时候我爸经常打我，现在想跟他断绝关系' }).colour).to.equal('green');
  });
});
