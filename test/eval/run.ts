// `npm run eval`: the figures of every evaluation table, dev and held-out, with the confusion
// between types. `npm run eval -- --misses` also lists what was missed on the dev parts.
import { defaultChecker, emergencyFigures, fraudFigures, intentFigures, pct, type Rate, type Split } from './tables.js';

const showMisses = process.argv.includes('--misses');
const p = (r: Rate) => `${(pct(r) * 100).toFixed(1)}% (${r.ok}/${r.n})`;

function confusion(title: string, table: Record<string, Record<string, number>>): void {
  console.log(`  ${title}`);
  for (const [expected, got] of Object.entries(table)) {
    const cells = Object.entries(got).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`    ${expected.padEnd(16)} → ${cells}`);
  }
}

function misses(split: string, list: string[]): void {
  if (!showMisses || split !== 'dev') return;
  for (const m of list) console.log(`    miss: ${m}`);
}

const checker = defaultChecker();
for (const split of ['dev', 'heldout'] as Split[]) {
  const e = await emergencyFigures(split, checker);
  console.log(`\nEmergencies (${split}): number first ${p(e.numberFirst)}, right number ${p(e.rightNumber)}, ordinary given a number ${p(e.falseAlarm)}`);
  for (const [kind, r] of Object.entries(e.byKind)) console.log(`  ${kind.padEnd(8)} right number ${p(r)}`);
  confusion('expected → detected', e.confusion);
  misses(split, e.misses);

  const i = await intentFigures(split, checker);
  console.log(`\nIntents (${split}): right intent ${p(i.right)}, 「没能明白」 ${p(i.notUnderstood)}, problem category heard ${p(i.category)}`);
  for (const [intent, r] of Object.entries(i.byIntent)) console.log(`  ${intent.padEnd(13)} ${p(r)}`);
  confusion('expected → engine intent', i.confusion);
  misses(split, i.misses);
}

for (const split of ['train', 'heldout'] as const) {
  const f = fraudFigures(split, checker);
  console.log(`\nFraud corpus (${split}): recall ${p(f.recall)}, false positives ${p(f.falsePositive)}, right type ${p(f.rightType)}`);
  for (const [type, r] of Object.entries(f.byType)) console.log(`  ${type.padEnd(17)} recall ${p(r.recall)}, type ${p(r.type)}`);
  confusion('type → verdict', f.confusion);
  if (showMisses && split === 'train') for (const m of f.misses) console.log(`    miss: ${m}`);
}
