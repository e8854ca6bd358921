// Webhook throughput: the same load, in the same run, against the ceiling (bare Koa), co-wechat 2.4
// in front of the same engine, and this service; plaintext and safe mode.
//
// The load generator is wrk (Debian package `wrk`) when it is installed: a C client on one thread,
// so the server gets most of the second core. WeChat's requests cannot be signed in wrk's Lua (safe
// mode needs AES), so every request is made beforehand in Node — its own MsgId, citizen (500 of
// them), timestamp, nonce and signature; in safe mode its own encryption and msg_signature — and
// written one per line to a file that the Lua script replays in order. The pool is sized so that
// no request repeats against co-wechat or ours (a repeat would be a WeChat retry, answered from the
// dedupe store); repeats are counted and printed. Without wrk it falls back to autocannon in this
// process, which competes with the server for the 2 cores (its figures are much lower).
import { once } from 'node:events';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import autocannon from 'autocannon';
import { serviceNodeFlags, spawnBenchServer, type BenchServer, type BenchServerOptions } from './spawn-server.js';
import { sha1Signature, WechatCrypto } from '../../src/wechat/index.js';
import type { AppConfig } from '../../src/config/index.js';

export interface WebhookBenchOptions {
  config: AppConfig;
  databaseUrl: string;
  seconds: number;
  connections: number;
  text: string;
  /** What co-wechat and ours answer with (see BenchServerOptions.handler). */
  handler: 'keyword' | 'engine';
  /** 'wrk' (default when installed) or 'autocannon'. */
  loadgen?: 'wrk' | 'autocannon';
  /** Interleaved measured rounds per server (default 5). */
  rounds?: number;
  /** A subset of the servers and modes, to profile or compare one quickly (default all). */
  servers?: readonly string[];
  modes?: readonly string[];
}

export interface BenchRow {
  server: string;
  mode: string;
  /** Median over the rounds, and the lowest and highest. */
  rps: number;
  rpsRange: [number, number];
  /** Latency percentiles in ms (medians over the rounds). */
  p50: number;
  p99: number;
  /** The rounds' p99s, lowest and highest: the tail moves more between rounds than anything. */
  p99Range: [number, number];
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the server process spent per request, in µs. */
  cpuMicrosPerRequest: number | null;
  /** The kernel's part of it (system time: mostly the loopback socket writes and reads). */
  sysMicrosPerRequest: number | null;
  /**
   * CPU time the local Redis server spent per request meanwhile (null without one): on this
   * machine it shares the cores with the servers and the load generator.
   */
  redisMicrosPerRequest: number | null;
  /** Requests replayed from the start of the pool (wrk only). */
  repeats: number;
  /** Requests/s of each measured round, in order: round i of every server ran back to back. */
  roundRps: number[];
  /** The server's resident set size at the end of the rounds, the highest seen, in MB. */
  rssMb: number | null;
}

const WARM_UP_SECONDS = 5;
const CITIZENS = 500;
/** Requests per second of run time each pool holds: above what co-wechat or ours reach here. */
const POOL_RATE: Record<Mode, number> = { plain: 60_000, aes: 40_000 };

export type Mode = 'plain' | 'aes';

