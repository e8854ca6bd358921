// Unit cases of the personal-data rule; the privacy table (test/tips/privacy-table.test.ts) runs
// the independently written table through every staff read, the database and the logs.
import { expect } from 'chai';
import { contactNames, findPersonalData, maskName, maskPersonalData } from '../../../src/tips/rules/personal-data.js';

const fw = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

describe('tips/rules/personal-data', () => {
  const cases: Array<[string, string]> = [
    ['我的电话13812345678，请联系', '我的电话138****5678，请联系'],
    ['手机：138-1234-5678。', '手机：138****5678。'],
    ['call 138 1234 5678 now', 'call 138****5678 now'],
    ['+8613912345678', '139****5678'],
    ['手机 +86 139 1234 5678', '手机 139****5678'],
    ['0086-13912345678', '139****5678'],
    [`我手机${fw('13812345678')}`, '我手机138****5678'],
    ['号码一三九一二三四五六七八', '号码139****5678'],
    ['幺三九 幺二三四 五六七八', '139****5678'],
    ['1三9 1234 五六七八', '139****5678'],
    ['办公室0598-8234567转分机', '办公室0598-***4567转分机'],
    ['（0598）82345678', '0598-****5678'],
    ['01012345678', '010-****5678'],
    ['身份证号350402199001011234，住列东街道', '身份证号350402********1234，住列东街道'],
    ['证件 35040219900101123x', '证件 350402********123X'],
    ['身份证 350402 19900101 123X', '身份证 350402********123X'],
    [`身份证${fw('350402199001011234')}`, '身份证350402********1234'],
    ['老身份证350402900101123', '老身份证350402******123'],
    ['银行卡6222021234567890123', '银行卡***************0123'],
    ['卡号 6222 0212 3456 7890', '卡号 ************7890'],
    ['订单号 1381234567812', '订单号 *********7812'],
    ['邮箱 123456789@qq.com', '邮箱 1***@qq.com'],
    ['wang.li＠163．com', 'w***@163.com'],
    ['加我微信号wang_li88', '加我微信号w***'],
    ['QQ 12345678', 'QQ ******78'],
    ['打我电话 8234567', '打我电话 *****67'],
    ['报案人350402199001011234，电话13812345678', '报案人350402********1234，电话138****5678'],
    ['张三13812345678和李四15900001111都在场', '张三138****5678和李四159****1111都在场'],
    // Commas, 、, ~, bullets and a single * between the groups of a number; wide spaced dashes.
    ['138，1234，5678', '138****5678'],
    ['手机138, 1234, 5678', '手机138****5678'],
    ['138、1234、5678', '138****5678'],
    ['138~1234~5678', '138****5678'],
    ['138～1234～5678', '138****5678'],
    ['138•1234•5678', '138****5678'],
    ['138*1234*5678', '138****5678'],
    ['138  -  1234  -  5678', '138****5678'],
    ['幺三八、幺二三四、五六七八', '138****5678'],
    ['座机0598，8234567', '座机0598-***4567'],
    ['身份证350402，19900101，1234', '身份证350402********1234'],
    // The bracket of (+86) goes with the number.
    ['(+86)13812345678', '138****5678'],
    ['电话（+86）138-1234-5678', '电话138****5678'],
    ['电话零五九八-5573218，三明学院附近', '电话0598-***3218，三明学院附近'],
  ];
  for (const [input, output] of cases) it(`${input} → ${output}`, () => expect(maskPersonalData(input)).to.equal(output));

  it('leaves public lines, dates, times, amounts, house numbers and plates alone', () => {
    for (const s of [
      '请拨打110或96110', '12345热线', '心理援助12356', '客服400-800-1234', '转了12000元', '被骗5,000.00元',
      '2026年12月6日 13:00', '2026-12-06', '3号楼2单元501', '闽G·12345', '单号350402199013011234'.slice(0, 10),
      '二〇二六年十二月', '一五一十', '三三两两',
    ]) {
      expect(maskPersonalData(s), s).to.equal(s);
    }
  });

  it('leaves amounts, lists, ranges and products of ordinary numbers alone', () => {
    for (const s of [
      '转了1,000元', '被骗1，000元', '欠薪38，000，000元', '13,800,000,000元', '1,234,567,890,123元',
      '2024、2025年都来过', '2023、2024、2025年', '2023，2024，2025年', '• 2023 • 2024 • 2025', '2024年1、2、3月',
      '下午3~5点', '12:00~13:00', '100000~200000元', '3～5人', '3*4*5米', '3.5*4.2*2.8米', '0.6, 0.7, 0.75, 0.8',
      '住1801、1802、302的邻居', '1501、1502、1503、1504室', '房租1500，押金3000，水电200', '工资3800，4200，5100元',
      '打了3、4次电话', '编号SM251126ABCD，电话费138元',
    ]) {
      expect(maskPersonalData(s), s).to.equal(s);
    }
  });

  it('does not read a date as part of the phone number beside it', () => {
    expect(maskPersonalData('2026 12 06 13912345678')).to.equal('2026 12 06 139****5678');
  });

  it('is idempotent: a mask is never recognised again', () => {
    for (const [input] of cases) {
      const once = maskPersonalData(input);
      expect(maskPersonalData(once), input).to.equal(once);
      expect(findPersonalData(once), input).to.deep.equal([]);
    }
  });

  it('names what it found', () => {
    expect(findPersonalData('电话13812345678 身份证350402199001011234 卡6222021234567890 邮箱a@b.cn').map((s) => s.kind))
      .to.deep.equal(['mobile', 'id_card', 'bank_card', 'email']);
  });

  describe('the writer\'s own name', () => {
    const own: Array<[string, string]> = [
      ['我叫王建国，家住列东', '我叫***，家住列东'],
      ['本人林秀英 今年六十八', '本人*** 今年六十八'],
      ['我是张丽华。楼上扔垃圾', '我是***。楼上扔垃圾'],
      ['我叫李明想反映个事', '我叫**想反映个事'],
      ['我叫欧阳明在沙县开店', '我叫***在沙县开店'],
      ['举报人：陈志强', '举报人：***'],
      ['姓名:黄德福\n地址:梅列区', '姓名:***\n地址:梅列区'],
      ['事情就是这样。落款 邱桂花', '事情就是这样。落款 ***'],
      ['我是退休教师罗淑芬，', '我是退休教师***，'],
      ['本人系永安市燕西街道居民郑国平，', '本人系永安市燕西街道居民***，'],
      ['联系人 蔡小燕 13905981234', '联系人 *** 139****1234'],
    ];
    for (const [input, output] of own) it(`${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => expect(maskPersonalData(input)).to.equal(output));

    it('leaves the names of others, and words that only look like a name after 我是 or 我叫', () => {
      for (const s of [
        '村主任王大海把低保名额给了他小舅子', '被举报人王大海收受贿赂', '我叫他别在楼道堆东西', '我叫王师傅来修水管', '我是李四的妈妈',
        '我是江西人，在三明打工', '我是高中生，', '我是王家村的', '本人平时，在家', '我们村民张三，', '我家邻居是老师王某，', '本人于2024年搬来',
      ]) {
        expect(maskPersonalData(s), s).to.equal(s);
      }
    });

    it('names it a name, whole: no character of it is kept', () => {
      expect(findPersonalData('我叫王建国，').map((f) => [f.kind, f.value, f.mask])).to.deep.equal([['name', '王建国', '***']]);
      expect(maskPersonalData(maskPersonalData('我叫王建国，'))).to.equal('我叫***，');
    });
  });

  describe('contactNames: the name in an answer to the contact question', () => {
    const answers: Array<[string, string[]]> = [
      ['王建国 13912345678', ['王建国']],
      ['13912345678 王先生', ['王先生']],
      ['林阿姨，13905981234', ['林阿姨']],
      ['欧阳娜娜13812345678', ['欧阳娜娜']],
      ['我叫陈志强，电话13912345678', ['陈志强']],
      ['联系人：黄德福 13912345678', ['黄德福']],
      ['13912345678', []],
      ['电话13912345678', []],
      ['13912345678 白天打', []],
      ['13912345678 周末也可以', []],
      ['手机 13912345678 随时联系', []],
      ['方便的话打13912345678', []],
      ['13912345678 晚上别打', []],
      ['13912345678（本人）', []],
    ];
    for (const [answer, names] of answers) {
      it(`${JSON.stringify(answer)} → ${JSON.stringify(names)}`, () => expect(contactNames(answer).map((s) => s.value)).to.deep.equal(names));
    }

    it('gives spans that mask the name whole', () => {
      const [span] = contactNames('13912345678 王先生');
      expect(span).to.deep.include({ kind: 'name', start: 12, end: 15, mask: '***' });
    });
  });

  describe('maskName', () => {
    const names: Array<[string, string]> = [['张三', '张*'], ['张三丰', '张**'], ['欧阳娜娜', '欧***'], [' 王 ', '*'], ['', '']];
    for (const [input, output] of names) it(`"${input}" → "${output}"`, () => expect(maskName(input)).to.equal(output));
  });
});
