import { expect } from 'chai';
import { defaultFraudChecker, readFraudRules } from '../../src/alerts/fraud/index.js';
import { CompiledRules, fraudRulesSchema, fraudTextForm } from '../../src/alerts/fraud/rules.js';

describe('alerts/fraud: the checker', () => {
  const checker = defaultFraudChecker();

  it('explains a high verdict with the rule\'s reason, the type\'s advice and 96110', () => {
    const v = checker.check('您涉嫌洗钱，请把资金转入安全账户配合调查');
    expect(v.risk).to.equal('high');
    expect(v.type).to.equal('police');
    expect(v.types).to.deep.equal(['冒充公检法']);
    expect(v.reasons.join()).to.contain('安全账户');
    expect(v.advice).to.contain('96110').and.to.contain('110');
  });

  it('names the type the issue found wrong before', () => {
    expect(checker.check('您好，我是某某金融客服，系统显示您大学期间开通了学生贷，现在要注销，不然影响征信，请下载会议软件开启屏幕共享').type).to.equal('credit');
    expect(checker.check('【医保局】您的医保卡即将失效，请登录 yb-fj.top 重新认证领取补贴').type).to.equal('phishing');
  });

  it('lets a police reminder that quotes 「安全账户」 pass', () => {
    const v = checker.check('【三明市公安局】公安机关没有安全账户，不会电话办案，不会让您转账。接到96110来电请接听。');
    expect(v.risk).to.equal('low');
    expect(v.reasons).to.deep.equal([]);
  });

  it('finds nothing in a family message', () => {
    expect(checker.check('妈，我今天晚上回家吃饭，帮我留点菜').risk).to.equal('low');
  });
});

describe('alerts/fraud: the rules file', () => {
  it('is valid and compiles every phrase into one matcher', () => {
    const file = readFraudRules();
    expect(file.rules.length).to.be.greaterThan(20);
    const rules = new CompiledRules(file);
    expect(rules.fired(fraudTextForm('请 把 钱 转入 安全账户')).map((r) => r.id)).to.include('safe-account');
    expect(rules.fired(fraudTextForm('今天天气不错'))).to.deep.equal([]);
  });

  it('refuses a file with a rule id used twice or a type without advice', () => {
    const file = readFraudRules();
    const twice = { ...file, rules: [...file.rules, file.rules[0]] };
    expect(fraudRulesSchema.safeParse(twice).success).to.equal(false);
    const { police: _dropped, ...types } = file.types;
    expect(fraudRulesSchema.safeParse({ ...file, types }).success).to.equal(false);
  });
});