/** One signed (and in safe mode encrypted) WeChat text message, as path+query and body. */
export function messageMaker(config: AppConfig, text: string, mode: Mode) {
  const crypto = new WechatCrypto({ token: config.wechat.token, encodingAESKey: config.wechat.aesKey, appId: config.wechat.appId });
  const run = `${process.pid}${Date.now() % 1e6}`;
  return (seq: number): { path: string; body: string } => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = String(seq);
    const inner = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o_bench_${seq % CITIZENS}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${run}${seq}</MsgId></xml>`;
    let q = `signature=${sha1Signature([config.wechat.token, ts, nonce])}&timestamp=${ts}&nonce=${nonce}&openid=o_bench_${seq % CITIZENS}`;
    let body = inner;
    if (mode === 'aes') {
      const encrypt = crypto.encrypt(inner);
      q += `&encrypt_type=aes&msg_signature=${crypto.msgSignature(ts, nonce, encrypt)}`;
      body = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    }
    return { path: `/wechat?${q}`, body };
  };
}

async function writePool(file: string, count: number, next: () => { path: string; body: string }): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 1; i <= count; i += 1) {
    const { path: p, body } = next();
    if (!out.write(`${p}\t${body}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// Loads the pool at start (before wrk's clock runs), replays it in order (wrapping, and counting
// the requests sent again), and prints a JSON summary at the end. Reading the file per request
// made wrk itself the bottleneck against the ceiling.
const LUA = `
local pool = os.getenv("BENCH_POOL")
local threads = {}
local headers = { ["Content-Type"] = "text/xml" }
setup = function(thread) table.insert(threads, thread) end
init = function(args)
  reqs = {}
  count = 0
  for line in io.lines(pool) do
    local tab = line:find("\t", 1, true)
    count = count + 1
    reqs[count] = wrk.format("POST", line:sub(1, tab - 1), headers, line:sub(tab + 1))
  end
  i = 0
  repeats = 0
end
request = function()
  i = i + 1
  if i > count then
    i = 1
    wrapped = true
  end
  if wrapped then repeats = repeats + 1 end
  return reqs[i]
end
done = function(summary, latency, requests)
  local rep = 0
  for _, t in ipairs(threads) do rep = rep + (t:get("repeats") or 0) end
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"errors":%d,"repeats":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout, rep))
end
`;

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/**
 * On a machine with 2+ cores and taskset, wrk runs on core 0 and each server's main thread on
 * core 1 (the same for all three servers); the servers' other threads (V8's garbage-collection
 * and compiler workers, libuv's pool) run on core 0. Where the bench may raise priorities (root),
 * wrk and the servers' main threads run at nice -10, ahead of the machine's other processes (this
 * VM runs database, cache and broker daemons for other projects' tests, which the scheduler puts
 * on either core). BENCH_PIN=0 turns all of it off; BENCH_NICE=0 only the priorities, and
 * BENCH_HELPERS=1 leaves the helper threads on their main thread's core (to compare).
 *
 * Why the helper threads go to core 0: V8 marks and scavenges concurrently on worker threads,
 * which on a server with more than one core run beside the main thread. Confined to the main
 * thread's one core they can only take turns with it, and the scheduler gives them their turns
 * in slices of several milliseconds: the server stops answering for 10-50 ms a few times a
 * second, which no deployment with a second core sees.
 */
export function pinning(): { server?: string; helpers?: string; nice?: string; loadgen: string[] } {
  if (process.env.BENCH_PIN === '0' || availableParallelism() < 2) return { loadgen: [] };
  if (spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status !== 0) return { loadgen: [] };
  // This process too (all its threads) goes to core 0: it makes a fresh pool of signed messages
  // before every round, and its garbage collector, still sweeping up after that during the round,
  // must not take turns with the server being measured.
  spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const nice = process.env.BENCH_NICE !== '0' && spawnSync('nice', ['-n', '-10', 'true'], { stdio: 'ignore' }).status === 0 ? '-10' : undefined;
  return { server: '1', helpers: process.env.BENCH_HELPERS ?? '0', nice, loadgen: [...(nice ? ['nice', '-n', nice] : []), 'taskset', '-c', '0'] };
}

/**
 * Moves every thread of a process but its main one to `cpus`, at the default priority. Threads
 * start with the affinity and nice value of the thread that creates them (the main thread's), and
 * libuv starts its pool on first use, so this runs again before every measured round. Linux only
 * (/proc); elsewhere it does nothing.
 */
export function pinHelperThreads(pid: number | undefined, pin: { helpers?: string; nice?: string }): void {
  const cpus = pin.helpers;
  if (pid === undefined || cpus === undefined) return;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    if (tid === String(pid)) continue;
    spawnSync('taskset', ['-p', '-c', cpus, tid], { stdio: 'ignore' });
    if (pin.nice) spawnSync('renice', ['-n', '0', '-p', tid], { stdio: 'ignore' });
  }
}

