// An article page served from the page cache against its ceiling, in the same run: bare Koa
// answering every GET with the very bytes the service serves for that page. Both run in their own
// process (server.ts, pinned like the webhook bench), loaded in turn by wrk with GETs of the page.
// The service is the whole app (compose: request id, access log, metrics, error boundary,
// security headers, router); its first GET fills the cache, the warm-up and rounds are all hits.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnBenchServer } from './spawn-server.js';
import { cpuMicros, median, pinHelperThreads, pinning, rssMb, wrkLoad, hasWrk, type LoadResult } from './webhook.js';

export interface PageBenchOptions {
  databaseUrl: string;
  seconds: number;
  rounds: number;
  connections: number;
}

export interface PageBenchRow {
  server: string;
  rps: number;
  roundRps: number[];
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMicrosPerRequest: number | null;
  /** The kernel's part of it (system time: mostly the loopback socket writes and reads). */
  sysMicrosPerRequest: number | null;
  rssMb: number | null;
}

const WARM_UP_SECONDS = 3;

const LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"errors":%d,"repeats":0}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
`;

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

export async function runPageBench(opts: PageBenchOptions): Promise<{ where: string; slug: string; bytes: number; rows: PageBenchRow[] }> {
  if (!hasWrk()) throw new Error('the article page bench needs wrk (Debian package wrk)');
  const pin = pinning();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pages-'));
  const luaFile = path.join(dir, 'get.lua');
  writeFileSync(luaFile, LUA);
  const cpus = pin.server ? { cpus: pin.server } : {};
  const running: Array<{ server: string; port: number; child: ChildProcess; results: Array<LoadResult & { cpu: number | null; sys: number | null; rss: number | null }> }> = [];
  try {
    // The service first: it migrates, imports the starter articles, and tells the page's bytes.
    process.env.BENCH_ARTICLES = 'content/articles';
    const ours = await spawnBenchServer({ kind: 'ours', databaseUrl: opts.databaseUrl, logFile: path.join(dir, 'ours.log'), handler: 'engine', ...cpus });
    running.push({ server: 'ours', port: ours.port, child: ours.child, results: [] });
    const list = await (await fetch(`http://127.0.0.1:${ours.port}/api/articles`)).json() as { items: Array<{ slug: string }> };
    const slug = list.items[0]?.slug;
    if (!slug) throw new Error('no published article to serve: is articles.contentDir set?');
    const urlPath = `/articles/${slug}`;
    const page = Buffer.from(await (await fetch(`http://127.0.0.1:${ours.port}${urlPath}`)).arrayBuffer());
    const file = path.join(dir, 'page.html');
    writeFileSync(file, page);
    process.env.BENCH_PAGE_FILE = file;
    const ceiling = await spawnBenchServer({ kind: 'page-ceiling', databaseUrl: opts.databaseUrl, logFile: '/dev/null', handler: 'engine', ...cpus });
    running.unshift({ server: 'ceiling', port: ceiling.port, child: ceiling.child, results: [] });
    for (const s of running) {
      const same = Buffer.from(await (await fetch(`http://127.0.0.1:${s.port}${urlPath}`)).arrayBuffer());
      if (!same.equals(page)) throw new Error(`${s.server} does not serve the same bytes`);
      pinHelperThreads(s.child.pid, pin);
    }
    const load = (port: number, seconds: number) => wrkLoad(port, '', luaFile, opts.connections, seconds, pin.loadgen, urlPath);
    for (const s of running) await load(s.port, WARM_UP_SECONDS);
    for (let round = 0; round < opts.rounds; round += 1) {
      for (const s of running) {
        pinHelperThreads(s.child.pid, pin);
        const c0 = cpuMicros(s.child.pid);
        const r = await load(s.port, opts.seconds);
        const c1 = cpuMicros(s.child.pid);
        const measured = c0 && c1 && r.requests ? { c0, c1 } : undefined;
        s.results.push({
          ...r,
          cpu: measured ? (measured.c1.user + measured.c1.sys - measured.c0.user - measured.c0.sys) / r.requests : null,
          sys: measured ? (measured.c1.sys - measured.c0.sys) / r.requests : null,
          rss: rssMb(s.child.pid),
        });
      }
    }
    const rows = running.map((s): PageBenchRow => {
      const cpu = s.results.map((r) => r.cpu).filter((c): c is number => c !== null);
      const sys = s.results.map((r) => r.sys).filter((c): c is number => c !== null);
      return {
        server: s.server,
        rps: median(s.results.map((r) => r.rps)),
        roundRps: s.results.map((r) => r.rps),
        p50: median(s.results.map((r) => r.p50)),
        p99: median(s.results.map((r) => r.p99)),
        non2xx: s.results.reduce((n, r) => n + r.non2xx, 0),
        errors: s.results.reduce((n, r) => n + r.errors, 0),
        cpuMicrosPerRequest: cpu.length ? median(cpu) : null,
        sysMicrosPerRequest: sys.length ? median(sys) : null,
        rssMb: s.results.reduce<number | null>((m, r) => (r.rss === null ? m : Math.max(m ?? 0, r.rss)), null),
      };
    });
    const where = pin.server ? `wrk on core 0, servers' main threads on core ${pin.server}` : 'wrk, unpinned';
    return { where: `${where}; median of ${opts.rounds} interleaved rounds of ${opts.seconds} s, ${opts.connections} connections`, slug, bytes: page.length, rows };
  } finally {
    for (const s of running) await stop(s.child);
  }
}
