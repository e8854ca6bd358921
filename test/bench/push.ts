// Alert push benchmark (`npm run bench -- --only push [--followers 200000 --rate 2000 --workers 1]`):
// one alert pushed by customer-service message to every follower, inserted directly into a fresh
// database (SQLite by default, BENCH_DATABASE_URL for MariaDB), against the fake WeChat API in its
// own process (this file, run with --serve-fake). It prints the achieved send rate against the
// configured one (measured where the messages arrive: first to last), the RSS of this process
// (which runs the workers) before the push and after it, and the database time per recipient:
// the wall time of the workers' queue calls (claim, outcomes, upkeep) divided by recipients, and
// the recipients list taken at the start, apart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AppConfig } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import { WechatClient } from '../../src/wechat/index.js';
import { createFollowersModule } from '../../src/alerts/followers/index.js';
import { createAlertPushModule } from '../../src/alerts/push/index.js';
import { startFakeWechatApi } from '../support/fake-wechat-api.js';
import { freshBenchDatabase } from './fresh-database.js';

export interface PushBenchOptions {
  config: AppConfig;
  /** `sqlite:…` or `mysql://…`; a MariaDB URL gets a fresh database, dropped after. */
  databaseUrl: string;
  followers: number;
  rate: number;
  workers: number;
  batch?: number;
}

export interface PushBenchResult {
  followers: number;
  sent: number;
  configuredRate: number;
  achievedRate: number;
  /** The rate the workers sent at (their first to last send), apart from when the fake received them. */
  dispatchRate: number;
  seconds: number;
  rssStartMb: number;
  rssEndMb: number;
  heapStartMb: number;
  heapEndMb: number;
  /** RSS once 5 % was sent: the runtime's working size at this rate, before what the rest adds. */
  rssWarmMb: number;
  dbMsPerRecipient: number;
  snapshotMsPerRecipient: number;
  insertSeconds: number;
}

interface FakeStats { count: number; first: number; last: number }

const mb = (bytes: number) => bytes / 1024 / 1024;

/** A garbage collection before reading RSS, so the reading is of what is live, not of what is due. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
}

/** The fake WeChat API in a child process (this file with --serve-fake), so its bookkeeping is not in our RSS. */
async function startFake(config: AppConfig): Promise<{ baseUrl: string; child: ChildProcess; stats(): Promise<FakeStats> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-fake', config.wechat.appId, config.wechat.appSecret], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout! });
  let baseUrl = '';
  for await (const line of lines) {
    const m = /^ready (\S+)$/.exec(line);
    if (m?.[1]) {
      baseUrl = m[1];
      break;
    }
  }
  if (!baseUrl) throw new Error('the fake WeChat API did not start');
  return {
    baseUrl,
    child,
    stats: () => new Promise<FakeStats>((resolve) => {
      child.once('message', (m) => resolve(m as FakeStats));
      child.send('stats');
    }),
  };
}

async function serveFake(appId: string, appSecret: string): Promise<void> {
  const fake = await startFakeWechatApi({ appId, appSecret, keepCalls: false });
  process.on('message', (m) => {
    if (m !== 'stats') return;
    const times = fake.sendTimes;
    process.send?.({ count: fake.messageCount, first: times[0] ?? 0, last: times.at(-1) ?? 0 } satisfies FakeStats);
  });
  process.on('disconnect', () => { void fake.close().then(() => process.exit(0)); });
  process.stdout.write(`ready ${fake.baseUrl}\n`);
}

const COUNTIES = ['350404', '350405', '350421', '350423', '350424', '350425', '350426', '350428', '350429', '350430', '350481'];

