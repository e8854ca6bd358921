// A puppet that fails to start is a failed start of the bot process: startWechatyBot rejects (so
// wechaty-main.ts exits non-zero and systemd restarts it) instead of logging "wechaty: started"
// and running logged in to nothing. Wechaty itself only emits 'error' for it.
import { expect } from 'chai';
import type { DestinationStream } from 'pino';
import { log } from 'wechaty';
import { PuppetMock } from 'wechaty-puppet-mock';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startWechatyBot } from '../../src/bot/adapters/wechaty-boot.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

log.level('silent');

class PuppetThatCannotStart extends PuppetMock {
  override onStart(): Promise<void> {
    return Promise.reject(new Error('puppet service refused the token'));
  }
}

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream: DestinationStream = { write: (l: string) => { lines.push(JSON.parse(l) as Record<string, unknown>); } };
  return { logger: createLogger('info', stream), lines };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'startWechatyBot rejects').to.be.instanceOf(Error);
  return err as Error;
}

describe('Wechaty bot: a puppet that fails to start', function () {
  // A fresh database: migrations and the text models' training come first.
  this.timeout(60_000);
  let tdb: TestDatabase;
  beforeEach(async () => { tdb = await createTestDatabase(); });
  afterEach(async () => { await tdb?.drop(); });

  it('rejects, never says "started", and logs the puppet\'s error', async () => {
    const config = await loadConfig({ databaseUrl: tdb.url, wechaty: { name: '' } });
    const { logger, lines } = capture();
    const err = await failure(startWechatyBot(config, logger, { puppet: new PuppetThatCannotStart() }));
    expect(err.message).to.match(/puppet did not start: puppet service refused the token/);
    expect(lines.map((l) => l.msg)).to.not.include('wechaty: started');
    expect(lines.some((l) => l.msg === 'wechaty: error')).to.equal(true);
  });

  it('rejects for wechaty-puppet-service with a token lacking its SNI prefix, without echoing the token', async () => {
    const token = 'abcdef0123456789abcdef0123456789';
    const config = await loadConfig({
      databaseUrl: tdb.url,
      wechaty: { name: '', puppet: 'wechaty-puppet-service', puppetToken: token },
    });
    const { logger, lines } = capture();
    const err = await failure(startWechatyBot(config, logger));
    expect(err.message).to.match(/puppet did not start: .*SNI/);
    expect(err.message).to.not.contain(token);
    expect(lines.map((l) => l.msg)).to.not.include('wechaty: started');
    expect(JSON.stringify(lines)).to.not.contain(token);
  });
});
