// Intake benchmark, end to end:
//  1. ceiling: commits/s of a trivial one-row INSERT (autocommit) at the same concurrency, on the
//     same server, in the same run: the most one-commit-per-tip can ever give on this disk.
//  2. webhook: N simulated citizens walk the real conversation over HTTP with signed XML against
//     the real service (compose(), own process, pino at info to a file, real port), `concurrency`
//     at a time over as many persistent connections (as WeChat pushes); a tip counts when its
//     reply carries 受理编号. tips/s = confirmations / wall time, after `warmup` citizens walked
//     the same way before the clock starts (not counted).
//  3. desk: the same number of tips straight through TipDesk.submit (no HTTP, no engine).
//  4. claims: `claimers` concurrent staff drain the queue through the staff API (claim-next).
// It verifies rows = confirmations (nothing lost, nothing extra), double claims = 0, left = 0.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { freshBenchDatabase } from './fresh-database.js';
import { cpuMicros, pidByName, pinHelperThreads, pinning, spawnPinned } from './webhook.js';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/config/index.js';
import { openDatabase, sequelizeOptions, type Database } from '../../src/db/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import { createIdentityVault } from '../../src/tips/identity.js';
import { WechatClient } from '../../src/wechat/index.js';
import { createTipsModule } from '../../src/tips/index.js';
import { createStaffModule } from '../../src/staff/index.js';
import { createStaff, defineStaffModels } from '../../src/staff/accounts.js';
import { cdata, scanXml, sha1Signature } from '../../src/wechat/index.js';
import type { TipSubmission } from '../../src/bot/ports.js';

export interface IntakeBenchOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Citizens (one tip each) through the webhook, and tips through the desk (default 1000). */
  tips?: number;
  claimers?: number;
  /** Concurrent citizens / submitters (default 64). */
  concurrency?: number;
  /** Also measure TipDesk.submit directly (default true). */
  direct?: boolean;
  /** Citizens walked through the webhook before the measured run, not counted (default 300). */
  warmup?: number;
}

export interface IntakeBenchResult {
  ceilingCommitsPerSecond: number | null;
  tips: number;
  confirmations: number;
  rows: number;
  tipsPerSecond: number;
  messagesPerSecond: number;
  directTipsPerSecond: number | null;
  claims: number;
  claimsPerSecond: number;
  doubleClaims: number;
  unclaimed: number;
}

const TEXTS = ['村口有人聚众赌博', '邻居装修噪音扰民', '接到冒充公检法的电话要求转账', '独居老人被骗买保健品', '河里有人电鱼排污'];
// The conversation of one citizen, as in test/bot/webhook-conversation.test.ts.
const SCRIPT = (i: number) => [`我要举报，${TEXTS[i % TEXTS.length]!}（${i}）`, '是', '好了', '跳过', '匿名', '确认'];

async function pool(n: number, size: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, n) }, async () => {
    while (next < n) await run(next++);
  }));
}

/**
 * The service as server.ts `ours` runs it: compose(), logging at info to a file, its own process.
 * Laid out on the cores as in the webhook bench (`pinning`): its main thread on a core of its own,
 * its helper threads, this process, the database and Redis on the other, as in a deployment where
 * the database runs on another machine.
 */
async function startService(databaseUrl: string, logFile: string) {
  const pin = pinning();
  return { ...await spawnPinned({ kind: 'ours', databaseUrl, logFile, handler: 'engine' }, pin), pin };
}

/**
 * One of WeChat's connections to the service: real HTTP/1.1 over a keep-alive TCP socket, one
 * request at a time, carrying the messages of one citizen after another (WeChat's servers push
 * over persistent connections, as wrk does in the webhook bench; a fresh TCP connection per
 * citizen would measure connection set-up rather than intake). Written against net.Socket rather than node:http because on this
 * 2-core machine the load generator shares the CPU with the service, and node:http's client
 * machinery cost more per message than the service's own HTTP layer. Every message is still a
 * freshly signed (sha1 over token, timestamp, nonce), real XML POST to /wechat, and every reply
 * is parsed as XML.
 */
