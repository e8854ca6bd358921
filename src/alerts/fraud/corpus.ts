// The labelled corpus the model learns from (content/fraud/corpus/*-train.json) and the
// held-out files that measure it (*-heldout.json, never used for training).
import { z } from 'zod';
import { readNumberedJson } from '../../platform/json-files.js';
import { FRAUD_TYPE_KEYS, type FraudTypeKey } from './rules.js';

const entry = z.union([
  z.object({ text: z.string().min(1), label: z.literal('fraud'), type: z.enum(FRAUD_TYPE_KEYS) }).strict(),
  z.object({ text: z.string().min(1), label: z.literal('ordinary'), kind: z.string().min(1) }).strict(),
]);

export type CorpusEntry = { text: string; label: 'fraud'; type: FraudTypeKey } | { text: string; label: 'ordinary'; kind: string };
export type CorpusSplit = 'train' | 'heldout';

/** Every file of the split: fraud-train.json, fraud-train-2.json, ordinary-heldout.json … */
export function readCorpus(dir: string, split: CorpusSplit): CorpusEntry[] {
  return [...readNumberedJson(dir, `fraud-${split}`, entry), ...readNumberedJson(dir, `ordinary-${split}`, entry)];
}
