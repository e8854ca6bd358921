import { expect } from 'chai';
import {
  loadTextModels, textModelsFrom, trainTextModelWeights, trainTextModelWeightsInWorker, type TextModelWeights,
} from '../../src/bot/text-models.js';
import type { SoftmaxWeights } from '../../src/platform/softmax-regression.js';

/** Bit for bit: the bytes of the arrays, not their values within a tolerance. */
function expectSameWeights(a: SoftmaxWeights, b: SoftmaxWeights): void {
  expect(a.labels).to.deep.equal(b.labels);
  expect(a.features).to.deep.equal(b.features);
  const bytes = (x: Float32Array | Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  expect(bytes(a.weights).equals(bytes(b.weights)), 'weights').to.be.true;
  expect(bytes(a.bias).equals(bytes(b.bias)), 'bias').to.be.true;
}

const TEXTS = [
  '您好，我是公安局的，你涉嫌洗钱，请把钱转到安全账户配合调查',
  '刷单返利，日赚三百，先垫付后返还',
  '楼下烧烤店每天半夜还在营业，油烟太大了',
  '我朋友倒在地上叫不醒了',
  '辣到我想死',
  '河里有人落水了快来人',
  '你好',
  '邻居家装修一直敲墙吵得睡不着',
];

describe('bot: the text models trained in a worker thread', function () {
  // Two trainings of the five models, one of them in a thread that loads the sources through tsx.
  this.timeout(120_000);
  let inWorker: TextModelWeights;
  let inProcess: TextModelWeights;

  before(async () => {
    inWorker = await trainTextModelWeightsInWorker();
    inProcess = trainTextModelWeights();
  });

  it('posts back the weights this thread trains, bit for bit', () => {
    expectSameWeights(inWorker.fraud.isFraud, inProcess.fraud.isFraud);
    expectSameWeights(inWorker.fraud.fraudType, inProcess.fraud.fraudType);
    expectSameWeights(inWorker.intent.intents, inProcess.intent.intents);
    expectSameWeights(inWorker.intent.categories, inProcess.intent.categories);
    expectSameWeights(inWorker.emergency, inProcess.emergency);
  });

  it('gives the same verdicts, intents and emergencies', () => {
    const a = textModelsFrom(inWorker);
    const b = textModelsFrom(inProcess);
    for (const text of TEXTS) {
      expect(a.fraud.check(text), text).to.deep.equal(b.fraud.check(text));
      expect(a.intentModel.classify(text), text).to.deep.equal(b.intentModel.classify(text));
      expect(a.emergency.classify(text), text).to.deep.equal(b.emergency.classify(text));
    }
  });

  it('trains once per process', async () => {
    expect(await loadTextModels()).to.equal(await loadTextModels());
  });
});
