// The fraud checker built from content/fraud: the rules file and the training corpus. Building
// trains the models (under a second); the default instance is built once per process.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FraudChecker } from './checker.js';
import { readCorpus } from './corpus.js';
import { fraudRulesSchema, type FraudRulesFile } from './rules.js';

export const FRAUD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../content/fraud');

export function readFraudRules(dir: string = FRAUD_DIR): FraudRulesFile {
  return fraudRulesSchema.parse(JSON.parse(readFileSync(path.join(dir, 'rules.json'), 'utf8')));
}

export function loadFraudChecker(dir: string = FRAUD_DIR): FraudChecker {
  return new FraudChecker(readFraudRules(dir), readCorpus(path.join(dir, 'corpus'), 'train'));
}

let shared: FraudChecker | undefined;

/** The checker of the shipped content, built at first use and kept. */
export function defaultFraudChecker(): FraudChecker {
  shared ??= loadFraudChecker();
  return shared;
}

export { FraudChecker } from './checker.js';
export type { FraudRisk, FraudVerdict } from './checker.js';
export { FRAUD_TYPE_KEYS, type FraudTypeKey } from './rules.js';
