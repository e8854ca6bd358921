// Starts one benchmark server (test/bench/server.ts) in its own process and waits for `ready <port>`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface BenchServer { port: number; child: ChildProcess }

export interface BenchServerOptions {
  /** `ceiling`, `co-wechat`, `ours`, or `base` (ours from BENCH_BASE's checkout). */
  kind: string;
  databaseUrl: string;
  logFile: string;
  /**
   * What co-wechat and ours answer with: `keyword`, a fixed keyword table (the protocol layer
   * alone), or `engine`, the real conversation engine. Passed as BENCH_HANDLER.
   */
  handler: 'keyword' | 'engine';
  /** A taskset list such as "1": the server and the load generator do not take turns on a core. */
  cpus?: string;
  /** Runs node under another program (valgrind). */
  wrapper?: string[];
}

/** With BENCH_FROM_DIST=1, whether this run has built dist/ and server.ts's JavaScript yet. */
let built = false;
/** server.ts as JavaScript, beside it so that its relative imports of dist/ resolve the same. */
const DIST_SERVER = path.join('test', 'bench', '.server.dist.mjs');

/**
 * The node flags `npm start` gives the service (the flags between `node` and the script in the
 * start script of `dir`'s package.json): every bench server runs with them, so that ours runs as
 * it is deployed and the others on the same runtime.
 */
export function serviceNodeFlags(dir = '.'): string[] {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  const at = words.indexOf('node');
  if (at < 0) return [];
  // The flags between `node` and the script (or a loader, which the bench sets itself).
  const flags: string[] = [];
  for (const w of words.slice(at + 1)) {
    if (!w.startsWith('--') || w === '--import') break;
    flags.push(w);
  }
  return flags;
}

/**
 * BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server processes.
 */
export async function spawnBenchServer(opts: BenchServerOptions): Promise<BenchServer> {
  const { kind, databaseUrl, logFile, cpus, wrapper = [] } = opts;
  const fromDist = process.env.BENCH_FROM_DIST === '1' && kind !== 'base';
  if (fromDist && !built) {
    // As deployed: the service from dist/, built once per run from these sources, and server.ts
    // itself as plain JavaScript beside it (TypeScript's transpileModule), so no server process
    // carries tsx's loader.
    execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Loaded only here: the compiler is large, and the push bench measures its own process's memory.
    const { default: ts } = await import('typescript');
    const source = readFileSync(path.join('test', 'bench', 'server.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(DIST_SERVER, js);
    built = true;
  }
  // `base` is `ours` from another checkout (BENCH_BASE, e.g. a `git worktree` of main with
  // node_modules linked): an A/B of a change under the same load in the same run.
  const base = kind === 'base' ? process.env.BENCH_BASE : undefined;
  if (kind === 'base' && !base) throw new Error('the base server needs BENCH_BASE=<another checkout>');
  // BENCH_BASE_NODE_ARGS adds node flags to the base server alone: an A/B of a runtime flag (with
  // BENCH_BASE pointing at this same checkout).
  const extra = [serviceNodeFlags(base ?? '.').join(' '), process.env.BENCH_SERVICE_NODE_ARGS, kind === 'base' ? process.env.BENCH_BASE_NODE_ARGS : undefined].join(' ').split(' ').filter(Boolean);
  const script = fromDist ? [DIST_SERVER] : ['--import', 'tsx', path.join(base ?? '', 'test', 'bench', 'server.ts')];
  const node = [...wrapper, process.execPath, ...extra, ...script, base ? 'ours' : kind, databaseUrl, logFile];
  // taskset execs node: the child's pid is the server's (its CPU time is read from /proc).
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(cmd!, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(base ? { cwd: base } : {}),
    env: { ...process.env, NODE_ENV: 'test', BENCH_HANDLER: opts.handler },
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /^ready (\d+)$/.exec(line);
    if (m) {
      // Anything the server prints later (e.g. `--trace-gc` with BENCH_SERVICE_NODE_ARGS) goes to
      // stderr, and the pipe never fills and stalls the server.
      lines.close();
      child.stdout.pipe(process.stderr);
      return { port: Number(m[1]), child };
    }
  }
  throw new Error(`${kind} server exited before it was ready`);
}
