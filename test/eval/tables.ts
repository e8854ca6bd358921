// The evaluation tables (test/fixtures/emergencies, test/fixtures/intents, content/fraud/corpus)
// run through the real engine and checker. `npm run eval` prints the figures; eval.test.ts holds
// the targets on the held-out parts, which no rule was written against.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { defaultFraudChecker, type FraudChecker } from '../../src/alerts/fraud/index.js';
import { readCorpus, type CorpusSplit } from '../../src/alerts/fraud/corpus.js';
import { createEngine } from '../../src/bot/engine.js';
import { defaultEmergencyModel, readEmergencyExamples } from '../../src/bot/emergency-model.js';
import type { ConversationRecord } from '../../src/bot/conversation.js';
import { readNumberedJson } from '../../src/platform/json-files.js';
import { createLogger } from '../../src/platform/logger.js';
import { categoryName } from '../../src/bot/tip-flow/prompts.js';
import type { Category } from '../../src/tips/types.js';
import { detectEmergency, type EmergencyKind } from '../../src/tips/rules/emergency.js';
import { citizen, FakeDesk, input, JsonStore, testConfig, texts } from '../bot/engine-harness.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export type Split = 'dev' | 'heldout';

const CONTENT = path.resolve(FIXTURES, '../../content');

/**
 * A table's part. The emergencies' dev part is the second opinion's training data, which ships in
 * content/emergencies (read as the model reads it); the held-out parts stay in test/fixtures,
 * in one file or several.
 */
function readTable<T>(name: string, split: Split): T[] {
  if (name === 'emergencies' && split === 'dev') return readEmergencyExamples(path.join(CONTENT, 'emergencies')) as T[];
  // Every file of the part: heldout.json, heldout-2.json …
  return readNumberedJson(path.join(FIXTURES, name), split, z.unknown()) as T[];
}

/** An engine whose log lines are kept, so each reply can be traced to the intent that gave it. */
async function tracedEngine(fraud: FraudChecker) {
  const lines: Array<Record<string, unknown>> = [];
  const sink: DestinationStream = { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } };
  const config = await testConfig({ messagesPerMinute: 1000 });
  const bot = createEngine({ config, logger: createLogger('debug', sink), desk: new FakeDesk(), conversations: new JsonStore<ConversationRecord>(), fraud });
  let n = 0;
  return {
    async say(text: string) {
      lines.length = 0;
      n += 1;
      const reply = texts(await bot.handle(input({ kind: 'text', text }, citizen(`eval-${n}`))));
      const handled = lines.find((l) => l.msg === 'bot: handled')?.intent as string | undefined;
      const understood = lines.find((l) => l.msg === 'bot: understood')?.understood as string | undefined;
      return { reply, intent: understood ?? handled ?? 'none' };
    },
  };
}

export interface Rate { n: number; ok: number }
const rate = (): Rate => ({ n: 0, ok: 0 });
const count = (r: Rate, ok: boolean) => { r.n += 1; if (ok) r.ok += 1; };
export const pct = (r: Rate) => (r.n === 0 ? 1 : r.ok / r.n);

// ---- emergencies -------------------------------------------------------------------------

type EmergencyLabel = EmergencyKind | 'none';
interface EmergencyRow { text: string; type: EmergencyLabel }

/** The numbers the first line must hold for each kind. */
const MUST_SAY: Readonly<Record<EmergencyKind, readonly string[]>> = {
  police: ['110'], fire: ['119'], medical: ['120'], traffic: ['122', '120'], suicide: ['110', '120', '12356'],
};
/** The emergency answer's first line (tips/rules/emergency.ts): a number to call now. */
const EMERGENCY_LINE = /^请马上拨打(110|119|120|122)/;

export interface EmergencyFigures {
  /** Emergencies answered with a number to call now in the first line. */
  numberFirst: Rate;
  /** …and the right ones for the kind. */
  rightNumber: Rate;
  /** Ordinary messages answered that way. */
  falseAlarm: Rate;
  byKind: Record<EmergencyKind, Rate>;
  /** expected kind → detected kind (or none) → count. */
  confusion: Record<string, Record<string, number>>;
  misses: string[];
}

