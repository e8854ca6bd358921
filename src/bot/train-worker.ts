// The worker thread of text-models.ts: trains the five text models, posts their weights (the
// arrays transferred, not copied) and ends, taking the training's garbage with its heap.
import { parentPort } from 'node:worker_threads';
import { textModelsTransferList, trainTextModelWeights } from './text-models.js';

if (!parentPort) throw new Error('train-worker.ts runs in a worker thread (text-models.ts: loadTextModels)');
const weights = trainTextModelWeights();
parentPort.postMessage(weights, textModelsTransferList(weights));
