import { expect } from 'chai';
import { loadBotContent } from '../../src/bot/content.js';
import { matchPlace } from '../../src/bot/places.js';

const { divisions } = loadBotContent();
const m = (text: string) => matchPlace(text, divisions);

describe('bot: place matcher', () => {
  it('reads county and township from their full names', () => {
    expect(m('沙县区凤岗街道')).to.deep.equal({
      countyCode: '350405', countyName: '沙县区', townshipCode: '350405001', townshipName: '凤岗街道', label: '沙县区凤岗街道',
    });
    expect(m('清流县嵩溪镇')).to.include({ countyCode: '350423', townshipCode: '350423101' });
  });

  it('reads a county alone, by its short name too', () => {
    expect(m('永安')).to.deep.equal({ countyCode: '350481', countyName: '永安市', label: '永安市' });
    expect(m('大田县')).to.include({ countyCode: '350425' }).and.not.have.property('townshipCode');
  });

  it('reads 梅列区, merged into 三元区 in 2021, as 三元区', () => {
    expect(m('梅列区')).to.deep.equal({ countyCode: '350404', countyName: '三元区', label: '三元区' });
    expect(m('梅列 列东街道')).to.include({ countyCode: '350404', townshipCode: '350404001' });
    expect(m('梅列區徐碧')).to.include({ countyCode: '350404', townshipName: '徐碧街道' });
  });

  it('reads a township short name after its county', () => {
    expect(m('沙县凤岗')).to.include({ countyCode: '350405', townshipCode: '350405001' });
    expect(m('永安 燕东')).to.include({ countyCode: '350481', townshipCode: '350481001' });
  });

  it('finds the county from a township full name', () => {
    expect(m('大田乡')).to.include({ countyCode: '350429', townshipName: '大田乡' });
    expect(m('尤溪口镇')).to.include({ countyCode: '350426', townshipName: '尤溪口镇' });
    expect(m('泰宁县大田乡')).to.include({ countyCode: '350429', townshipCode: '350429202' });
  });

  it('reads a whole address', () => {
    expect(m('福建省三明市三元区列东街道江滨路12号')).to.include({ countyCode: '350404', townshipCode: '350404001' });
  });

  it('accepts a unique township short name as the whole answer', () => {
    expect(m('凤岗')).to.include({ countyCode: '350405', townshipCode: '350405001' });
    expect(m('城关')).to.equal(undefined); // 三元区城关街道, 明溪县城关乡, 尤溪县城关镇
  });

  it('does not read ordinary words as townships', () => {
    expect(m('建设路口')).to.equal(undefined);
    expect(m('北京朝阳')).to.equal(undefined);
    expect(m('')).to.equal(undefined);
  });
});
