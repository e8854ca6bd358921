// Webhook throughput: the same load, in the same run, against the ceiling (bare Koa), co-wechat 2.4
// in front of the same engine, and this service; plaintext and safe mode.
import { once } from 'node:events';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import autocannon from 'autocannon';
import { spawnBenchServer } from './spawn-server.js';
import { sha1Signature, WechatCrypto } from '../../src/wechat/index.js';
import type { AppConfig } from '../../src/config/index.js';

export interface WebhookBenchOptions {
  config: AppConfig;
  databaseUrl: string;
  seconds: number;
  connections: number;
  text: string;
}

export interface BenchRow { server: string; mode: string; rps: number; p99: number; errors: number; non2xx: number }

function requestFactory(config: AppConfig, text: string, aes: boolean) {
  const crypto = new WechatCrypto({ token: config.wechat.token, encodingAESKey: config.wechat.aesKey, appId: config.wechat.appId });
  let seq = 0;
  return (req: { path?: string; body?: string | Buffer; method?: string; headers?: Record<string, string> }) => {
    seq += 1;
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = String(seq);
    const inner = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o_bench_${seq % 500}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${process.pid}${seq}</MsgId></xml>`;
    let q = `signature=${sha1Signature([config.wechat.token, ts, nonce])}&timestamp=${ts}&nonce=${nonce}&openid=o_bench`;
    let body = inner;
    if (aes) {
      const encrypt = crypto.encrypt(inner);
      q += `&encrypt_type=aes&msg_signature=${crypto.msgSignature(ts, nonce, encrypt)}`;
      body = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    }
    return { ...req, method: 'POST', path: `/wechat?${q}`, body, headers: { 'content-type': 'text/xml' } };
  };
}

async function load(port: number, opts: WebhookBenchOptions, aes: boolean, seconds: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: seconds,
    requests: [{ setupRequest: requestFactory(opts.config, opts.text, aes) } as autocannon.Request],
  });
}

export async function runWebhookBench(opts: WebhookBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const logDir = mkdtempSync(path.join(tmpdir(), 'bench-logs-'));
  for (const mode of ['plain', 'aes'] as const) {
    for (const server of ['ceiling', 'co-wechat', 'ours']) {
      const { port, child } = await spawnBenchServer(server, opts.databaseUrl, path.join(logDir, `${server}-${mode}.log`));
      try {
        await load(port, opts, mode === 'aes', 5); // warm-up: JIT, connection pools, the citizens' first touch
        const r = await load(port, opts, mode === 'aes', opts.seconds);
        rows.push({ server, mode, rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx });
      } finally {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  }
  return rows;
}
