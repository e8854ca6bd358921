import { expect } from 'chai';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  isTextModelWeights, loadTextModels, textModelsFrom, textModelWeights, trainTextModelWeights, trainTextModelWeightsInWorker, type TextModelWeights,
} from '../../src/bot/text-models.js';
import { keepWeights, readKeptWeights, trainingKey } from '../../src/bot/model-cache.js';
import { CONTENT_DIR } from '../../src/bot/content.js';
import { createLogger } from '../../src/platform/logger.js';
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

  describe('kept between starts (src/bot/model-cache.ts)', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'pst-models-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads back the weights it kept, bit for bit, and only under their key', () => {
      keepWeights(dir, 'k1', inWorker);
      const kept = readKeptWeights(dir, 'k1', isTextModelWeights);
      expect(kept).to.not.equal(undefined);
      expectSameWeights(kept!.fraud.isFraud, inWorker.fraud.isFraud);
      expectSameWeights(kept!.fraud.fraudType, inWorker.fraud.fraudType);
      expectSameWeights(kept!.intent.intents, inWorker.intent.intents);
      expectSameWeights(kept!.intent.categories, inWorker.intent.categories);
      expectSameWeights(kept!.emergency, inWorker.emergency);
      expect(readKeptWeights(dir, 'k2', isTextModelWeights)).to.equal(undefined);
      // A new key's file replaces the old one.
      keepWeights(dir, 'k2', inWorker);
      expect(readdirSync(dir)).to.deep.equal(['text-models-k2.v8']);
    });

    it('trains over a file that is not weights: cut short, garbage, or other data', () => {
      keepWeights(dir, 'k', { fraud: 1 });
      expect(readKeptWeights(dir, 'k', isTextModelWeights)).to.equal(undefined);
      writeFileSync(path.join(dir, 'text-models-k.v8'), 'not serialized at all');
      expect(readKeptWeights(dir, 'k', isTextModelWeights)).to.equal(undefined);
      keepWeights(dir, 'k', inWorker);
      const file = path.join(dir, 'text-models-k.v8');
      const whole = readFileSync(file);
      writeFileSync(file, whole.subarray(0, whole.length >> 1));
      expect(readKeptWeights(dir, 'k', isTextModelWeights)).to.equal(undefined);
    });

    it('names the weights by the code and every training text: a change of either is a new key', () => {
      const content = path.join(dir, 'content');
      const code = path.join(dir, 'code');
      cpSync(CONTENT_DIR, content, { recursive: true });
      cpSync(path.join(CONTENT_DIR, '..', 'src', 'bot'), code, { recursive: true });
      const first = trainingKey([content], code);
      expect(trainingKey([content], code)).to.equal(first);
      appendFileSync(path.join(content, 'emergencies', 'train.json'), ' ');
      const afterText = trainingKey([content], code);
      expect(afterText).to.not.equal(first);
      appendFileSync(path.join(code, 'intent-model.ts'), '\n');
      expect(trainingKey([content], code)).to.not.equal(afterText);
    });

    it('throws when the directory cannot be written (the start warns, and the next one trains again)', () => {
      const blocked = path.join(dir, 'a-file');
      writeFileSync(blocked, '');
      expect(() => keepWeights(blocked, 'k', inWorker)).to.throw();
    });

    it('a start reads the weights kept under its key, and trains (and says so) where it cannot keep them', async () => {
      const lines: Array<Record<string, unknown>> = [];
      const logger = createLogger('info', { write: (l: string) => { lines.push(JSON.parse(l) as Record<string, unknown>); } });
      // Kept weights with one bias changed: only a start that read the file answers with it.
      const marked = structuredClone(inWorker);
      marked.emergency.bias[0] = 42;
      keepWeights(dir, trainingKey([CONTENT_DIR]), marked);
      expect((await textModelWeights({ dir, logger })).emergency.bias[0]).to.equal(42);
      expect(lines).to.deep.equal([]);
      // A directory under a file: trained in the worker, served, and a warning names the directory.
      const blocked = path.join(dir, 'a-file');
      writeFileSync(blocked, '');
      const trained = await textModelWeights({ dir: path.join(blocked, 'cache'), logger });
      expectSameWeights(trained.emergency, inWorker.emergency);
      expect(lines.map((l) => [l.level, l.msg, l.dir])).to.deep.equal([[40, 'text models: trained weights not kept; the next start trains again', path.join(blocked, 'cache')]]);
    });
  });
});
