import { expect } from 'chai';
import { acknowledgeBy, gradeColour } from '../../../src/tips/rules/colour.js';
import { holidays, sh } from './helpers.js';

describe('tips/rules/colour', () => {
  describe('gradeColour', () => {
    const cases: Array<[string, Parameters<typeof gradeColour>[0], 'red' | 'yellow' | 'green']> = [
      ['a knife threat', { category: 'dispute', text: '邻居拿着刀扬言要砍人' }, 'red'],
      ['violence', { category: 'security', text: '昨晚有人在店门口殴打路人' }, 'red'],
      ['weapons', { category: 'security', text: '村里有人私藏猎枪' }, 'red'],
      ['mass gathering', { category: 'dispute', text: '几十个工人准备明天去围堵政府' }, 'red'],
      ['上访', { category: 'legal', text: '判决不公，准备集体上访' }, 'red'],
      ['organised crime', { category: 'security', text: '这伙黑社会垄断砂石生意' }, 'red'],
      ['self-harm', { category: 'dispute', text: '工资再不给我就跳楼' }, 'red'],
      ['同归于尽', { category: 'dispute', text: '逼急了和他同归于尽' }, 'red'],
      ['full-width spaces do not hide it', { category: 'other', text: '我要　自 杀' }, 'red'],
      ['elderly', { category: 'fraud', text: '我家老人被推销保健品骗了两万' }, 'yellow'],
      ['minor', { category: 'online', text: '有未成年人在直播打赏' }, 'yellow'],
      ['likely to escalate', { category: 'dispute', text: '宅基地纠纷调解多次仍没结果，双方经常吵架' }, 'yellow'],
      ['flagged vulnerable', { category: 'dispute', text: '邻居漏水', vulnerable: true }, 'yellow'],
      ['repeat', { category: 'dispute', text: '邻居漏水', repeatCount: 1 }, 'yellow'],
      ['routine', { category: 'suggestion', text: '建议在路口加装路灯' }, 'green'],
      ['routine dispute', { category: 'dispute', text: '楼上邻居漏水' }, 'green'],
      ['repeatCount 0 is not a repeat', { category: 'dispute', text: '楼上邻居漏水', repeatCount: 0 }, 'green'],
      ['信息爆炸 is not a bomb', { category: 'online', text: '现在信息爆炸，谣言太多' }, 'green'],
      ['an emergency in plain words', { category: 'other', text: '楼上冒出好多黑烟' }, 'red'],
    ];
    for (const [name, input, colour] of cases) {
      it(`${name} → ${colour}`, () => {
        const g = gradeColour(input);
        expect(g.colour).to.equal(colour);
        expect(g.reasons.length > 0).to.equal(colour !== 'green');
      });
    }

    it('explains itself in Chinese, red reasons first, yellow ones kept', () => {
      const g = gradeColour({ category: 'dispute', text: '老人被打伤，对方扬言还要来', repeatCount: 2 });
      expect(g.colour).to.equal('red');
      expect(g.reasons[0]).to.match(/^危及人身安全/);
      expect(g.reasons.join(' ')).to.include('涉及弱势群体：老人').and.to.include('重复反映（此前已反映2次）');
    });
  });

  describe('acknowledgeBy', () => {
    it('red: the end of the same Beijing day, even on a holiday', () => {
      expect(acknowledgeBy('red', sh('2025-10-02T23:30'), holidays).toISOString())
        .to.equal(sh('2025-10-02T23:59:59.999').toISOString());
    });

    it('yellow: within 3 calendar days, no holiday relief', () => {
      expect(acknowledgeBy('yellow', sh('2025-09-30T10:00'), holidays).toISOString())
        .to.equal(sh('2025-10-03T23:59:59.999').toISOString());
    });

    it('green: the 15-day legal clock, last day moved off the holiday', () => {
      expect(acknowledgeBy('green', sh('2025-03-03T10:00'), holidays).toISOString())
        .to.equal(sh('2025-03-18T23:59:59.999').toISOString());
      expect(acknowledgeBy('green', sh('2025-09-23T10:00'), holidays).toISOString())
        .to.equal(sh('2025-10-09T23:59:59.999').toISOString());
    });
  });
});