export async function emergencyFigures(split: Split, fraud: FraudChecker): Promise<EmergencyFigures> {
  const engine = await tracedEngine(fraud);
  const f: EmergencyFigures = {
    numberFirst: rate(), rightNumber: rate(), falseAlarm: rate(),
    byKind: { police: rate(), fire: rate(), medical: rate(), traffic: rate(), suicide: rate() }, confusion: {}, misses: [],
  };
  for (const row of readTable<EmergencyRow>('emergencies', split)) {
    const { reply } = await engine.say(row.text);
    const first = reply.split('\n')[0] ?? '';
    const detected = detectEmergency(row.text, defaultEmergencyModel())?.kind ?? 'none';
    const byExpected = (f.confusion[row.type] ??= {});
    byExpected[detected] = (byExpected[detected] ?? 0) + 1;
    if (row.type === 'none') {
      count(f.falseAlarm, EMERGENCY_LINE.test(first));
      if (EMERGENCY_LINE.test(first)) f.misses.push(`false alarm: ${row.text}`);
      continue;
    }
    const right = EMERGENCY_LINE.test(first) && MUST_SAY[row.type].every((n) => first.includes(n));
    count(f.numberFirst, EMERGENCY_LINE.test(first));
    count(f.rightNumber, right);
    count(f.byKind[row.type], right);
    if (!right) f.misses.push(`${row.type} → ${detected}: ${row.text}`);
  }
  return f;
}

// ---- intents -----------------------------------------------------------------------------

interface IntentRow { text: string; intent: string; category?: string }

/** Engine intents that answer a table's intent. */
const ANSWERS: Readonly<Record<string, readonly string[]>> = {
  problem: ['problem', 'tip'],
  fraud_victim: ['fraud_victim'],
  fraud_check: ['fraud_check'],
  greeting: ['greeting'],
  other_agency: ['other_agency', 'keyword_reply'],
  // The tables' `foreign` is a message without Chinese characters: English (the bilingual menu) or
  // emoji alone (answered in Chinese, `emoji`).
  foreign: ['foreign', 'emoji'],
  command: ['tip', 'my_tips', 'rate', 'review', 'help', 'human', 'fraud_alerts', 'fraud_check', 'articles', 'cancel'],
};

export interface IntentFigures {
  right: Rate;
  byIntent: Record<string, Rate>;
  /** Problems whose category was also heard right. */
  category: Rate;
  notUnderstood: Rate;
  confusion: Record<string, Record<string, number>>;
  misses: string[];
}

export async function intentFigures(split: Split, fraud: FraudChecker): Promise<IntentFigures> {
  const engine = await tracedEngine(fraud);
  const f: IntentFigures = { right: rate(), byIntent: {}, category: rate(), notUnderstood: rate(), confusion: {}, misses: [] };
  for (const row of readTable<IntentRow>('intents', split)) {
    const { reply, intent } = await engine.say(row.text);
    const ok = (ANSWERS[row.intent] ?? []).includes(intent);
    count(f.right, ok);
    count((f.byIntent[row.intent] ??= rate()), ok);
    count(f.notUnderstood, reply.includes('没能明白'));
    const byExpected = (f.confusion[row.intent] ??= {});
    byExpected[intent] = (byExpected[intent] ?? 0) + 1;
    if (row.intent === 'problem' && ok && row.category) count(f.category, reply.includes(`「${categoryName(row.category as Category)}」`));
    if (!ok) f.misses.push(`${row.intent}${row.category ? `:${row.category}` : ''} → ${intent}: ${row.text}`);
  }
  return f;
}

// ---- fraud corpus ------------------------------------------------------------------------

export interface FraudFigures {
  /** Fraud messages judged medium or high. */
  recall: Rate;
  /** Ordinary messages judged medium or high. */
  falsePositive: Rate;
  /** Fraud messages caught and given their own type. */
  rightType: Rate;
  byType: Record<string, { recall: Rate; type: Rate }>;
  confusion: Record<string, Record<string, number>>;
  misses: string[];
}

export function fraudFigures(split: CorpusSplit, checker: FraudChecker): FraudFigures {
  const f: FraudFigures = { recall: rate(), falsePositive: rate(), rightType: rate(), byType: {}, confusion: {}, misses: [] };
  for (const e of readCorpus(path.join(CONTENT, 'fraud/corpus'), split)) {
    const v = checker.check(e.text);
    // `unknown` (a number alone, nothing to judge) flags nothing, as `low` does.
    const flagged = v.risk === 'high' || v.risk === 'medium';
    if (e.label === 'ordinary') {
      count(f.falsePositive, flagged);
      if (flagged) f.misses.push(`false positive (${v.type ?? '?'}): ${e.text}`);
      continue;
    }
    const t = (f.byType[e.type] ??= { recall: rate(), type: rate() });
    count(f.recall, flagged);
    count(t.recall, flagged);
    const typed = flagged && v.type === e.type;
    count(f.rightType, typed);
    count(t.type, typed);
    const byExpected = (f.confusion[e.type] ??= {});
    const got = flagged ? v.type ?? '?' : v.risk;
    byExpected[got] = (byExpected[got] ?? 0) + 1;
    if (!typed) f.misses.push(`${e.type} → ${got}: ${e.text}`);
  }
  return f;
}

export const defaultChecker = (): FraudChecker => defaultFraudChecker();