/**
 * A bench server laid out as `pinning` says: its main thread on the server core at the raised
 * priority (on Linux a thread's nice value is its own), its other threads on the helpers' core.
 */
export async function spawnPinned(opts: Omit<BenchServerOptions, 'cpus'>, pin: ReturnType<typeof pinning>): Promise<BenchServer> {
  const started = await spawnBenchServer({ ...opts, ...(pin.server ? { cpus: pin.server } : {}) });
  pinHelperThreads(started.child.pid, pin);
  if (pin.nice && started.child.pid !== undefined) spawnSync('renice', ['-n', pin.nice, '-p', String(started.child.pid)], { stdio: 'ignore' });
  return started;
}

/** user and system CPU time of a process, in µs (Linux /proc; null elsewhere). */
export function cpuMicros(pid: number | undefined): { user: number; sys: number } | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks.
    return { user: (Number(fields[11]) * 1e6) / 100, sys: (Number(fields[12]) * 1e6) / 100 };
  } catch {
    return null;
  }
}

/** The first process whose command name is one of `names` (e.g. the local Redis), from /proc. */
export function pidByName(...names: string[]): number | undefined {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (names.includes(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) return Number(d);
      } catch { /* gone */ }
    }
  } catch { /* no /proc */ }
  return undefined;
}

/** Resident set size of a process in MB (Linux /proc; null elsewhere). */
export function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

export interface LoadResult { requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; repeats: number }

