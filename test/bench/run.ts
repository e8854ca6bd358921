// `npm run bench [-- --seconds 5 --rounds 3 --connections 32 --loadgen wrk|autocannon --only webhook|intake|instructions --servers ceiling,co-wechat,ours,base --modes plain,aes] [--tips 1000 --concurrency 64 --claimers 20 --direct no] [--requests 3000]`
// Runs the peers and the ceiling in the same run and prints ratios. Set BENCH_DATABASE_URL to
// bench on MariaDB (default: a fresh SQLite file).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { runWebhookBench, type BenchRow } from './webhook.js';

process.env.NODE_ENV ??= 'test';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

const fmt = (n: number, d = 0) => n.toFixed(d).padStart(9);

function printWebhook(loadgen: string, rows: BenchRow[]): void {
  console.log('\nwebhook: text message → keyword reply (%s connections; %s)', arg('connections', '32'), loadgen);
  console.log('mode   server       req/s   (min–max)      p50 ms   p99 ms (min–max)   errors  repeats  server CPU µs/req   vs co-wechat   vs ceiling');
  for (const r of rows) {
    const peer = rows.find((x) => x.mode === r.mode && x.server === 'co-wechat');
    const ceil = rows.find((x) => x.mode === r.mode && x.server === 'ceiling');
    console.log(`${r.mode.padEnd(6)} ${r.server.padEnd(10)} ${fmt(r.rps)}  (${r.rpsRange[0].toFixed(0)}–${r.rpsRange[1].toFixed(0)}) ${fmt(r.p50, 1)} ${fmt(r.p99, 1)} (${r.p99Range[0].toFixed(1)}–${r.p99Range[1].toFixed(1)}) ${fmt(r.errors + r.non2xx)} ${fmt(r.repeats)} ${fmt(r.cpuMicrosPerRequest ?? NaN, 0).padStart(18)}   ${fmt(peer ? r.rps / peer.rps : 0, 2)}x   ${fmt(ceil ? (100 * r.rps) / ceil.rps : 0, 0)}%`);
  }
  const ours = (m: string) => rows.find((x) => x.mode === m && x.server === 'ours');
  const co = (m: string) => rows.find((x) => x.mode === m && x.server === 'co-wechat');
  const ceil = (m: string) => rows.find((x) => x.mode === m && x.server === 'ceiling');
  const p = ours('plain'), a = ours('aes');
  if (p && a && co('plain') && co('aes') && ceil('plain')) {
    console.log('\ntargets: plain ≥2x co-wechat: %s (%sx); plain ≥60%% of ceiling: %s (%s%%); aes ≥1.5x co-wechat: %s (%sx); p99 < 10 ms: %s (%s / %s ms)',
      p.rps >= 2 * co('plain')!.rps ? 'met' : 'MISSED', (p.rps / co('plain')!.rps).toFixed(2),
      p.rps >= 0.6 * ceil('plain')!.rps ? 'met' : 'MISSED', ((100 * p.rps) / ceil('plain')!.rps).toFixed(0),
      a.rps >= 1.5 * co('aes')!.rps ? 'met' : 'MISSED', (a.rps / co('aes')!.rps).toFixed(2),
      p.p99 < 10 && a.p99 < 10 ? 'met' : 'MISSED', p.p99.toFixed(1), a.p99.toFixed(1));
  }
  if (rows.some((r) => r.repeats > 0 && r.server !== 'ceiling')) {
    console.log('warning: the request pool ran out and messages were replayed (answered from the dedupe store): raise POOL_RATE in test/bench/webhook.ts');
  }
}

async function main(): Promise<void> {
  const only = arg('only', 'all');
  const config = await loadConfig();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'bench.sqlite')}`;
  console.log(`node ${process.version}, database ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
  if (only === 'all' || only === 'webhook') {
    const loadgen = arg('loadgen', '');
    const { loadgen: used, rows } = await runWebhookBench({
      config, databaseUrl,
      seconds: Number(arg('seconds', '5')),
      rounds: Number(arg('rounds', '3')),
      connections: Number(arg('connections', '32')),
      text: arg('text', '帮助'),
      ...(arg('servers', '') ? { servers: arg('servers', '').split(',') } : {}),
      ...(arg('modes', '') ? { modes: arg('modes', '').split(',') } : {}),
      ...(loadgen === 'wrk' || loadgen === 'autocannon' ? { loadgen } : {}),
    });
    printWebhook(used, rows);
  }
  if (only === 'instructions') {
    // Not part of 'all': it needs valgrind and compares checkouts rather than peers.
    const { runInstructionsBench } = await import('./instructions.js');
    const servers = arg('servers', process.env.BENCH_BASE ? 'base,ours' : 'ours').split(',');
    const rows = await runInstructionsBench({ config, databaseUrl, text: arg('text', '帮助'), requests: Number(arg('requests', '3000')), servers });
    console.log('\ninstructions per webhook request under callgrind (%s handler; thousands, two interleaved runs each)', process.env.BENCH_HANDLER === 'keyword' ? 'keyword' : 'engine');
    const base = rows.find((r) => r.server === 'base');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const r of rows) {
      const vs = base && r !== base ? `  ${(100 * (mean(r.kiloPerRequest) / mean(base.kiloPerRequest) - 1)).toFixed(1)}% vs base` : '';
      console.log(`${r.server.padEnd(6)} ${r.kiloPerRequest.map((k) => k.toFixed(1)).join('  ')}  (mean ${mean(r.kiloPerRequest).toFixed(1)})${vs}`);
    }
  }
  if (only === 'all' || only === 'intake') {
    const { runIntakeBench } = await import('./intake.js');
    await runIntakeBench({
      config,
      databaseUrl: process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/pingan_bench',
      tips: Number(arg('tips', '1000')),
      concurrency: Number(arg('concurrency', '64')),
      claimers: Number(arg('claimers', '20')),
      direct: arg('direct', 'yes') !== 'no',
    });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
