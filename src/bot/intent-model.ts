// What a free message is, read from the whole sentence: softmax regressions over character
// n-grams trained at start on content/bot/intents-train*.json (by the service in a worker
// thread, src/bot/text-models.ts), one for the intent (problem, fraud victim, fraud check,
// greeting, other agency) and one for a problem's category. Many problems name no keyword
// ("a story of what happened"); the model reads them where word rules cannot.
import path from 'node:path';
import { z } from 'zod';
import { readNumberedJson } from '../platform/json-files.js';
import {
  isSoftmaxWeights, ngramFeatures, SoftmaxRegression, softmaxTransferList, trainSoftmax, type Features, type LabelledText, type LogisticOptions, type SoftmaxWeights,
} from '../platform/softmax-regression.js';
import { compactText } from '../tips/rules/plain-text.js';
import { CATEGORY_KEYS, type Category } from '../tips/types.js';
import { CONTENT_DIR } from './content.js';

export const MODEL_INTENTS = ['problem', 'fraud_victim', 'fraud_check', 'greeting', 'other_agency'] as const;
export type ModelIntent = (typeof MODEL_INTENTS)[number];

export interface LabelledIntent { text: string; intent: ModelIntent; category?: Category }

export interface IntentGuess {
  intent: ModelIntent;
  probability: number;
  category: Category;
  categoryProbability: number;
}

/** From this probability the model's category of a problem counts. */
export const CATEGORY_SURE = 0.4;

const argmax = (p: Float64Array): number => p.indexOf(Math.max(...p));

/** What the bot's sentence models (free words, emergencies) read: character 1–3-grams of the compact text. */
export const sentenceFeatures = (text: string): Features => ngramFeatures(compactText(text), [1, 2, 3]);

const TRAINING: LogisticOptions = { epochs: 20, learningRate: 0.5, l2: 0.0001 };

/** The free words' two models as plain data: the intent, and a problem's category. */
export interface IntentModelWeights {
  intents: SoftmaxWeights;
  categories: SoftmaxWeights;
}

/** Trains the two models: pure computation, the same weights in any thread. */
export function trainIntentModels(examples: readonly LabelledIntent[]): IntentModelWeights {
  const train = (docs: LabelledText[]) => trainSoftmax(docs, sentenceFeatures, TRAINING);
  return {
    intents: train(examples.map((e) => ({ text: e.text, label: e.intent }))),
    categories: train(examples.flatMap((e) => (e.intent === 'problem' && e.category ? [{ text: e.text, label: e.category }] : []))),
  };
}

export const intentModelsTransferList = (w: IntentModelWeights): ArrayBuffer[] => [...softmaxTransferList(w.intents), ...softmaxTransferList(w.categories)];

export function isIntentModelWeights(x: unknown): x is IntentModelWeights {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Partial<Record<keyof IntentModelWeights, unknown>>;
  return isSoftmaxWeights(w.intents) && isSoftmaxWeights(w.categories);
}

export class IntentModel {
  private readonly intents: SoftmaxRegression;
  private readonly categories: SoftmaxRegression;

  constructor(models: IntentModelWeights) {
    this.intents = new SoftmaxRegression(models.intents, sentenceFeatures);
    this.categories = new SoftmaxRegression(models.categories, sentenceFeatures);
  }

  /** Trains the models in this thread. */
  static train(examples: readonly LabelledIntent[]): IntentModel {
    return new IntentModel(trainIntentModels(examples));
  }

  classify(text: string): IntentGuess {
    const p = this.intents.predict(text);
    const i = argmax(p);
    const q = this.categories.predict(text);
    const c = argmax(q);
    return {
      intent: this.intents.labels[i] as ModelIntent,
      probability: p[i] ?? 0,
      category: this.categories.labels[c] as Category,
      categoryProbability: q[c] ?? 0,
    };
  }
}

/** Every content/bot/intents-train*.json. None of them tells of an emergency. */
export function readIntentExamples(dir: string = path.join(CONTENT_DIR, 'bot')): LabelledIntent[] {
  const row = z.object({ text: z.string().min(1), intent: z.enum(MODEL_INTENTS), category: z.enum(CATEGORY_KEYS).optional() });
  return readNumberedJson(dir, 'intents-train', row)
    .map((r) => ({ text: r.text, intent: r.intent, ...(r.category ? { category: r.category } : {}) }));
}

let shared: IntentModel | undefined;

/** The model of the shipped examples, trained in this thread at first use and kept for the process. */
export function defaultIntentModel(): IntentModel {
  shared ??= IntentModel.train(readIntentExamples());
  return shared;
}