export async function wrkLoad(port: number, pool: string, luaFile: string, connections: number, seconds: number, prefix: string[], urlPath = ''): Promise<LoadResult> {
  const [cmd, ...args] = [...prefix, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', luaFile, `http://127.0.0.1:${port}${urlPath}`];
  const child = spawn(cmd, args, {
    env: { ...process.env, BENCH_POOL: pool },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const [code] = await once(child, 'exit') as [number];
  const line = /^BENCH (\{.*\})$/m.exec(out);
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${out}`);
  const r = JSON.parse(line[1]!) as { requests: number; durationUs: number; p50Us: number; p99Us: number; non2xx: number; errors: number; repeats: number };
  return { requests: r.requests, rps: r.requests / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000, errors: r.errors, non2xx: r.non2xx, repeats: r.repeats };
}

async function autocannonLoad(port: number, next: () => { path: string; body: string }, connections: number, seconds: number): Promise<LoadResult> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [{
      setupRequest: (req: autocannon.Request) => {
        const m = next();
        return { ...req, method: 'POST', path: m.path, body: m.body, headers: { 'content-type': 'text/xml' } };
      },
    }],
  });
  return { requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, repeats: 0 };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Per mode: the three servers run side by side (each in its own process, idle when not measured),
 * each is warmed up, then measured in turn for `rounds` rounds: ceiling, co-wechat, ours, ceiling,
 * ... This machine's speed drifts over minutes (a shared VM); interleaving puts each round's three
 * figures under the same conditions, and the medians are reported.
 */
export async function runWebhookBench(opts: WebhookBenchOptions): Promise<{ loadgen: string; rows: BenchRow[] }> {
  const loadgen = opts.loadgen ?? (hasWrk() ? 'wrk' : 'autocannon');
  const pin = loadgen === 'wrk' ? pinning() : { loadgen: [] };
  const rounds = opts.rounds ?? 5;
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-webhook-'));
  const luaFile = path.join(dir, 'replay.lua');
  writeFileSync(luaFile, LUA);
  const servers = opts.servers ?? ['ceiling', 'co-wechat', 'ours'];
  for (const mode of (['plain', 'aes'] as const).filter((x) => !opts.modes || opts.modes.includes(x))) {
    const make = messageMaker(opts.config, opts.text, mode);
    let seq = 0;
    const next = () => make((seq += 1));
    const pool = path.join(dir, `${mode}.pool`);
    // Each load gets a pool made just before it: no message is ever sent twice, and every
    // timestamp is seconds old.
    const load = async (port: number, seconds: number): Promise<LoadResult> => {
      if (loadgen === 'autocannon') return autocannonLoad(port, next, opts.connections, seconds);
      await writePool(pool, POOL_RATE[mode] * seconds, next);
      return wrkLoad(port, pool, luaFile, opts.connections, seconds, pin.loadgen);
    };
    const running: Array<{ server: string; port: number; child: ChildProcess; results: Array<LoadResult & { cpu: number | null; sys: number | null; redis: number | null; rss: number | null }> }> = [];
    const redisPid = pidByName('redis-server');
    try {
      // Started one after the other: the first migrates the database, the others find it done.
      for (const server of servers) {
        const { port, child } = await spawnPinned({ kind: server, databaseUrl: opts.databaseUrl, logFile: path.join(dir, `${server}-${mode}.log`), handler: opts.handler }, pin);
        running.push({ server, port, child, results: [] });
      }
      // Warm-up: JIT, connection pools, the citizens' first touch.
      for (const s of running) await load(s.port, WARM_UP_SECONDS);
      for (let round = 0; round < rounds; round += 1) {
        for (const s of running) {
          pinHelperThreads(s.child.pid, pin);
          const cpu0 = cpuMicros(s.child.pid);
          const redis0 = cpuMicros(redisPid);
          const r = await load(s.port, opts.seconds);
          const cpu1 = cpuMicros(s.child.pid);
          const redis1 = cpuMicros(redisPid);
          const measured = cpu0 !== null && cpu1 !== null && r.requests > 0;
          s.results.push({
            ...r,
            cpu: measured ? (cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) / r.requests : null,
            sys: measured ? (cpu1.sys - cpu0.sys) / r.requests : null,
            redis: redis0 !== null && redis1 !== null && r.requests > 0 ? (redis1.user + redis1.sys - redis0.user - redis0.sys) / r.requests : null,
            rss: rssMb(s.child.pid),
          });
        }
      }
    } finally {
      for (const s of running) {
        // SIGINT first, so a server under `--cpu-prof` (BENCH_SERVICE_NODE_ARGS) writes its profile.
        const exited = once(s.child, 'exit');
        s.child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
        await exited;
      }
    }
    for (const s of running) {
      const cpus = s.results.map((r) => r.cpu).filter((c): c is number => c !== null);
      const syss = s.results.map((r) => r.sys).filter((c): c is number => c !== null);
      const rediss = s.results.map((r) => r.redis).filter((c): c is number => c !== null);
      const roundRps = s.results.map((r) => r.rps);
      rows.push({
        server: s.server,
        mode,
        rps: median(roundRps),
        rpsRange: [Math.min(...roundRps), Math.max(...roundRps)],
        p50: median(s.results.map((r) => r.p50)),
        p99: median(s.results.map((r) => r.p99)),
        p99Range: [Math.min(...s.results.map((r) => r.p99)), Math.max(...s.results.map((r) => r.p99))],
        errors: s.results.reduce((n, r) => n + r.errors, 0),
        non2xx: s.results.reduce((n, r) => n + r.non2xx, 0),
        repeats: s.results.reduce((n, r) => n + r.repeats, 0),
        cpuMicrosPerRequest: cpus.length ? median(cpus) : null,
        sysMicrosPerRequest: syss.length ? median(syss) : null,
        redisMicrosPerRequest: rediss.length ? median(rediss) : null,
        roundRps,
        rssMb: s.results.reduce<number | null>((m, r) => (r.rss === null ? m : Math.max(m ?? 0, r.rss)), null),
      });
    }
  }
  const where = pin.server ? `${loadgen} on core 0, servers' main threads on core ${pin.server}, their other threads on core ${pin.helpers}${pin.nice ? `; wrk and the main threads at nice ${pin.nice}` : ''}` : loadgen;
  const flags = serviceNodeFlags();
  return { loadgen: `${where}; median of ${rounds} interleaved rounds of ${opts.seconds} s${flags.length ? `; every server with npm start's ${flags.join(' ')}` : ''}`, rows };
}