export async function runPushBench(opts: PushBenchOptions): Promise<PushBenchResult> {
  const database = await freshBenchDatabase(opts.databaseUrl, 'push');
  const fake = await startFake(opts.config);
  const config = await loadConfig({
    databaseUrl: database.url, logLevel: 'warn',
    wechat: { apiBase: fake.baseUrl },
    alerts: { pushRatePerSecond: opts.rate, ...(opts.batch ? { pushBatchSize: opts.batch } : {}) },
  });
  const logger = createLogger('warn');
  const db = await openDatabase(config.databaseUrl);
  try {
    await migrateUp(db);
    // The followers, in multi-row INSERTs: all subscribed, every county, all inside the 48-hour window.
    const insertStart = performance.now();
    const now = new Date();
    const qi = db.sequelize.getQueryInterface();
    const chunk = 2000;
    for (let i = 0; i < opts.followers; i += chunk) {
      const rows = [];
      for (let j = i; j < Math.min(i + chunk, opts.followers); j += 1) {
        rows.push({
          openid: `oBench${String(j).padStart(8, '0')}`, subscribed: true, subscribed_at: now, county_code: COUNTIES[j % COUNTIES.length],
          county_source: 'asked', county_at: now, last_interaction_at: now, tag_pending: false, created_at: now, updated_at: now,
        });
      }
      await qi.bulkInsert('followers', rows);
    }
    const insertSeconds = (performance.now() - insertStart) / 1000;

    const state = new MemoryStore();
    const client = new WechatClient({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: config.wechat.apiBase, tokenStore: state });
    const followers = createFollowersModule({ db, logger, client, hashId: (id) => id });
    const push = createAlertPushModule({ config, db, logger, tokenStore: state, followers });
    await client.getAccessToken();

    collectGarbage();
    const memStart = process.memoryUsage();
    const snapshotStart = performance.now();
    const started = await push.service.startPush({
      alertId: 1, title: '冒充客服退款诈骗又出现了', summary: '有人冒充快递客服说要退款，让您下载软件、开屏幕共享。这是骗局，请挂断电话。',
      url: 'https://pingan-sanming.example/alerts/1', counties: null, channels: ['custom'],
    });
    const snapshotMs = performance.now() - snapshotStart;
    const workers = Array.from({ length: opts.workers }, () => push.createWorker());
    const pushStart = performance.now();
    for (const w of workers) w.start();
    let shown = pushStart;
    let rssWarm = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const p = await push.service.progress(started.jobId);
      if (rssWarm === 0 && p.sent >= p.total / 20) {
        collectGarbage();
        rssWarm = process.memoryUsage().rss;
      }
      if (performance.now() - shown > 10_000) {
        shown = performance.now();
        console.log(`  … ${p.sent} sent, ${p.queued} queued, ${((shown - pushStart) / 1000).toFixed(0)} s, RSS ${mb(process.memoryUsage().rss).toFixed(0)} MB`);
      }
      if (p.state === 'done') break;
    }
    for (const w of workers) await w.stop();
    push.close();
    const seconds = (performance.now() - pushStart) / 1000;
    collectGarbage();
    const memEnd = process.memoryUsage();
    const f = await fake.stats();
    const progress = await push.service.progress(started.jobId);
    const dbMs = workers.reduce((s, w) => s + w.stats.dbMs, 0);
    return {
      followers: opts.followers,
      sent: progress.sent,
      configuredRate: opts.rate,
      achievedRate: f.count > 1 ? (f.count - 1) / ((f.last - f.first) / 1000) : 0,
      dispatchRate: (progress.sent - 1) / ((Math.max(...workers.map((w) => w.stats.lastSendAt)) - Math.min(...workers.map((w) => w.stats.firstSendAt))) / 1000),
      seconds,
      rssStartMb: mb(memStart.rss),
      rssEndMb: mb(memEnd.rss),
      heapStartMb: mb(memStart.heapUsed),
      heapEndMb: mb(memEnd.heapUsed),
      rssWarmMb: mb(rssWarm || memEnd.rss),
      dbMsPerRecipient: dbMs / Math.max(1, progress.total),
      snapshotMsPerRecipient: snapshotMs / Math.max(1, progress.total),
      insertSeconds,
    };
  } finally {
    await db.close();
    fake.child.disconnect();
    await database.drop();
  }
}

/** The figures and whether each target is met. */
export function printPushBench(r: PushBenchResult, database: string): void {
  const off = (r.achievedRate / r.configuredRate - 1) * 100;
  const growth = r.rssEndMb - r.rssStartMb;
  console.log(`\nalert push: ${r.followers} followers by customer-service message, ${database} (followers inserted in ${r.insertSeconds.toFixed(1)} s)`);
  console.log(`sent ${r.sent} in ${r.seconds.toFixed(1)} s`);
  console.log(`rate: configured ${r.configuredRate}/s, achieved ${r.achievedRate.toFixed(1)}/s (${off >= 0 ? '+' : ''}${off.toFixed(2)}%)  target within 2%: ${Math.abs(off) <= 2 ? 'met' : 'MISSED'} `
    + `(sent by the workers at ${r.dispatchRate.toFixed(1)}/s)`);
  console.log(`RSS: ${r.rssStartMb.toFixed(1)} MB at the start, ${r.rssEndMb.toFixed(1)} MB at the end, growth ${growth.toFixed(1)} MB  target < 50 MB: ${growth < 50 ? 'met' : 'MISSED'} `
    + `(V8 heap in use after a full GC: ${r.heapStartMb.toFixed(1)} → ${r.heapEndMb.toFixed(1)} MB; `
    + `RSS ${r.rssWarmMb.toFixed(1)} MB once 5 % was sent, so ${(r.rssEndMb - r.rssWarmMb).toFixed(1)} MB over the other 95 %)`);
  console.log(`database time per recipient: ${r.dbMsPerRecipient.toFixed(3)} ms sending (claims, outcomes, upkeep)  target < 1 ms: ${r.dbMsPerRecipient < 1 ? 'met' : 'MISSED'}; `
    + `${r.snapshotMsPerRecipient.toFixed(3)} ms listing the recipients at the start`);
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

export async function pushBenchFromArgs(config: AppConfig, defaultSqlite: string): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? defaultSqlite;
  const r = await runPushBench({
    config, databaseUrl,
    followers: Number(arg('followers', '200000')),
    rate: Number(arg('rate', '2000')),
    workers: Number(arg('workers', '1')),
    ...(arg('batch', '') ? { batch: Number(arg('batch', '')) } : {}),
  });
  printPushBench(r, databaseUrl.startsWith('sqlite:') ? 'SQLite' : 'MariaDB');
}

if (process.argv.includes('--serve-fake')) {
  const at = process.argv.indexOf('--serve-fake');
  void serveFake(process.argv[at + 1] ?? '', process.argv[at + 2] ?? '');
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.NODE_ENV ??= 'test';
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-push-'));
  void loadConfig().then((config) => pushBenchFromArgs(config, `sqlite:${path.join(dir, 'bench.sqlite')}`)).then(
    () => process.exit(0),
    (err: unknown) => { console.error(err); process.exit(1); },
  );
}