class CitizenLine {
  private socket: net.Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(r: { status: number; text: string }): void; reject(err: Error): void } | undefined;
  private msgSeq: bigint;
  private nonceSeq = 0;
  private openid = '';
  private query = '';

  constructor(private readonly port: number, private readonly token: string, seed: number) {
    // Like WeChat's MsgId: 64-bit, above 2^53, unique per message (1e6 per line).
    this.msgSeq = (1n << 60n) + BigInt(Date.now()) * 1_000_000_000n + BigInt(seed) * 1_000_000n;
  }

  /** The citizen whose messages follow. */
  citizen(openid: string): void {
    this.openid = openid;
    this.query = `&openid=${encodeURIComponent(openid)}`;
  }

  /** Sends a text message; resolves with the reply's MsgType and Content. */
  async text(content: string): Promise<{ status: number; msgType: string; content: string }> {
    const now = Math.floor(Date.now() / 1000);
    this.msgSeq += 1n;
    const xml = `<xml><ToUserName>${cdata('gh_pingansanming')}</ToUserName><FromUserName>${cdata(this.openid)}</FromUserName>`
      + `<CreateTime>${now}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content><MsgId>${this.msgSeq}</MsgId></xml>`;
    const timestamp = String(now);
    const nonce = `${this.msgSeq.toString(36)}${(this.nonceSeq += 1).toString(36)}`;
    const signature = sha1Signature([this.token, timestamp, nonce]);
    const res = await this.post(`/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}${this.query}`, xml);
    if (res.status !== 200 || res.text === '' || res.text === 'success') return { status: res.status, msgType: '', content: res.text };
    const fields = scanXml(res.text);
    return { status: res.status, msgType: fields.MsgType ?? '', content: fields.Content ?? '' };
  }

  close(): void {
    this.socket?.destroy();
  }

  private connect(): net.Socket {
    const socket = net.connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.tryResponse();
    });
    const fail = (err: Error) => {
      this.socket = undefined;
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the service')));
    this.socket = socket;
    return socket;
  }

  private post(pathAndQuery: string, body: string): Promise<{ status: number; text: string }> {
    const socket = this.socket ?? this.connect();
    this.buffered = Buffer.alloc(0);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`POST ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nContent-Type: text/xml\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`);
    });
  }

  /** A whole response: status line, headers, and a Content-Length body (the service sends no chunked replies). */
  private tryResponse(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`reply without Content-Length: ${head.split('\r\n')[0] ?? ''}`));
      this.waiting = undefined;
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const text = this.buffered.subarray(end + 4, total).toString('utf8');
    const closing = /\r\nconnection: *close/i.test(head);
    this.buffered = Buffer.alloc(0);
    const w = this.waiting;
    this.waiting = undefined;
    if (closing) { this.socket?.destroy(); this.socket = undefined; }
    w.resolve({ status, text });
  }
}

