// Leave-one-file-out cross-validation of the emergency detector over content/emergencies/train*.json:
// for each file, the second opinion is trained on all the other files (and the free words' training
// messages as ordinary ones, as the shipped model is), and every message of the file is run through
// detectEmergency with that model at the shipped operating points. Each file was written apart
// (another author, another brief), so a held-out file measures how the model generalises to words
// it has not seen. The word rules (cues, harmless uses, not-now words) were written with every file
// in view, so the figures still flatter them: only the model is held out.
//
//   npx tsx test/eval/crossval.ts            per-file and pooled figures, cues alone first
//   npx tsx test/eval/crossval.ts --misses   also every miss and false alarm, by file
//   npx tsx test/eval/crossval.ts --sweep    pooled figures over a grid of operating points
//   npx tsx test/eval/crossval.ts --engine   also checks that the engine's first line agrees
//
// Reads nothing under test/fixtures.
//
// Why detectEmergency stands for the engine here: the engine (src/bot/engine.ts, converse) calls
// detectDanger(normaliseText(text after cleanInput), model) before anything else, which is
// detectEmergency and, where that does not answer, domestic violence told as going on (whose
// answer starts 「家暴不是家务事」); when it answers, it puts emergencyReply first (also on the
// too-long and failed-turn paths); no other reply starts with 「请马上拨打」, and notices go after
// the parts. So the first line of the engine's
// answer is emergencyReply's first line exactly when detectEmergency answers, which is what
// test/eval/tables.ts tests. `--engine` checks it message by message.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  EMERGENCY_MODEL_POINTS, readEmergencyExamples, trainEmergencyModel, type EmergencyOperatingPoints, type LabelledEmergency,
} from '../../src/bot/emergency-model.js';
import { normaliseText } from '../../src/bot/text.js';
import { cleanInput } from '../../src/platform/input-text.js';
import {
  detectEmergency, emergencyReply, EMERGENCY_KINDS, type EmergencyClassifier, type EmergencyGuess, type EmergencyKind,
} from '../../src/tips/rules/emergency.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../content/emergencies');
const args = process.argv.slice(2);
const showMisses = args.includes('--misses');

// As in test/eval/tables.ts.
const MUST_SAY: Readonly<Record<EmergencyKind, readonly string[]>> = {
  police: ['110'], fire: ['119'], medical: ['120'], traffic: ['122', '120'], suicide: ['110', '120', '12356'],
};
const EMERGENCY_LINE = /^请马上拨打(110|119|120|122)/;

interface Rate { n: number; ok: number }
const rate = (): Rate => ({ n: 0, ok: 0 });
const count = (r: Rate, ok: boolean) => { r.n += 1; if (ok) r.ok += 1; };
const pct = (r: Rate) => (r.n === 0 ? 1 : r.ok / r.n);
const p = (r: Rate) => `${(pct(r) * 100).toFixed(2)}% (${r.ok}/${r.n})`;

interface Figures { numberFirst: Rate; rightNumber: Rate; falseAlarm: Rate; byKind: Record<EmergencyKind, Rate>; misses: string[] }
const figures = (): Figures => ({
  numberFirst: rate(), rightNumber: rate(), falseAlarm: rate(),
  byKind: { police: rate(), fire: rate(), medical: rate(), traffic: rate(), suicide: rate() }, misses: [],
});

function add(into: Figures, from: Figures): void {
  for (const key of ['numberFirst', 'rightNumber', 'falseAlarm'] as const) {
    into[key].n += from[key].n;
    into[key].ok += from[key].ok;
  }
  for (const k of EMERGENCY_KINDS) {
    into.byKind[k].n += from.byKind[k].n;
    into.byKind[k].ok += from.byKind[k].ok;
  }
  into.misses.push(...from.misses);
}

/** The text as the engine hands it to detectEmergency. */
const asEngineSees = (text: string) => normaliseText(cleanInput(text));

/** The first line of the answer, as the engine would give it, and the words that decided it. */
function answer(text: string, classifier: EmergencyClassifier | undefined): { first: string; cue: string } {
  const e = detectEmergency(asEngineSees(text), classifier);
  return e ? { first: emergencyReply(e).split('\n')[0] ?? '', cue: e.cue } : { first: '', cue: '' };
}
const firstLine = (text: string, classifier: EmergencyClassifier | undefined) => answer(text, classifier).first;

function measure(rows: readonly LabelledEmergency[], classifier: EmergencyClassifier | undefined): Figures {
  const f = figures();
  for (const row of rows) {
    const { first, cue } = answer(row.text, classifier);
    const numbered = EMERGENCY_LINE.test(first);
    if (row.type === 'none') {
      count(f.falseAlarm, numbered);
      if (numbered) f.misses.push(`false alarm ${first.slice(5, 8)} 「${cue}」: ${row.text}`);
      continue;
    }
    const right = numbered && MUST_SAY[row.type].every((n) => first.includes(n));
    count(f.numberFirst, numbered);
    count(f.rightNumber, right);
    count(f.byKind[row.type], right);
    if (!right) f.misses.push(`${row.type} → ${numbered ? `${first.slice(5, 8)} 「${cue}」` : 'none'}: ${row.text}`);
  }
  return f;
}

/** A trained model's guesses kept by text, so other operating points cost no retraining. */
class Remembered implements EmergencyClassifier {
  private readonly seen = new Map<string, EmergencyGuess>();
  constructor(private readonly model: EmergencyClassifier, private readonly points: EmergencyOperatingPoints) {}
  get threshold() { return this.points.threshold; }
  get veto() { return this.points.veto; }
  get kindOverride() { return this.points.kindOverride; }
  get overrule() { return this.points.overrule; }
  classify(text: string): EmergencyGuess {
    let g = this.seen.get(text);
    if (!g) {
      g = this.model.classify(text);
      this.seen.set(text, g);
    }
    return g;
  }
  at(points: EmergencyOperatingPoints): Remembered {
    const r = new Remembered(this.model, points);
    for (const [t, g] of this.seen) r.seen.set(t, g);
    return r;
  }
}

