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

  it('calls any asking for the verification code high, however it is asked; a bank\'s own code message stays low', () => {
    for (const text of ['银行打电话要验证码', '刚才有个自称银行的打电话要验证码 还好我没理他', '对方问我要验证码', '他跟我要短信验证码']) {
      expect(checker.check(text).risk, text).to.equal('high');
    }
    expect(checker.check('【工商银行】您的验证码为123456，请勿告诉他人，银行不会打电话向您索要验证码。').risk).to.equal('low');
  });

  it('finds nothing in a citizen asking how to sue, while a fake lawsuit notice stays flagged', () => {
    for (const text of ['对方欠钱不还 我想起诉该怎么办？', '我要去法院告他', '朋友借钱不还 能起诉吗']) expect(checker.check(text).risk, text).to.equal('low');
    expect(checker.check('你的网贷逾期，我们将对你提起诉讼，请马上还款到指定账户').risk).to.equal('high');
  });

  it('never calls a number alone, or one asked about, low risk: it says a number alone cannot tell', () => {
    const asked = [
      '13859812345', '这个号码13859812345是不是骗子', '13859812345 是骗子吗', '这个电话靠谱吗 0598-8221234',
      '帮我查查这个号 +86 138 5981 2345', '17012345678给我打电话，这个是不是骗子', '這個號碼13859812345是騙子嗎', '95588', '+852 6123 4567？',
    ];
    for (const text of asked) {
      const v = checker.check(text);
      expect(v.risk, text).to.equal('unknown');
      expect(v.types, text).to.deep.equal([]);
      expect(v.advice, text).to.contain('光凭一个号码');
    }
    // Words beside the number are judged as before, whatever the verdict.
    expect(checker.check('晚上一起吃饭，有事打我电话17012345678').risk).to.equal('low');
    expect(checker.check('您的账户涉嫌洗钱，请立即联系17012345678，把钱转到安全账户').risk).to.equal('high');
    expect(checker.check('【XX银行】您的账户异常请拨打95588转人工处理').risk).to.not.equal('unknown');
    expect(checker.check('我是你领导，这是我的新号码 17012345678').risk).to.not.equal('unknown');
    // Without a phone number there is no caller to speak of: judged as before.
    expect(checker.check('妈妈').risk).to.equal('low');
    expect(checker.check('6222021234567890123').risk).to.not.equal('unknown');
  });
});

// A warning phrase is free for a scammer to copy: it must never clear a text that asks for the
// act that is the fraud itself, only a text that denies the act where it names it.
describe('alerts/fraud: warning phrases beside the act', () => {
  const checker = defaultFraudChecker();
  const verdict = (text: string) => ({ text, ...checker.check(text) });

  it('keeps a transfer to a 「安全账户」 high when a warning phrase is copied beside it', () => {
    const asks = [
      '您涉嫌洗钱，请把资金转入安全账户配合调查',
      '您涉嫌洗钱，请把资金转入安全账户配合调查，如有疑问请拨打96110',
      '【反诈中心】您的账户涉嫌诈骗资金，请将资金转入安全账户进行核查，不要相信其他人',
      '【国家反诈中心】尊敬的用户，经监测您名下银行卡涉嫌一起电信诈骗案，为保障资金安全，请于今日18点前将卡内余额转入国家安全账户进行资金核查，核查后原路退回。切勿告诉他人，谨防上当受骗。',
      '您好，我是反诈中心民警，不要相信骗子，马上把卡里的钱转到安全账户',
      // A denial of one transfer, then the ask, in one sentence.
      '公安机关不会让你转账给个人，请你把资金转入安全账户配合调查',
      '银行不会让您转给陌生人，请立即将存款转到安全账户进行资金核查',
    ].map(verdict);
    for (const v of asks) {
      expect(v.risk, v.text).to.equal('high');
      expect(v.reasons.join(), v.text).to.contain('安全账户');
      expect(v.advice, v.text).to.contain('不要转账');
    }
  });

  it('keeps a request for the verification code high whatever warning follows it', () => {
    const v = verdict('【XX银行】您的账户存在异常交易，工作人员将致电为您办理冻结保护，届时请将收到的验证码告诉工作人员。验证码请勿泄露给陌生人，如有疑问请拨打96110。');
    expect(v.risk).to.equal('high');
    expect(v.type).to.equal('code');
  });

  it('keeps a statement by video high beside 「千万不要」', () => {
    expect(checker.check('警官：你现在是涉案人员，我们要跟你视频做笔录，你找个没人的房间，千万不要告诉家人，真正的公检法就是这样办案的。').risk).to.equal('high');
  });

  it('does not let copied warning phrases bring a text that asks for money down to low', () => {
    const v = checker.check('【XX证券】尊敬的客户，导师带单内部名额已开放，稳赚不赔，下载官方app入金即可跟单，如非本人操作请忽略，谨防诈骗。');
    expect(v.risk).to.not.equal('low');
    expect(v.type).to.equal('investment');
  });

  it('lets a warning that denies the act stay low, with or without a warning phrase', () => {
    const warnings = [
      '公安机关没有安全账户，接到让您转账的电话请直接挂断',
      '【三明市公安局】提醒：公安机关没有“安全账户”，凡是让您把钱转入安全账户的都是诈骗，请勿相信。',
      '民警提醒：公检法不会视频做笔录，也不会让您把钱转到安全账户，接到这样的电话请打110',
      '骗子最爱说“把钱转到安全账户”，这就是诈骗，大家转给家里老人看看',
      '【XX银行】验证码123456，您正在绑定新设备，验证码不要告诉任何人，工作人员也不会向您索要。',
    ].map(verdict);
    for (const v of warnings) {
      expect(v.risk, v.text).to.equal('low');
      // The low answer still tells the citizen to stop before paying.
      expect(v.advice, v.text).to.contain('先停一停').and.to.contain('96110');
    }
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
