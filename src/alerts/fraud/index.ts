// The fraud checker built from content/fraud: the rules file and the training corpus. Building
// trains the models (under a second) in this thread; the default instance is built once per
// process. The service trains them in a worker thread instead (src/bot/text-models.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FraudChecker } from './checker.js';
import { readCorpus, type CorpusEntry } from './corpus.js';
import { fraudRulesSchema, type FraudRulesFile } from './rules.js';

export const FRAUD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../content/fraud');

export function readFraudRules(dir: string = FRAUD_DIR): FraudRulesFile {
  return fraudRulesSchema.parse(JSON.parse(readFileSync(path.join(dir, 'rules.json'), 'utf8')));
}

/** The training corpus of `dir`: its `corpus/*-train*.json` files. */
export function readFraudTraining(dir: string = FRAUD_DIR): CorpusEntry[] {
  return readCorpus(path.join(dir, 'corpus'), 'train');
}

/** The checker of `dir`, its models trained in this thread. */
export function loadFraudChecker(dir: string = FRAUD_DIR): FraudChecker {
  return FraudChecker.train(readFraudRules(dir), readFraudTraining(dir));
}

let shared: FraudChecker | undefined;

/** The checker of the shipped content, built at first use and kept. */
export function defaultFraudChecker(): FraudChecker {
  shared ??= loadFraudChecker();
  return shared;
}

export { FraudChecker } from './checker.js';
export type { FraudModelWeights, FraudRisk, FraudVerdict } from './checker.js';
export { FRAUD_TYPE_KEYS, type FraudTypeKey } from './rules.js';
