import { expect } from 'chai';
import { deniedAt, onlyDenied } from '../../src/alerts/fraud/denial.js';
import { fraudTextForm } from '../../src/alerts/fraud/rules.js';

const SAFE_ACCOUNT = [['安全账户'], ['转', '存入']];
const only = (text: string) => onlyDenied(fraudTextForm(text), SAFE_ACCOUNT);

describe('alerts/fraud: a denial counts only where it names the act', () => {
  it('reads a negator before the act, in its clause, as a denial', () => {
    expect(only('公安机关没有安全账户')).to.equal(true);
    expect(only('工行不会要求您把钱转到"安全账户"')).to.equal(true);
    const form = fraudTextForm('根本没有安全账户');
    expect(deniedAt(form, form.indexOf('安全账户'), form.indexOf('安全账户') + 4)).to.equal(true);
  });

  it('reads a scam label right after the act as a denial, never 「不是诈骗」', () => {
    expect(only('只要让你把钱转到"安全账户"的，百分之百是诈骗')).to.equal(true);
    expect(only('所谓"安全账户"就是骗子的账户')).to.equal(true);
    expect(only('请把资金转入安全账户，这不是诈骗')).to.equal(false);
    expect(only('把钱转到安全账户是不是诈骗')).to.equal(false);
  });

  it('ignores a warning in another clause and a negator whose reach a new instruction ends', () => {
    expect(only('请把资金转入安全账户配合调查，如有疑问请拨打96110')).to.equal(false);
    expect(only('请将资金转入安全账户进行核查，不要相信其他人')).to.equal(false);
    expect(only('不要挂断电话并把资金转入安全账户')).to.equal(false);
    expect(only('千万不要犹豫，马上把钱转到安全账户')).to.equal(false);
  });

  it('takes the act as asked for when one sentence asks and another denies', () => {
    expect(only('骗子说要把钱转到安全账户，公安根本就没有安全账户！')).to.equal(true);
    expect(only('公安机关没有安全账户。但您的情况特殊，请把钱转入我们的安全账户')).to.equal(false);
  });

  it('takes the act as asked for when one sentence denies it and then instructs it, unless the sentence retells someone', () => {
    expect(only('公安机关不会让你转账给个人，请你把资金转入安全账户配合调查')).to.equal(false);
    expect(only('我们不会让您转到个人账户，您需要把钱存入安全账户')).to.equal(false);
    expect(only('不是让你转给个人，而是转到国家监管的安全账户')).to.equal(false);
    expect(only('如果有人让你把钱转到安全账户，公安根本就没有安全账户')).to.equal(true);
    expect(only('骗子会说：请把钱转到安全账户，公安根本没有安全账户')).to.equal(true);
  });
});
