import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { accessLine, createLogger, logDestination, type AccessFields } from '../../src/platform/logger.js';
import { WechatApiError } from '../../src/wechat/index.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const stream: DestinationStream = { write: (l: string) => { lines.push(l); } };
  return { logger: createLogger(level, stream), lines };
}

describe('platform/logger', () => {
  const access: AccessFields = { reqId: '5f2c9a1b0d3e4f6a-1a', method: 'POST', route: '/wechat', status: 200, ms: 1.2 };

  it('writes one access line with the fixed fields, the bindings and the service name', () => {
    const { logger, lines } = capture();
    accessLine(logger.child({ channel: 'webhook' }))(access);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ level: 30, service: 'pingan-sanming', channel: 'webhook', route: '/wechat', status: 200, ms: 1.2, msg: 'request' });
  });

  it('writes no access line when info is off, and reads the level on each call', () => {
    const { logger, lines } = capture('warn');
    const write = accessLine(logger);
    write(access);
    expect(lines).to.deep.equal([]);
    logger.level = 'info';
    write(access);
    expect(lines).to.have.length(1);
  });

  it('redacts secrets, phone numbers and message text, at any level', () => {
    const { logger, lines } = capture('debug');
    logger.debug({ text: '我的电话13912345678', phone: '13912345678', token: 'abc', nested: { content: '内容' } }, 'x');
    const line = lines[0]!;
    expect(line).to.not.contain('13912345678');
    expect(line).to.not.contain('abc');
    expect(line).to.not.contain('内容');
  });

  it('redacts what a database error carries of the values: its statement, parameters and fields', () => {
    const { logger, lines } = capture('warn');
    const original = { sql: "SELECT 1 WHERE v = '17012345678'", parameters: ['17012345678'], sqlMessage: "Duplicate entry '17012345678'" };
    const err = Object.assign(new Error('Validation error'), {
      sql: original.sql, parameters: ['17012345678'], fields: { identifier: '17012345678' }, errors: [{ value: '17012345678' }], original, parent: original,
    });
    logger.warn({ err }, 'reports could not be read');
    expect(lines[0]).to.not.contain('17012345678');
    expect(JSON.parse(lines[0]!)).to.have.nested.property('err.message', 'Validation error');
  });

  it('keeps what a driver error quotes out of its message and stack, in the error and its causes (MariaDB)', () => {
    const { logger, lines } = capture('warn');
    // mysql2 puts the duplicate value in the message, and so in the stack's first line.
    const driver = Object.assign(new Error("Duplicate entry '菜市场有人收保护费，张三，电话13812345678' for key 'zz_desc'"), {
      code: 'ER_DUP_ENTRY', errno: 1062, sqlMessage: "Duplicate entry '菜市场有人收保护费' for key 'zz_desc'", sql: "INSERT INTO tips VALUES ('13812345678')",
    });
    const err = Object.assign(new Error('Validation error'), { name: 'SequelizeUniqueConstraintError', original: driver, parent: driver, sql: driver.sql });
    logger.error({ err }, 'tip could not be stored');
    const line = lines[0]!;
    for (const value of ['13812345678', '菜市场', '张三']) expect(line).to.not.contain(value);
    const logged = JSON.parse(line) as { err: { message: string; stack: string; original: { code: string; errno: number; message: string; stack: string } } };
    expect(logged.err.original).to.include({ code: 'ER_DUP_ENTRY', errno: 1062, message: 'Duplicate entry …' });
    expect(logged.err.original.stack).to.match(/^Error: Duplicate entry …\n {4}at /);
    expect(logged.err.message).to.equal('Validation error');
  });

  it('logs no Redis command of an ioredis error: its keys hold what was typed (a username) and its values tokens', () => {
    const { logger, lines } = capture('warn');
    const err = Object.assign(new Error('OOM command not allowed when used memory > maxmemory.'), {
      name: 'ReplyError', command: { name: 'set', args: ['login-failures:user:13812345678', 'ACCESS_TOKEN_abcdefghijkl'] },
    });
    logger.error({ err }, 'request failed');
    expect(lines[0]).to.not.contain('13812345678').and.not.contain('ACCESS_TOKEN').and.not.contain('"command"');
    expect(JSON.parse(lines[0]!)).to.have.nested.property('err.message', 'OOM command not allowed when used memory > maxmemory.');
  });

  it('logs a WeChat error by its code and path, not what WeChat (or a proxy) echoed of the request', () => {
    const { logger, lines } = capture('warn');
    const echoed = 'invalid openid hint: [{"touser":"oAbCdEfGhIjKlMnOpQrStUvWxYz1","text":{"content":"请联系张三，电话13812345678"}}]';
    const err = new WechatApiError(40003, echoed, '/cgi-bin/message/custom/send');
    logger.warn({ err }, 'citizen notice not sent');
    const line = lines[0]!;
    for (const value of ['oAbCdEfGhIjKlMnOpQrStUvWxYz1', '13812345678', '张三', 'touser']) expect(line).to.not.contain(value);
    expect(JSON.parse(line)).to.nested.include({ 'err.errcode': 40003, 'err.path': '/cgi-bin/message/custom/send', 'err.type': 'WechatApiError' });
  });

  it('masks a phone number or openid said outside quotes in any error message', () => {
    const { logger, lines } = capture('warn');
    logger.warn({ err: new Error('no follower oAbCdEfGhIjKlMnOpQrStUvWxYz1 for 13812345678') }, 'x');
    expect(JSON.parse(lines[0]!)).to.have.nested.property('err.message', 'no follower # for #');
  });

  it('logDestination writes every line to its file by exit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pst-log-'));
    try {
      const file = path.join(dir, 'out.log');
      const dest = logDestination(file) as DestinationStream & { end(): void; once(event: 'close', listener: () => void): void };
      const logger = createLogger('info', dest);
      for (let i = 0; i < 1000; i += 1) logger.info({ i }, 'line');
      // Ending the stream writes out what is pending (as on exit); 'close' comes once it is on disk.
      const closed = new Promise<void>((resolve) => dest.once('close', resolve));
      dest.end();
      await closed;
      const written = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i);
      expect(written).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
