// `npm run bot:terminal`: the chat loop drives the real bot process (startWechatyBot on the mock
// puppet, real engine and database) from a stream of lines and prints what the bot says back.
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { log } from 'wechaty';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { runBotTerminal } from '../../src/cli/bot-terminal-chat.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

log.level('silent');

const STAFF_ROOM = '三明市委政法委线索值班群';

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm run bot:terminal: the Wechaty bot from the terminal', function () {
  this.timeout(30_000);
  let tdb: TestDatabase;
  let input: PassThrough;
  let screen: string;
  let running: Promise<void>;
  let quit: AbortController;

  beforeEach(async () => {
    tdb = await createTestDatabase();
    const config = await loadConfig({ databaseUrl: tdb.url, wechaty: { name: '', staffRooms: [STAFF_ROOM] } });
    input = new PassThrough();
    const output = new PassThrough();
    screen = '';
    output.on('data', (chunk: Buffer) => { screen += chunk.toString('utf8'); });
    quit = new AbortController();
    running = runBotTerminal(config, createLogger('silent'), { input, output, signal: quit.signal });
    await until(() => screen.includes('你> '), 'the first prompt');
  });

  afterEach(async () => {
    quit.abort();
    await running.catch(() => undefined);
    await tdb.drop();
  });

  /** Types a line and returns what the screen shows until the next prompt. */
  async function type(line: string): Promise<string> {
    const from = screen.length;
    input.write(`${line}\n`);
    await until(() => screen.slice(from).includes('\n你> '), `the answer to ${line}`);
    return screen.slice(from);
  }

  it('prints the help for 帮助 and starts the tip flow for 举报, then stops on /quit', async () => {
    expect(screen).to.contain(STAFF_ROOM);

    const help = await type('帮助');
    expect(help).to.contain('您可以回复下面的字').and.contain('举报：反映问题').and.contain('96110');

    const tip = await type('举报');
    expect(tip).to.contain('请选择您要反映的问题类别').and.match(/1\. 治安线索/);
    expect(tip).to.not.contain('您可以回复下面的字');

    const photo = await type('/image');
    // Wechaty gives no media id to keep: the citizen is told so, never 「已收到」.
    expect(photo).to.contain('收不到照片原件');

    input.write('/quit\n');
    await running;
    expect(screen).to.match(/\(机器人已停止\)\n$/);
  });

  it('shows what the bot says in the staff room, and stops when interrupted', async () => {
    for (const line of ['举报', '1', '他拿着刀在村口说要砍人', '好了', '三元区', '匿名']) await type(line);
    const receipt = await type('确认');
    const code = /受理编号：(SM\w+)/.exec(receipt)?.[1];
    expect(code, receipt).to.be.a('string');
    await until(() => screen.includes(`[值班群 ${STAFF_ROOM}] 【新红色线索】编号：${code}`), 'the staff-room announcement');

    quit.abort();
    await running;
    expect(screen).to.contain('(机器人已停止)');
  });
});
