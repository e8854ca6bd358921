import { expect } from 'chai';
import {
  isSoftmaxWeights, ngramFeatures, ngrams, SoftmaxRegression, softmaxTransferList, trainSoftmax,
} from '../../src/platform/softmax-regression.js';

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
    const model = SoftmaxRegression.train(docs, (t) => ngramFeatures(t, [1, 2]), { epochs: 60, learningRate: 0.5, l2: 0 });
    const fraud = model.labels.indexOf('fraud');
    expect(model.predict('快把钱转入安全账户')[fraud]).to.be.greaterThan(0.5);
    expect(model.predict('公安没有安全账户，别信')[fraud]).to.be.lessThan(0.5);
  });

  it('trains the same model every time (seeded order)', () => {
    const docs = [{ text: 'abc', label: 'x' }, { text: 'abd', label: 'y' }, { text: 'bcd', label: 'x' }];
    const train = () => SoftmaxRegression.train(docs, (t) => ngramFeatures(t, [1, 2]), { epochs: 5, learningRate: 0.3, l2: 0.001 });
    expect([...train().predict('abx')]).to.deep.equal([...train().predict('abx')]);
  });

  it('predicts from weights that crossed a thread boundary as from the model trained here', () => {
    const docs = [{ text: '转账到安全账户', label: 'fraud' }, { text: '安全账户是骗局', label: 'ordinary' }, { text: '马上转账', label: 'fraud' }, { text: '回家吃饭', label: 'ordinary' }];
    const featurize = (t: string) => ngramFeatures(t, [1, 2]);
    const options = { epochs: 5, learningRate: 0.3, l2: 0.001 };
    const weights = trainSoftmax(docs, featurize, options);
    expect(isSoftmaxWeights(weights)).to.be.true;
    const posted = structuredClone(weights, { transfer: softmaxTransferList(weights) });
    expect(weights.weights.length, 'transferred, not copied').to.equal(0);
    const here = SoftmaxRegression.train(docs, featurize, options);
    const there = new SoftmaxRegression(posted, featurize);
    expect(there.labels).to.deep.equal(here.labels);
    for (const text of ['转账', '安全账户', '吃饭', '无关的话']) expect([...there.predict(text)]).to.deep.equal([...here.predict(text)]);
  });

  it('tells weights from something else', () => {
    const ok = { labels: ['a', 'b'], features: ['x'], weights: new Float32Array(2), bias: new Float64Array(2) };
    expect(isSoftmaxWeights(ok)).to.be.true;
    expect(isSoftmaxWeights({ ...ok, weights: new Float64Array(2) })).to.be.false;
    expect(isSoftmaxWeights({ ...ok, features: ['x', 'y'] })).to.be.false;
    expect(isSoftmaxWeights({ ...ok, bias: new Float64Array(3) })).to.be.false;
    expect(isSoftmaxWeights(null)).to.be.false;
  });
});
