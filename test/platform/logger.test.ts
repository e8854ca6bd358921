import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { destination } from 'pino';
import { LineBatcher, createLogger } from '../../src/platform/logger.js';

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
