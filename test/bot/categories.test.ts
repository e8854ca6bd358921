import { expect } from 'chai';
import { BOT_CATEGORIES, classify, hasDangerWords } from '../../src/bot/categories.js';

describe('bot: categories and danger words', () => {
  it('lists the ten categories of domain.md in order', () => {
    expect(BOT_CATEGORIES.map((c) => c.key)).to.deep.equal([
      'security', 'fraud', 'dispute', 'legal', 'report', 'ecology', 'online', 'business', 'suggestion', 'other',
    ]);
  });

  it('classifies by keywords', () => {
    expect(classify('村口有人聚众赌博')).to.equal('security');
    expect(classify('我被骗了，对方让我刷单')).to.equal('fraud');
    expect(classify('邻居占了我家宅基地')).to.equal('dispute');
    expect(classify('法院判决一直不执行')).to.equal('legal');
    expect(classify('村干部贪污低保款')).to.equal('report');
    expect(classify('山上有人偷伐林木')).to.equal('ecology');
    expect(classify('网上有人造谣')).to.equal('online');
    expect(classify('今天天气很好')).to.equal(undefined);
  });

  it('sees danger words', () => {
    expect(hasDangerWords('他说要跳楼')).to.equal(true);
    expect(hasDangerWords('有人持刀抢劫')).to.equal(true);
    expect(hasDangerWords('邻居吵架')).to.equal(false);
  });
});
