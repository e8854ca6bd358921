import { expect } from 'chai';
import { maskName, redactIdNumbers, redactPhones, redactText } from '../../../src/tips/rules/redact.js';

describe('tips/rules/redact', () => {
  describe('redactPhones', () => {
    const cases: Array<[string, string]> = [
      ['我的电话13812345678，请联系', '我的电话138****5678，请联系'],
      ['手机：138-1234-5678。', '手机：138****5678。'],
      ['call 138 1234 5678 now', 'call 138****5678 now'],
      ['+8613912345678', '+86139****5678'],
      ['办公室0598-8234567转分机', '办公室0598-***4567转分机'],
      ['（0598）82345678', '（0598）****5678'],
      ['01012345678', '010****5678'],
    ];
    for (const [input, output] of cases) it(`${input} → ${output}`, () => expect(redactPhones(input)).to.equal(output));

    it('leaves public lines, amounts and longer numbers alone', () => {
      for (const s of ['请拨打110或96110', '转了12000元', '订单号 1381234567812', '银行卡6222021234567890123', '12345热线']) {
        expect(redactPhones(s)).to.equal(s);
      }
    });

    it('masks every number in a sentence', () => {
      expect(redactPhones('张三13812345678和李四15900001111都在场'))
        .to.equal('张三138****5678和李四159****1111都在场');
    });
  });

  describe('redactText', () => {
    it('masks numbers typed in full-width digits, as Chinese input methods do', () => {
      expect(redactText('我手机１３８１２３４５６７８')).to.equal('我手机138****5678');
      expect(redactText('身份证３５０４０２１９９００１０１１２３４')).to.equal('身份证350402********1234');
      expect(redactText('电话＋８６　１３９－１２３４－５６７８')).to.not.match(/1234/);
    });
  });

  describe('redactIdNumbers', () => {
    it('keeps the first 6 and last 4 of an ID number inside a sentence', () => {
      expect(redactIdNumbers('身份证号350402199001011234，住列东街道'))
        .to.equal('身份证号350402********1234，住列东街道');
      expect(redactIdNumbers('证件 35040219900101123x')).to.equal('证件 350402********123X');
    });

    it('leaves numbers that are not ID-shaped', () => {
      expect(redactIdNumbers('单号350402199013011234')).to.equal('单号350402199013011234'); // month 13
      expect(redactIdNumbers('3504021990010112345')).to.equal('3504021990010112345'); // 19 digits
    });
  });

  it('redactText does both and does not mistake ID digits for a phone', () => {
    expect(redactText('报案人350402199001011234，电话13812345678'))
      .to.equal('报案人350402********1234，电话138****5678');
    expect(redactText('ID 350402198812138888')).to.equal('ID 350402********8888');
  });

  describe('maskName', () => {
    const cases: Array<[string, string]> = [['张三', '张*'], ['张三丰', '张**'], ['欧阳娜娜', '欧***'], [' 王 ', '*'], ['', '']];
    for (const [input, output] of cases) it(`"${input}" → "${output}"`, () => expect(maskName(input)).to.equal(output));
  });
});
