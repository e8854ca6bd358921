// The real entry point as a newcomer runs it: start, migrate and seed, serve, drain on SIGTERM.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A child's exit code, once it has exited (null when a signal ended it). */
async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = await once(child, 'exit') as [number | null, NodeJS.Signals | null];
  return code;
}

describe('server (src/server.ts)', function () {
  this.timeout(60_000);

  it('starts on an empty SQLite file, answers /healthz, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pst-server-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, METRICS_TOKEN: 'server-test-metrics-token' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    try {
      let port = 0;
      const lines: Array<{ msg?: string; port?: number; route?: string }> = [];
      const listening = new Promise<void>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; port?: number; route?: string };
          lines.push(entry);
          if (entry.msg === 'listening') { port = entry.port ?? 0; resolve(); }
        });
      });
      await listening;
      expect(port).to.be.greaterThan(0);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: 'ok', database: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).to.equal(401);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Bearer server-test-metrics-token' } })).text();
      expect(metrics).to.contain('http_requests_total');

      // The newcomer is told once, outside the log, how to sign in as staff; and it works.
      const shown = /username "admin" and password "([^"]+)"/.exec(stderr);
      expect(shown, stderr).to.not.equal(null);
      expect(lines.some((l) => JSON.stringify(l).includes(shown![1]!))).to.equal(false);
      const login = await fetch(`http://127.0.0.1:${port}/api/staff/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: shown![1] }),
      });
      expect(login.status).to.equal(200);

      // `npm run chat` against it, as a newcomer would: a whole tip, typed (here piped) line by line.
      const chat = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--url', `http://127.0.0.1:${port}`], {
        env: { ...process.env, NODE_ENV: 'development' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let transcript = '';
      chat.stdout.on('data', (d: Buffer) => { transcript += d.toString(); });
      chat.stdin.end('/subscribe\n我要举报，村口有人聚众赌博\n是\n好了\n沙县区凤岗街道\n匿名\n确认\n/quit\n');
      const chatCode = await exitCode(chat);
      expect(chatCode).to.equal(0);
      expect(transcript).to.contain('欢迎关注').and.contain('凤岗街道').and.match(/受理编号：SM\d{6}[A-Z0-9]{6}/);
      child.kill('SIGTERM');
      const code = await exitCode(child);
      expect(code).to.equal(0);
      // The log is buffered: what was logged up to process.exit, the last line included, is out.
      if (child.stdout.readableLength || !child.stdout.readableEnded) await once(child.stdout, 'end');
      expect(lines.some((l) => l.msg === 'request' && l.route === '/healthz')).to.equal(true);
      expect(lines.map((l) => l.msg).slice(-2)).to.deep.equal(['shutting down: finishing in-flight requests', 'closed']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a MariaDB database that does not exist stops the start with what to do, not a stack trace', async function () {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: 'mysql://root@127.0.0.1:3306/pst_missing_database' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await exitCode(child);
    expect(code).to.equal(1);
    expect(stderr).to.contain('database "pst_missing_database" does not exist').and.contain('CREATE DATABASE');
    expect(stderr).to.not.match(/\n\s+at /);
  });

  it('stops with a message naming the bad key when config is invalid', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, NODE_ENV: 'development', WECHAT_AES_KEY: 'short' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await exitCode(child);
    expect(code).to.equal(78);
    expect(stderr).to.contain('wechat.aesKey');
  });
});
