// Instructions per webhook request, counted by callgrind: a figure that, unlike requests/s on this
// VM (±10-15% between runs), moves only a few percent from run to run, for A/B-ing a change to the
// message path. `npm run bench -- --only instructions [--requests 3000] [--handler engine]`, with
// BENCH_BASE for the other checkout.
//
// The server runs under `valgrind --tool=callgrind` with instrumentation off; after `requests`
// messages of warm-up (JIT) it is switched on for another `requests` messages, sent by 8 keep-alive
// connections, and the total is divided by them. It counts user-space instructions of the whole
// process (GC included), not the kernel's share (the socket writes).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/config/index.js';
import { spawnBenchServer } from './spawn-server.js';
import { messageMaker } from './webhook.js';

export interface InstructionsRow {
  server: string;
  /** Thousands of instructions per request, one figure per run. */
  kiloPerRequest: number[];
}

async function send(port: number, agent: http.Agent, next: () => { path: string; body: string }, count: number): Promise<void> {
  let left = count;
  const one = () => new Promise<void>((resolve, reject) => {
    const { path: p, body } = next();
    const req = http.request({ port, path: p, method: 'POST', agent, headers: { 'Content-Type': 'text/xml' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (left-- > 0) await one();
  }));
}

async function countOnce(server: string, config: AppConfig, text: string, requests: number, databaseUrl: string, handler: 'keyword' | 'engine'): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-callgrind-'));
  const { port, child } = await spawnBenchServer({
    kind: server, databaseUrl, logFile: path.join(dir, 'server.log'), handler,
    wrapper: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${path.join(dir, 'callgrind.out')}`],
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const make = messageMaker(config, text, 'plain');
  let seq = 0;
  const next = () => make((seq += 1));
  const control = (...args: string[]) => {
    const r = spawnSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')} failed`);
  };
  try {
    await send(port, agent, next, requests);
    control('-i', 'on');
    await send(port, agent, next, requests);
    control('-d');
  } finally {
    agent.destroy();
    child.kill('SIGKILL');
  }
  let total = 0;
  for (const f of readdirSync(dir).filter((n) => n.startsWith('callgrind.out'))) {
    const m = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(path.join(dir, f), 'utf8'));
    if (m) total += Number(m[1]);
  }
  if (total === 0) throw new Error(`no callgrind totals in ${dir}`);
  return total / requests / 1000;
}

/** Each server twice, interleaved (base, ours, base, ours). */
export async function runInstructionsBench(opts: { config: AppConfig; text: string; requests: number; servers: string[]; databaseUrl: string; handler: 'keyword' | 'engine' }): Promise<InstructionsRow[]> {
  if (spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error('valgrind is not installed');
  const rows = opts.servers.map((server) => ({ server, kiloPerRequest: [] as number[] }));
  for (let round = 0; round < 2; round += 1) {
    for (const row of rows) row.kiloPerRequest.push(await countOnce(row.server, opts.config, opts.text, opts.requests, opts.databaseUrl, opts.handler));
  }
  return rows;
}
