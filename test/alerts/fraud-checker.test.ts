import { expect } from 'chai';
import { checkFraud } from '../../src/alerts/fraud-checker.js';

describe('alerts: fraud checker', () => {
  const cases: Array<[string, 'high' | 'medium' | 'low', string]> = [
    ['网上兼职刷单，日结300元，先垫付200元做任务返佣金', 'high', '刷单返利'],
    ['无抵押低利率放款快，贷款5万先交2000元保证金', 'high', '虚假网络贷款'],
    ['我是公安局民警，您涉嫌洗钱，请把钱转入安全账户', 'high', '冒充公检法'],
    ['警官要求视频做笔录，并开启屏幕共享', 'high', '冒充公检法'],
    ['您的征信有问题，需要注销校园贷账户，否则影响征信', 'high', '虚假征信'],
    ['网友亲爱的带我在平台投资，稳赚不赔，今天充值翻倍', 'high', '网络婚恋交友（杀猪盘）'],
    ['养老公寓项目投资，年回报20%，先交会员费', 'high', '养老诈骗'],
    ['我是你领导，换了新号码，急用钱，先帮我转账5万', 'high', '冒充领导熟人'],
    ['您好，我是快递客服，包裹丢失理赔，请把收到的验证码发给我', 'high', '冒充电商物流客服'],
    ['你的验证码发给我一下，我帮你领补贴', 'high', '索要验证码'],
    ['【ETC】您的ETC认证已过期，请点击 http://etc-xx.top 重新认证', 'medium', '可疑链接'],
    ['内部消息，跟着导师带单，稳赚不赔', 'medium', '虚假投资理财'],
    ['免费体检，还送鸡蛋，明天健康讲座', 'medium', '养老诈骗'],
  ];

  for (const [text, risk, type] of cases) {
    it(`${risk}: ${type} — ${text.slice(0, 16)}`, () => {
      const v = checkFraud(text);
      expect(v.risk).to.equal(risk);
      expect(v.types).to.include(type);
      expect(v.reasons).to.not.be.empty;
      expect(v.advice).to.contain('96110');
    });
  }

  it('finds no risk in an ordinary message', () => {
    const v = checkFraud('妈，我今天晚上回家吃饭，帮我留点菜');
    expect(v).to.deep.equal({ risk: 'low', types: [], reasons: [], advice: v.advice });
    expect(v.advice).to.contain('96110');
  });

  it('tells the already-paid to call 110', () => {
    expect(checkFraud('请转入安全账户').advice).to.contain('110');
  });
});
