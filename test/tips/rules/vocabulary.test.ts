import { expect } from 'chai';
import { classifyCategory } from '../../../src/tips/rules/category.js';
import {
  CATEGORIES, CATEGORY_KEYS, categoryInfo, COLOUR_LABELS, COLOURS, isCategory, isTipState,
  LEGAL_TYPE_LABELS, LEGAL_TYPES, RATING_LABELS, RATINGS, ROLE_LABELS, ROLES, STATE_LABELS, TIP_STATES, UNIT_LABELS,
} from '../../../src/tips/types.js';

describe('tips/types (vocabulary)', () => {
  it('has one CATEGORIES entry per key, in key order, with a Chinese name', () => {
    expect(CATEGORIES.map((c) => c.key)).to.deep.equal([...CATEGORY_KEYS]);
    for (const c of CATEGORIES) {
      expect(c.name, c.key).to.match(/\p{Script=Han}/u);
      if (c.defaultUnit) expect(UNIT_LABELS, c.key).to.have.property(c.defaultUnit);
    }
  });

  it('routes 检举控告 to the discipline unit as an accusation', () => {
    expect(categoryInfo('report')).to.include({ defaultUnit: 'discipline', defaultLegalType: 'accusation' });
    expect(categoryInfo('suggestion').defaultLegalType).to.equal('suggestion');
    expect(categoryInfo('other').defaultUnit).to.equal(undefined);
  });

  it('labels every state, colour, legal type, rating and role', () => {
    const pairs: Array<[readonly string[], Record<string, string>]> = [
      [TIP_STATES, STATE_LABELS], [COLOURS, COLOUR_LABELS], [LEGAL_TYPES, LEGAL_TYPE_LABELS],
      [RATINGS, RATING_LABELS], [ROLES, ROLE_LABELS],
    ];
    for (const [keys, labels] of pairs) expect(Object.keys(labels)).to.have.members([...keys]);
    expect(STATE_LABELS.rejected).to.equal('不予受理');
    expect(LEGAL_TYPE_LABELS.accusation).to.equal('检举控告');
  });

  it('guards membership', () => {
    expect(isCategory('fraud')).to.equal(true);
    expect(isCategory('Fraud')).to.equal(false);
    expect(isTipState(42)).to.equal(false);
  });

  describe('classifyCategory', () => {
    const cases: Array<[string, string | undefined]> = [
      ['村里有人聚众赌博', 'security'],
      ['有人吸毒', 'security'],
      ['有人在微信群里卖枪', 'security'],
      ['村里有人种罂粟', 'security'],
      ['有人拐卖小孩', 'security'],
      ['对方让我把钱转到安全账户', 'fraud'],
      ['做刷单被骗了', 'fraud'],
      ['邻居占了我家的地，土地纠纷', 'dispute'],
      ['老板欠薪三个月', 'dispute'],
      ['法院判决后一直不执行', 'legal'],
      ['派出所干警收受贿赂，贪污', 'report'],
      ['山上有人盗伐林木', 'ecology'],
      ['工厂夜里偷排污水', 'ecology'],
      ['网上有人造谣', 'online'],
      ['企业反映营商环境问题', 'business'],
      ['我有个建议', 'suggestion'],
      ['今天天气很好', undefined],
    ];
    for (const [text, category] of cases) it(`"${text}" → ${category ?? 'none'}`, () => expect(classifyCategory(text)).to.equal(category));

    it('breaks ties towards the costlier mistake (report over suggestion)', () => {
      expect(classifyCategory('建议查一查这个腐败干部')).to.equal('report');
    });
  });
});
