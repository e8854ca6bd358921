// The engine's five text models: the fraud checker's two (src/alerts/fraud), the free words' two
// (intent-model.ts) and the emergency model (emergency-model.ts). The service trains them in a
// worker thread (train-worker.ts) that posts back only their weights and exits: training
// allocates far more than the models keep (every text's n-grams, the examples, the float64
// weights), and V8 keeps committed the heap it grew for it, so trained in the serving thread that
// garbage would stay resident for the life of the process.
import path from 'node:path';
import { readFraudRules, readFraudTraining } from '../alerts/fraud/index.js';
import { FraudChecker, fraudModelsTransferList, isFraudModelWeights, trainFraudModels, type FraudModelWeights } from '../alerts/fraud/checker.js';
import { isSoftmaxWeights, softmaxTransferList, type SoftmaxWeights } from '../platform/softmax-regression.js';
import { runInWorker } from '../platform/worker-thread.js';
import type { Logger } from '../platform/logger.js';
import { CONTENT_DIR } from './content.js';
import { keepWeights, readKeptWeights, trainingKey } from './model-cache.js';
import {
  EMERGENCY_MODEL_POINTS, EmergencyModel, emergencyTrainingSet, readEmergencyExamples, trainEmergencyWeights,
} from './emergency-model.js';
import { IntentModel, intentModelsTransferList, isIntentModelWeights, readIntentExamples, trainIntentModels, type IntentModelWeights } from './intent-model.js';

export interface TextModels {
  fraud: FraudChecker;
  intentModel: IntentModel;
  emergency: EmergencyModel;
}

/** The five models as plain data, as the worker posts them. */
export interface TextModelWeights {
  fraud: FraudModelWeights;
  intent: IntentModelWeights;
  emergency: SoftmaxWeights;
}

/** Trains the five models of the shipped content in this thread (what the worker runs). */
export function trainTextModelWeights(): TextModelWeights {
  return {
    fraud: trainFraudModels(readFraudTraining()),
    intent: trainIntentModels(readIntentExamples()),
    emergency: trainEmergencyWeights(emergencyTrainingSet(readEmergencyExamples(path.join(CONTENT_DIR, 'emergencies')))),
  };
}

/** The buffers a `postMessage` of the weights moves instead of copying. */
export function textModelsTransferList(w: TextModelWeights): ArrayBuffer[] {
  return [...fraudModelsTransferList(w.fraud), ...intentModelsTransferList(w.intent), ...softmaxTransferList(w.emergency)];
}

export function isTextModelWeights(x: unknown): x is TextModelWeights {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Partial<Record<keyof TextModelWeights, unknown>>;
  return isFraudModelWeights(w.fraud) && isIntentModelWeights(w.intent) && isSoftmaxWeights(w.emergency);
}

/** The models of trained weights, at the shipped rules and operating points. */
export function textModelsFrom(w: TextModelWeights): TextModels {
  return {
    fraud: new FraudChecker(readFraudRules(), w.fraud),
    intentModel: new IntentModel(w.intent),
    emergency: new EmergencyModel(w.emergency, EMERGENCY_MODEL_POINTS),
  };
}

/** Trains the five models in a worker thread; resolves once the thread has exited. */
export async function trainTextModelWeightsInWorker(): Promise<TextModelWeights> {
  const answer = await runInWorker('./train-worker.js', import.meta.url);
  if (!isTextModelWeights(answer)) throw new Error('the training worker answered with something other than the models\' weights');
  return answer;
}

/** Where trained weights are kept between starts (src/bot/model-cache.ts); no dir, none kept. */
export interface TextModelCache {
  dir: string;
  logger: Logger;
}

/** The weights of the shipped content: kept ones of the same code and texts, else trained in a worker (and kept). */
export async function textModelWeights(cache: TextModelCache | undefined): Promise<TextModelWeights> {
  if (!cache?.dir) return trainTextModelWeightsInWorker();
  const key = trainingKey([CONTENT_DIR]);
  const kept = readKeptWeights(cache.dir, key, isTextModelWeights);
  if (kept) return kept;
  const trained = await trainTextModelWeightsInWorker();
  try {
    keepWeights(cache.dir, key, trained);
  } catch (err) {
    cache.logger.warn({ dir: cache.dir, err: err instanceof Error ? err.message : String(err) }, 'text models: trained weights not kept; the next start trains again');
  }
  return trained;
}

let loading: Promise<TextModels> | undefined;

/**
 * The models of the shipped content, kept for the process: read from the cache when it holds
 * this code's and these texts' weights, else trained in a worker thread at first call.
 */
export function loadTextModels(cache?: TextModelCache): Promise<TextModels> {
  if (!loading) {
    const models = textModelWeights(cache).then(textModelsFrom);
    loading = models;
    // A failed training is tried again at the next call; and a caller that gave up before it
    // settled (compose failing first) leaves no unhandled rejection behind.
    models.catch(() => {
      if (loading === models) loading = undefined;
    });
  }
  return loading;
}
