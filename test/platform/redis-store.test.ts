// A Redis that cannot be reached: the store's operations still fail fast (maxRetriesPerRequest), and
// ioredis' reconnect errors go to the log through the `err` serializer, throttled, instead of one
// "[ioredis] Unhandled error event" stack on stderr per attempt.
import { expect } from 'chai';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/platform/logger.js';
import { RedisStore } from '../../src/platform/redis-store.js';

/** Nothing listens on port 1. */
const CLOSED = 'redis://127.0.0.1:1';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream: DestinationStream = { write: (l: string) => { lines.push(JSON.parse(l) as Record<string, unknown>); } };
  return { logger: createLogger('info', stream), lines };
}

/** What is written to stderr while `fn` runs (ioredis' unhandled-error report goes there). */
async function stderrDuring(fn: () => Promise<void>): Promise<string> {
  const original = process.stderr.write.bind(process.stderr);
  let seen = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    seen += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
  try {
    await fn();
  } finally {
    process.stderr.write = original;
  }
  return seen;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('platform/redis-store: Redis unreachable', () => {
  it('fails an operation fast and logs the connection error once per interval, never on stderr', async () => {
    const { logger, lines } = capture();
    let failure: unknown;
    let took = 0;
    const stderr = await stderrDuring(async () => {
      const store = new RedisStore({ url: CLOSED, prefix: 'pst:', logger });
      try {
        const started = Date.now();
        failure = await store.get('k').then(() => undefined, (err: unknown) => err);
        took = Date.now() - started;
        await sleep(600);
      } finally {
        await store.close();
      }
    });
    expect(failure, 'the operation fails').to.be.instanceOf(Error);
    expect(String((failure as Error).message)).to.match(/max retries/i);
    expect(took).to.be.below(3000);
    expect(stderr).to.not.contain('Unhandled error event');
    expect(stderr).to.not.contain('ECONNREFUSED');
    expect(lines, 'one line in the default 10 s interval').to.have.length(1);
    const line = lines[0]!;
    expect(line).to.include({ level: 50, module: 'redis', suppressed: 0 });
    expect(line.msg).to.match(/^redis: connection error/);
    expect(line.err).to.include({ code: 'ECONNREFUSED', type: 'Error' });
  });

  it('counts the errors it leaves out in the next line', async () => {
    const { logger, lines } = capture();
    let errors = 0;
    const stderr = await stderrDuring(async () => {
      const store = new RedisStore({ url: CLOSED, prefix: 'pst:', logger, errorLogIntervalMs: 400 });
      // A second listener of the same client, to count every error ioredis reports.
      (store as unknown as { redis: { on(e: 'error', l: () => void): void } }).redis.on('error', () => { errors += 1; });
      try {
        await sleep(1500);
      } finally {
        await store.close();
      }
    });
    expect(stderr).to.not.contain('Unhandled error event');
    expect(errors).to.be.above(lines.length);
    expect(lines.length).to.be.within(2, 6);
    const reported = lines.reduce((n, l) => n + 1 + Number(l.suppressed), 0);
    // Every error is logged or counted in the next line (those after the last line are not yet).
    expect(reported).to.be.at.most(errors);
    expect(lines.some((l) => Number(l.suppressed) > 0), 'a line counts the ones left out').to.equal(true);
  });
});
