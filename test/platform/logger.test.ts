import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { destination } from 'pino';
import { LineBatcher, accessLine, createLogger, msText, type AccessFields } from '../../src/platform/logger.js';

describe('platform/logger', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'pst-log-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function batcherToFile(chunkChars: number) {
    const file = path.join(dir, 'out.log');
    // A synchronous sink, so the file shows exactly what has been handed over.
    const sink = destination({ dest: file, sync: true });
    return { file, batcher: new LineBatcher(sink, chunkChars), read: () => readFileSync(file, 'utf8') };
  }

  it('LineBatcher holds lines until a chunk has gathered, then hands them over in one write, in order', () => {
    const { batcher, read } = batcherToFile(100);
    batcher.write('one\n');
    batcher.write('two\n');
    expect(batcher.pending).to.equal(2);
    expect(read()).to.equal('');
    const long = `${'x'.repeat(95)}\n`;
    batcher.write(long);
    expect(batcher.pending).to.equal(0);
    expect(read()).to.equal(`one\ntwo\n${long}`);
  });

  it('LineBatcher.flushSync writes what is pending', () => {
    const { batcher, read } = batcherToFile(4096);
    batcher.write('a\n');
    batcher.write('b\n');
    batcher.flushSync();
    expect(batcher.pending).to.equal(0);
    expect(read()).to.equal('a\nb\n');
  });

  it('a pino logger over a LineBatcher writes every line, whole and in order', () => {
    const { batcher, read } = batcherToFile(4096);
    const logger = createLogger('info', batcher);
    for (let i = 0; i < 1000; i += 1) logger.info({ i, route: '/wechat' }, 'request');
    batcher.flushSync();
    const lines = read().trimEnd().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => l.i)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
    expect(lines.every((l) => l.msg === 'request')).to.equal(true);
  });
});

describe('platform/logger: accessLine', () => {
  function capture(level = 'info') {
    const lines: string[] = [];
    const logger = createLogger(level, { write: (l: string) => { lines.push(l); } } as unknown as LineBatcher);
    return { logger, lines };
  }
  const sameTime = (l: string) => l.replace(/"time":\d+/, '"time":0');

  const cases: AccessFields[] = [
    { reqId: '5f2c9a1b0d3e4f6a-1a', method: 'POST', route: '/wechat', status: 200, ms: 1.2 },
    { reqId: 'abc-12345678', method: 'GET', route: '/staff/tips/:id', status: 404, ms: 0 },
    // Not what the recorder passes, but escaped as pino would if it ever were.
    { reqId: 'x"y\\z\n', method: 'DELETE', route: '/路径/"引号"', status: 500, ms: 12345.6 },
  ];

  it('writes the line pino writes for the same fields, byte for byte (time aside)', () => {
    const ours = capture();
    const theirs = capture();
    const write = accessLine(ours.logger);
    // Back to the first case's method, route and status after others: its part is made again.
    for (const f of [...cases, cases[0]!, { ...cases[0]!, status: 201 }]) {
      write(f);
      theirs.logger.info({ ...f }, 'request');
    }
    expect(ours.lines.map(sameTime)).to.deep.equal(theirs.lines.map(sameTime));
    expect(ours.lines).to.have.length(5);
    expect(JSON.parse(ours.lines[0]!)).to.include({ level: 30, service: 'pingan-sanming', route: '/wechat', msg: 'request' });
  });

  it("carries a child logger's bindings, and writes nothing when info is off", () => {
    const { logger, lines } = capture();
    accessLine(logger.child({ channel: 'webhook' }))(cases[0]!);
    expect(JSON.parse(lines[0]!)).to.include({ channel: 'webhook', reqId: cases[0]!.reqId });
    const quiet = capture('warn');
    accessLine(quiet.logger)(cases[0]!);
    expect(quiet.lines).to.deep.equal([]);
    // The level is read on each call, not when the writer is made.
    quiet.logger.level = 'info';
    accessLine(quiet.logger)(cases[1]!);
    expect(quiet.lines).to.have.length(1);
  });
});

describe('platform/logger: msText', () => {
  it('writes a duration in tenths of a millisecond as JavaScript (and JSON) does', () => {
    for (let tenths = 0; tenths <= 50_000; tenths += 1) {
      const ms = Math.round(tenths) / 10;
      expect(msText(ms), String(tenths)).to.equal(String(ms));
    }
    for (const ms of [0.05, 1 / 3, 1e21, -0.5, 2 ** 40, Math.round(123456789.4 * 10) / 10]) expect(msText(ms)).to.equal(String(ms));
  });

  it('the recorder\'s rounding of random durations comes out the same', () => {
    for (let i = 0; i < 20_000; i += 1) {
      const ms = Math.round(Math.random() * 10 ** (1 + (i % 7)) * 10) / 10;
      expect(msText(ms)).to.equal(String(ms));
    }
  });

  it('the time in an access line is the clock\'s, not a stale one', async () => {
    const lines: string[] = [];
    const write = accessLine(createLogger('info', { write: (l: string) => { lines.push(l); } } as unknown as LineBatcher));
    write({ reqId: 'r-1', method: 'POST', route: '/wechat', status: 200, ms: 1 });
    await new Promise((r) => setTimeout(r, 5));
    const before = Date.now();
    write({ reqId: 'r-2', method: 'POST', route: '/wechat', status: 200, ms: 1 });
    const [a, b] = lines.map((l) => (JSON.parse(l) as { time: number }).time);
    expect(b).to.be.at.least(before);
    expect(b).to.be.greaterThan(a!);
  });
});
