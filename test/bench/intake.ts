// Intake benchmark: N tips submitted concurrently through TipDesk.submit, then claimed by 20
// concurrent staff claimers through the real staff API (HTTP, session cookies). Prints tips/s,
// claims/s, rows vs confirmations and double claims (must be 0).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../src/config/index.js';
import { createApp } from '../../src/app.js';
import { ensureMysqlDatabase, openDatabase, sequelizeOptions } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { MemoryStore } from '../../src/platform/stores.js';
import { WechatClient } from '../../src/wechat/index.js';
import { createTipsModule } from '../../src/tips/index.js';
import { createStaff, defineStaffModels } from '../../src/staff/accounts.js';
import type { TipSubmission } from '../../src/bot/ports.js';

export interface IntakeBenchOptions {
  config: AppConfig;
  databaseUrl: string;
  tips?: number;
  claimers?: number;
  /** Concurrent submitters (default 50). */
  concurrency?: number;
}

export interface IntakeBenchResult {
  tips: number;
  confirmations: number;
  rows: number;
  tipsPerSecond: number;
  claims: number;
  claimsPerSecond: number;
  doubleClaims: number;
  unclaimed: number;
}

const TEXTS = ['邻居装修噪音扰民', '小区门口有人聚众赌博', '接到冒充公检法的电话要求转账', '独居老人被骗买保健品', '有人持刀威胁'];

async function pool<T>(n: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await run(i);
    }
  }));
  return out;
}

/** A fresh database per run, so the numbers do not depend on leftovers. */
async function freshUrl(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^(mysql|mariadb):/.test(url)) return { url, drop: async () => undefined };
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = `/${u.pathname.slice(1) || 'pingan_bench'}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const fresh = u.toString();
  await ensureMysqlDatabase(fresh);
  return {
    url: fresh,
    async drop() {
      const { Sequelize } = await import('sequelize');
      const admin = new Sequelize({ ...sequelizeOptions(fresh), database: undefined, logging: false });
      await admin.query(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1).replace(/`/g, '')}\``);
      await admin.close();
    },
  };
}

export async function runIntakeBench(opts: IntakeBenchOptions): Promise<IntakeBenchResult> {
  const n = opts.tips ?? 1000;
  const claimers = opts.claimers ?? 20;
  const target = await freshUrl(opts.databaseUrl);
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  const db = await openDatabase(target.url);
  await migrateUp(db);
  const metrics = createMetrics();
  const tokenStore = new MemoryStore<string>();
  const wechat = new WechatClient({ appId: 'bench', appSecret: 'bench', apiBase: 'http://127.0.0.1:9', tokenStore });
  const tips = await createTipsModule({ config: opts.config, logger, metrics, db, wechat });
  const app = createApp({ logger, metrics, routers: tips.routers });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const run = Date.now().toString(36);
    const sub = (i: number): TipSubmission => ({
      citizen: { channel: 'official_account', id: `bench-${run}-${i % 300}` },
      category: i % 7 === 0 ? 'fraud' : 'dispute',
      description: `${TEXTS[i % TEXTS.length]!}（${i}）`,
      transcript: [{ at: new Date().toISOString(), from: 'citizen', kind: 'text', text: TEXTS[i % TEXTS.length]! }],
      attachments: [],
      place: { countyCode: '350404', townshipCode: '350404001' },
      contact: { anonymous: i % 3 === 0, phone: '13900000000' },
      danger: i % 50 === 0,
      submissionKey: `bench-${run}-${i}`,
    });

    let confirmations = 0;
    const t0 = performance.now();
    await pool(n, opts.concurrency ?? 50, async (i) => {
      await tips.desk.submit(sub(i));
      confirmations += 1;
    });
    const submitSeconds = (performance.now() - t0) / 1000;
    const [{ n: rows }] = await db.sequelize.query('SELECT COUNT(*) AS n FROM tips', { type: 'SELECT' }) as unknown as [{ n: number }];

    const models = defineStaffModels(db);
    const cookies: string[] = [];
    for (let i = 0; i < claimers; i += 1) {
      const username = `bench-claimer-${i}`;
      await createStaff(db, models, { username, password: 'bench-password-123', role: 'triage' });
      const res = await fetch(`${base}/api/staff/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'bench-password-123' }),
      });
      cookies.push((res.headers.get('set-cookie') ?? '').split(';')[0] ?? '');
    }
    const claimed: string[] = [];
    const t1 = performance.now();
    await Promise.all(cookies.map(async (cookie) => {
      for (;;) {
        const res = await fetch(`${base}/api/staff/tips/claim-next`, { method: 'POST', headers: { cookie } });
        if (res.status !== 200) throw new Error(`claim-next answered ${res.status}: ${await res.text()}`);
        const body = await res.json() as { tip: { code: string } | null };
        if (!body.tip) return;
        claimed.push(body.tip.code);
      }
    }));
    const claimSeconds = (performance.now() - t1) / 1000;
    const [{ n: left }] = await db.sequelize.query("SELECT COUNT(*) AS n FROM tips WHERE state = 'received'", { type: 'SELECT' }) as unknown as [{ n: number }];

    const result: IntakeBenchResult = {
      tips: n,
      confirmations,
      rows: Number(rows),
      tipsPerSecond: n / submitSeconds,
      claims: claimed.length,
      claimsPerSecond: claimed.length / claimSeconds,
      doubleClaims: claimed.length - new Set(claimed).size,
      unclaimed: Number(left),
    };
    console.log(`\nintake on ${db.dialect}: ${n} tips, ${claimers} claimers`);
    console.log(`  submit:  ${result.tipsPerSecond.toFixed(0)} tips/s; rows ${result.rows} vs confirmations ${result.confirmations} ${result.rows === result.confirmations ? '(equal)' : '(MISMATCH)'}`);
    console.log(`  claim:   ${result.claimsPerSecond.toFixed(0)} claims/s; claimed ${result.claims}, double claims ${result.doubleClaims} ${result.doubleClaims === 0 ? '(ok)' : '(FAIL)'}, left unclaimed ${result.unclaimed}`);
    return result;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tips.close();
    tokenStore.close();
    await db.close();
    await target.drop();
  }
}