// ---- the files ---------------------------------------------------------------------------

const row = z.object({ text: z.string().min(1), type: z.enum(['none', ...EMERGENCY_KINDS] as [string, ...string[]]), note: z.string().optional() });
const files = readdirSync(DIR).filter((f) => /^train(-\d+)?\.json$/.test(f)).sort()
  .map((name) => ({
    name,
    rows: z.array(row).parse(JSON.parse(readFileSync(path.join(DIR, name), 'utf8')))
      .map((r): LabelledEmergency => ({ text: r.text, type: r.type as LabelledEmergency['type'] })),
  }));
if (files.reduce((n, f) => n + f.rows.length, 0) !== readEmergencyExamples(DIR).length) throw new Error('the files do not add up to the training data');

const started = performance.now();
const folds = files.map((file) => {
  const rest = files.filter((f) => f !== file).flatMap((f) => f.rows);
  return { ...file, model: new Remembered(trainEmergencyModel(rest), EMERGENCY_MODEL_POINTS) };
});
const trainSeconds = (performance.now() - started) / 1000 / folds.length;

function table(title: string, classifierOf: (fold: (typeof folds)[number]) => EmergencyClassifier | undefined, perFile: boolean): Figures {
  const pooled = figures();
  if (perFile) {
    console.log(`\n${title}`);
    console.log(`  ${'file'.padEnd(14)} ${'number first'.padEnd(20)} ${'right numbers'.padEnd(20)} false alarms`);
  }
  for (const fold of folds) {
    const f = measure(fold.rows, classifierOf(fold));
    if (perFile) console.log(`  ${fold.name.padEnd(14)} ${p(f.numberFirst).padEnd(20)} ${p(f.rightNumber).padEnd(20)} ${p(f.falseAlarm)}`);
    f.misses = f.misses.map((m) => `${fold.name}: ${m}`);
    add(pooled, f);
  }
  const line = `number first ${p(pooled.numberFirst)}, right numbers ${p(pooled.rightNumber)}, false alarms ${p(pooled.falseAlarm)}`;
  console.log(perFile ? `  pooled: ${line}` : `${title.padEnd(40)} ${line}`);
  return pooled;
}

console.log(`Leave-one-file-out over ${files.length} files (${files.reduce((n, f) => n + f.rows.length, 0)} messages); training ${trainSeconds.toFixed(1)} s a fold.`);
table('Cues alone', () => undefined, true);
const points = Object.entries(EMERGENCY_MODEL_POINTS).map(([k, v]) => `${k} ${String(v)}`).join(', ');
const pooled = table(`Cues and model (${points})`, (f) => f.model, true);
for (const k of EMERGENCY_KINDS) console.log(`    ${k.padEnd(8)} right numbers ${p(pooled.byKind[k])}`);
if (showMisses) for (const m of pooled.misses) console.log(`    miss: ${m}`);

if (args.includes('--sweep')) {
  // One point moved at a time from the shipped ones, then threshold and veto together.
  const at = (change: Partial<EmergencyOperatingPoints>, label: string) => {
    const moved = { ...EMERGENCY_MODEL_POINTS, ...change };
    table(`  ${label}`, (f) => f.model.at(moved), false);
  };
  console.log('\nOperating points (pooled), the others as shipped:');
  for (const kindOverride of [0.4, 0.5, 0.6, Infinity]) at({ kindOverride }, `kindOverride ${kindOverride}`);
  for (const overrule of [0.6, 0.7, 0.75, 0.8, 0.9, Infinity]) at({ overrule }, `overrule ${overrule}`);
  for (const threshold of [0.3, 0.325, 0.35, 0.375, 0.4, 0.45, 0.5]) {
    for (const veto of [0.65, 0.7, 0.75, 0.8, 0.85]) at({ threshold, veto }, `threshold ${threshold} veto ${veto}`);
  }
}

if (args.includes('--engine')) {
  const { createEngine } = await import('../../src/bot/engine.js');
  const { defaultFraudChecker } = await import('../../src/alerts/fraud/index.js');
  const { createLogger } = await import('../../src/platform/logger.js');
  const { citizen, FakeDesk, input, JsonStore, testConfig, texts } = await import('../bot/engine-harness.js');
  const config = await testConfig({ messagesPerMinute: 1000 });
  const fraud = defaultFraudChecker();
  let n = 0;
  let differ = 0;
  for (const fold of folds) {
    const bot = createEngine({
      config, logger: createLogger('silent'), desk: new FakeDesk(), conversations: new JsonStore(), fraud, emergency: fold.model,
    });
    for (const r of fold.rows) {
      n += 1;
      const reply = texts(await bot.handle(input({ kind: 'text', text: r.text }, citizen(`cv-${n}`))));
      const engineFirst = reply.split('\n')[0] ?? '';
      const direct = firstLine(r.text, fold.model);
      if (EMERGENCY_LINE.test(engineFirst) !== EMERGENCY_LINE.test(direct) || (direct && engineFirst !== direct)) {
        differ += 1;
        console.log(`  engine differs: ${r.text}\n    engine: ${engineFirst}\n    direct: ${direct}`);
      }
    }
  }
  console.log(`\nEngine check: ${n - differ}/${n} first lines agree with detectEmergency.`);
}