async function json(port: number, agent: http.Agent, p: string, body: unknown, cookie?: string): Promise<{ status: number; body: unknown; cookie: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = http.request({
      host: '127.0.0.1', port, path: p, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(cookie ? { cookie } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const setCookie = res.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
        try { resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, cookie: setCookie }); } catch { resolve({ status: res.statusCode ?? 0, body: text, cookie: setCookie }); }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

const countRows = async (db: Database, where = ''): Promise<number> => {
  const [row] = await db.sequelize.query(`SELECT COUNT(*) AS n FROM tips ${where}`, { type: 'SELECT' }) as unknown as [{ n: number }];
  return Number(row.n);
};

/** Commits/s of a trivial INSERT loop at `concurrency` on the same server: the fsync ceiling. */
async function commitCeiling(url: string, concurrency: number, n: number): Promise<number | null> {
  if (!/^(mysql|mariadb):/.test(url)) return null;
  const mysql = await import('mysql2/promise');
  const o = sequelizeOptions(url);
  const p = mysql.createPool({ host: o.host, port: o.port, user: o.username, password: o.password, database: o.database, connectionLimit: concurrency });
  try {
    await p.query('CREATE TABLE bench_commit_probe (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL) ENGINE=InnoDB');
    const t0 = performance.now();
    await pool(n, concurrency, async (i) => { await p.query('INSERT INTO bench_commit_probe (v) VALUES (?)', [`probe-${i}`]); });
    const rate = n / ((performance.now() - t0) / 1000);
    await p.query('DROP TABLE bench_commit_probe');
    return rate;
  } finally {
    await p.end();
  }
}

/** CPU seconds (user+system) of a process, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  const t = cpuMicros(pid);
  return t ? (t.user + t.sys) / 1e6 : undefined;
}

/**
 * CPU use of the service, this (client) process and MariaDB over a phase, in cores, and in CPU
 * milliseconds per unit of work (tip, claim): the per-unit figure holds even when something else
 * on the machine takes CPU during the run, which the rate does not.
 */
function cpuMeter(servicePid: number | undefined) {
  const db = pidByName('mariadbd', 'mysqld');
  const start = { t: performance.now(), svc: cpuSeconds(servicePid), db: cpuSeconds(db), me: process.cpuUsage() };
  return (units: number, unit: string) => {
    const secs = (performance.now() - start.t) / 1000;
    const me = process.cpuUsage(start.me);
    const meSecs = (me.user + me.system) / 1e6;
    const svc = cpuSeconds(servicePid), dbc = cpuSeconds(db);
    const d = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : undefined);
    const cores = (x?: number) => (x === undefined ? 'n/a' : (x / secs).toFixed(2));
    const per = (x?: number) => (x === undefined || units === 0 ? 'n/a' : ((1000 * x) / units).toFixed(2));
    const svcSecs = d(svc, start.svc), dbSecs = d(dbc, start.db);
    return `cpu cores: service ${cores(svcSecs)}, mariadb ${cores(dbSecs)}, bench client ${cores(meSecs)}; `
      + `cpu ms per ${unit}: service ${per(svcSecs)}, mariadb ${per(dbSecs)}, bench client ${per(meSecs)}`;
  };
}

export async function runIntakeBench(opts: IntakeBenchOptions): Promise<IntakeBenchResult> {
  const n = opts.tips ?? 1000;
  const claimers = opts.claimers ?? 20;
  const concurrency = opts.concurrency ?? 64;
  const target = await freshBenchDatabase(opts.databaseUrl);
  const logDir = mkdtempSync(path.join(tmpdir(), 'bench-intake-'));
  const warmup = opts.warmup ?? 300;
  const { port, child, pin } = await startService(target.url, path.join(logDir, 'service.log')); // runs the migrations
  const db = await openDatabase(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(concurrency, claimers) });
  let tipsModule: ReturnType<typeof createTipsModule> | undefined;
  const tokenStore = new MemoryStore();
  try {
    console.log(`\nintake on ${db.dialect}: ${n} citizens × ${SCRIPT(0).length} messages after ${warmup} to warm up, concurrency ${concurrency}; ${claimers} claimers; service log ${logDir}`);
    const ceiling = await commitCeiling(target.url, concurrency, 3000);
    if (ceiling !== null) console.log(`  ceiling:  ${ceiling.toFixed(0)} commits/s (one-row INSERT, autocommit, ${concurrency} connections, same server)`);

    // Webhook: each citizen walks the conversation; the last reply must carry the tracking code.
    const run = Date.now().toString(36);
    const lines = Array.from({ length: concurrency }, (_, k) => new CitizenLine(port, opts.config.wechat.token, k));
    const walk = async (count: number, prefix: string) => {
      const walked = { confirmations: 0, messages: 0, failures: [] as string[] };
      const free = [...lines];
      await pool(count, concurrency, async (i) => {
        const c = free.pop()!; // pool() never runs more than `concurrency` citizens at once
        c.citizen(`o_${prefix}_${run}_${i}`);
        let last = '';
        try {
          for (const text of SCRIPT(i)) {
            const r = await c.text(text);
            walked.messages += 1;
            last = r.msgType === 'text' ? r.content : `<${r.msgType || 'none'} ${r.status}>`;
          }
        } finally {
          free.push(c);
        }
        if (last.includes('受理编号：')) walked.confirmations += 1;
        else if (walked.failures.length < 3) walked.failures.push(last);
      });
      return walked;
    };
    let walked: Awaited<ReturnType<typeof walk>>;
    let rowsBefore: number;
    let meter: ReturnType<typeof cpuMeter>;
    let t0: number;
    try {
      // Warm-up, as the webhook bench's: JIT, connection pools and caches before the clock starts.
      // Its tips are stored like any other (the claim phase takes them too) but not counted here.
      if (warmup > 0) await walk(warmup, 'warm');
      pinHelperThreads(child.pid, pin);
      rowsBefore = await countRows(db);
      meter = cpuMeter(child.pid);
      t0 = performance.now();
      walked = await walk(n, 'bench');
    } finally {
      for (const c of lines) c.close();
    }
    const { confirmations, messages, failures } = walked;
    const webSeconds = (performance.now() - t0) / 1000;
    const cpu = meter(confirmations, 'tip');
    const rowsAfter = await countRows(db);
    const rows = rowsAfter - rowsBefore;
    const tipsPerSecond = confirmations / webSeconds;
    const messagesPerSecond = messages / webSeconds;
    console.log(`  webhook:  ${tipsPerSecond.toFixed(0)} tips/s confirmed, ${messagesPerSecond.toFixed(0)} messages/s, ${webSeconds.toFixed(1)} s; rows ${rows} vs confirmations ${confirmations} ${rows === confirmations && confirmations === n ? '(equal, none lost)' : '(MISMATCH)'}`);
    console.log(`            ${cpu}`);
    for (const f of failures) console.log(`  unconfirmed reply: ${f.slice(0, 120)}`);

    // Direct: TipDesk.submit in this process, no HTTP and no engine.
    let directTipsPerSecond: number | null = null;
    let directConfirmations = 0;
    if (opts.direct ?? true) {
      const logger = createLogger('silent');
      const wechat = new WechatClient({ appId: 'bench', appSecret: 'bench', apiBase: 'http://127.0.0.1:9', tokenStore });
      const vault = createIdentityVault(opts.config.tips.identityKeys, opts.config.tips.identityHashKey);
      tipsModule = createTipsModule({ config: opts.config, logger, metrics: createMetrics(), db, wechat, state: tokenStore, vault, sessions: createStaffModule({ config: opts.config, logger, db, state: tokenStore }).sessions });
      const desk = tipsModule.desk;
      const sub = (i: number): TipSubmission => ({
        citizen: { channel: 'official_account', id: `bench-${run}-${i % 300}` },
        category: i % 7 === 0 ? 'fraud' : 'dispute',
        description: `${TEXTS[i % TEXTS.length]!}（${i}）`,
        transcript: [{ at: new Date().toISOString(), from: 'citizen', kind: 'text', text: TEXTS[i % TEXTS.length]! }],
        attachments: [],
        place: { countyCode: '350404', townshipCode: '350404001' },
        contact: { anonymous: i % 3 === 0, phone: '13900000000' },
        danger: i % 50 === 0,
        submissionKey: `bench-direct-${run}-${i}`,
      });
      const directMeter = cpuMeter(undefined);
      const t1 = performance.now();
      await pool(n, concurrency, async (i) => { await desk.submit(sub(i)); directConfirmations += 1; });
      const directCpu = directMeter(directConfirmations, 'tip').replace(/service n\/a, /g, '').replace('bench client', 'bench (the desk)');
      directTipsPerSecond = directConfirmations / ((performance.now() - t1) / 1000);
      const rows2 = await countRows(db);
      console.log(`  desk:     ${directTipsPerSecond.toFixed(0)} tips/s (TipDesk.submit in-process); rows ${rows2 - rowsAfter} vs confirmations ${directConfirmations} ${rows2 - rowsAfter === directConfirmations ? '(equal)' : '(MISMATCH)'}`);
      console.log(`            ${directCpu}`);
    }

    // Claims: concurrent staff through the staff API until the queue is empty.
    const models = defineStaffModels(db);
    const cookies: string[] = [];
    for (let i = 0; i < claimers; i += 1) {
      const username = `bench-claimer-${i}`;
      await createStaff(db, models, { username, password: 'bench-password-123', role: 'triage' });
      const res = await json(port, agent, '/api/staff/login', { username, password: 'bench-password-123' });
      cookies.push(res.cookie);
    }
    const claimed: string[] = [];
    const claimMeter = cpuMeter(child.pid);
    const t2 = performance.now();
    await Promise.all(cookies.map(async (cookie) => {
      for (;;) {
        const res = await json(port, agent, '/api/staff/tips/claim-next', undefined, cookie);
        if (res.status !== 200) throw new Error(`claim-next answered ${res.status}: ${JSON.stringify(res.body)}`);
        const tip = (res.body as { tip: { code: string } | null }).tip;
        if (!tip) return;
        claimed.push(tip.code);
      }
    }));
    const claimSeconds = (performance.now() - t2) / 1000;
    const claimCpu = claimMeter(claimed.length, 'claim');
    const total = await countRows(db);
    const left = await countRows(db, "WHERE state = 'received'");

    const result: IntakeBenchResult = {
      ceilingCommitsPerSecond: ceiling,
      tips: n,
      confirmations,
      rows,
      tipsPerSecond,
      messagesPerSecond,
      directTipsPerSecond,
      claims: claimed.length,
      claimsPerSecond: claimed.length / claimSeconds,
      doubleClaims: claimed.length - new Set(claimed).size,
      unclaimed: left,
    };
    console.log(`  claim:    ${result.claimsPerSecond.toFixed(0)} claims/s; claimed ${result.claims} of ${total}, double claims ${result.doubleClaims} ${result.doubleClaims === 0 ? '(ok)' : '(FAIL)'}, left unclaimed ${left}`);
    console.log(`            ${claimCpu}`);
    const ok = rows === confirmations && confirmations === n && result.doubleClaims === 0 && left === 0 && result.claims === total;
    console.log(`  floor 200 tips/s through the webhook, none lost, no double claims: ${tipsPerSecond >= 200 && ok ? 'met' : 'MISSED'} (${tipsPerSecond.toFixed(0)} tips/s${ok ? '' : ', CHECKS FAILED'})`);
    return result;
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await tipsModule?.close();
    await tokenStore.close();
    await db.close();
    await target.drop();
  }
}
