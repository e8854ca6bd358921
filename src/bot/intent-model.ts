// What a free message is, read from the whole sentence: softmax regressions over character
// n-grams trained at start on content/bot/intents-train*.json, one for the intent (problem, fraud
// victim, fraud check, greeting, other agency) and one for a problem's category. Many problems
// name no keyword ("a story of what happened"); the model reads them where word rules cannot.
import path from 'node:path';
import { z } from 'zod';
import { readNumberedJson } from '../platform/json-files.js';
import { ngramFeatures, SoftmaxRegression, type LabelledText } from '../platform/softmax-regression.js';
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

const argmax = (p: Float64Array): number => p.indexOf(Math.max(...p));

/** The bot's sentence models (free words, emergencies): character 1–3-grams of the compact text. */
export function sentenceModel(docs: readonly LabelledText[]): SoftmaxRegression {
  return new SoftmaxRegression(docs, (text) => ngramFeatures(compactText(text), [1, 2, 3]), { epochs: 20, learningRate: 0.5, l2: 0.0001 });
}

export class IntentModel {
  private readonly intents: SoftmaxRegression;
  private readonly categories: SoftmaxRegression;

  constructor(examples: readonly LabelledIntent[]) {
    this.intents = sentenceModel(examples.map((e) => ({ text: e.text, label: e.intent })));
    this.categories = sentenceModel(examples.flatMap((e) => (e.intent === 'problem' && e.category ? [{ text: e.text, label: e.category }] : [])));
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

/** The model of the shipped examples, trained at first use and kept for the process. */
export function defaultIntentModel(): IntentModel {
  shared ??= new IntentModel(readIntentExamples());
  return shared;
}
