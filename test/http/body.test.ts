import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { readRequestBody, readRequestText } from '../../src/http/body.js';
import type { AppError } from '../../src/platform/errors.js';

/** A real server whose handler reads the body and reports what it got (or the error's code). */
async function bodyServer(limit: number) {
  const seen: Array<{ ok: true; text: string } | { ok: false; code: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    readRequestText(req, limit).then(
      (text) => {
        seen.push({ ok: true, text });
        res.end(`len=${Buffer.byteLength(text)}`);
      },
      (err: AppError) => {
        seen.push({ ok: false, code: err.code, status: err.status });
        if (!res.destroyed) {
          res.statusCode = err.status;
          res.end(err.code);
        }
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { server, port, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

function post(port: number, body: Buffer | string | string[], headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      // Chunked (no Content-Length), one write every 20 ms: each reaches the server on its own.
      const parts = [...body];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) return void req.end();
        req.write(part);
        setTimeout(next, 20);
      };
      next();
    } else {
      req.end(body);
    }
  });
}

describe('request body reader', () => {
  let s: Awaited<ReturnType<typeof bodyServer>>;
  beforeEach(async () => { s = await bodyServer(64); });
  afterEach(async () => s.close());

  it('reads a body that came in one chunk, as UTF-8', async () => {
    const res = await post(s.port, '你好 hello');
    expect(res).to.deep.equal({ status: 200, text: `len=${Buffer.byteLength('你好 hello')}` });
    expect(s.seen).to.deep.equal([{ ok: true, text: '你好 hello' }]);
  });

  it('joins a body sent in several chunks, in order', async () => {
    const chunks: number[] = [];
    s.server.prependListener('request', (req: http.IncomingMessage) => req.on('data', (c: Buffer) => chunks.push(c.length)));
    const res = await post(s.port, ['<xml>', '平安', '三明', '</xml>']);
    expect(res.status).to.equal(200);
    expect(chunks).to.deep.equal([5, 6, 6, 6]);
    expect(s.seen).to.deep.equal([{ ok: true, text: '<xml>平安三明</xml>' }]);
  });

  it('reads an empty body as the empty string', async () => {
    const res = await post(s.port, '');
    expect(res.status).to.equal(200);
    expect(s.seen).to.deep.equal([{ ok: true, text: '' }]);
  });

  it('accepts exactly the limit, and refuses one byte more with 413 from the declared length', async () => {
    expect((await post(s.port, 'a'.repeat(64))).status).to.equal(200);
    const res = await post(s.port, 'a'.repeat(65));
    expect(res).to.deep.equal({ status: 413, text: 'BODY_TOO_LARGE' });
    expect(s.seen[1]).to.deep.equal({ ok: false, code: 'BODY_TOO_LARGE', status: 413 });
  });

  it('refuses a chunked body once the bytes received pass the limit', async () => {
    const res = await post(s.port, ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)]);
    expect(res.status).to.equal(413);
    expect(s.seen).to.deep.equal([{ ok: false, code: 'BODY_TOO_LARGE', status: 413 }]);
  });

  it('refuses invalid UTF-8 with 400 BAD_ENCODING', async () => {
    const res = await post(s.port, Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    expect(res).to.deep.equal({ status: 400, text: 'BAD_ENCODING' });
  });

  it('drops a UTF-8 byte order mark, as TextDecoder does', async () => {
    await post(s.port, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<xml/>')]));
    expect(s.seen).to.deep.equal([{ ok: true, text: '<xml/>' }]);
  });

  it('fails with REQUEST_ABORTED when the client goes away mid-body, and keeps serving', async () => {
    const sock = net.connect(s.port, '127.0.0.1');
    await once(sock, 'connect');
    sock.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nonly twenty bytes...');
    await new Promise((r) => setTimeout(r, 50));
    sock.destroy();
    for (let i = 0; i < 50 && s.seen.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(s.seen).to.deep.equal([{ ok: false, code: 'REQUEST_ABORTED', status: 400 }]);
    expect((await post(s.port, 'still here')).status).to.equal(200);
  });

  it('hands back the bytes as they came (no copy for a single chunk)', async () => {
    const got: Buffer[] = [];
    const server = http.createServer((req, res) => {
      void readRequestBody(req, 1024).then((b) => { got.push(b); res.end(); });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 3]);
    await post((server.address() as AddressInfo).port, bytes);
    server.close();
    expect(got).to.have.length(1);
    expect(got[0]!.equals(bytes)).to.equal(true);
  });
});
