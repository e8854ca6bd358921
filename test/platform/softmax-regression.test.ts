import { expect } from 'chai';
import { ngramFeatures, ngrams, SoftmaxRegression } from '../../src/platform/softmax-regression.js';

describe('platform: softmax regression', () => {
  it('cuts character n-grams and weighs them by 1/√count', () => {
    expect(ngrams('安全账户', [1, 2])).to.deep.equal(['安', '全', '账', '户', '安全', '全账', '账户']);
    expect(ngrams('ab', [3])).to.deep.equal([]);
    const f = ngramFeatures('aab', [1]);
    expect([...f.keys()]).to.deep.equal(['a', 'b']);
    expect(f.get('a')).to.be.closeTo(1 / Math.sqrt(2), 1e-12);
  });

  it('learns the words around a word: a warning is not a demand', () => {
    const docs = [
      { text: '请把钱转入安全账户', label: 'fraud' }, { text: '马上转到安全账户配合调查', label: 'fraud' },
      { text: '涉嫌洗钱请转账', label: 'fraud' }, { text: '安全账户转账核查', label: 'fraud' },
      { text: '公安机关没有安全账户', label: 'ordinary' }, { text: '警察不会让你转安全账户，都是骗子', label: 'ordinary' },
      { text: '晚上回家吃饭', label: 'ordinary' }, { text: '没有什么安全账户，别信', label: 'ordinary' },
    ];
    const model = new SoftmaxRegression(docs, (t) => ngramFeatures(t, [1, 2]), { epochs: 60, learningRate: 0.5, l2: 0 });
    const fraud = model.labels.indexOf('fraud');
    expect(model.predict('快把钱转入安全账户')[fraud]).to.be.greaterThan(0.5);
    expect(model.predict('公安没有安全账户，别信')[fraud]).to.be.lessThan(0.5);
  });

  it('trains the same model every time (seeded order)', () => {
    const docs = [{ text: 'abc', label: 'x' }, { text: 'abd', label: 'y' }, { text: 'bcd', label: 'x' }];
    const train = () => new SoftmaxRegression(docs, (t) => ngramFeatures(t, [1, 2]), { epochs: 5, learningRate: 0.3, l2: 0.001 });
    expect([...train().predict('abx')]).to.deep.equal([...train().predict('abx')]);
  });
});
