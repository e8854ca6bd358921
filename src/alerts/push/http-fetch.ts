// A `fetch` for the push's WechatClient over node:http(s) with keep-alive sockets. A push sends
// thousands of small calls to one host, and the CPU a call costs is what bounds the rate one
// worker can keep: a plain keep-alive request costs less than undici's fetch and a WHATWG
// Response's stream machinery (docs/performance.md, "Alert push", has the measurement). It does
// what WechatClient asks of fetch: method, headers, a string body, the abort signal (its
// timeout); and of the response: `status`, `ok`, `headers.get`, `text()`, `arrayBuffer()`. The
// response is that much (BodyResponse), not a WHATWG Response.
import http from 'node:http';
import https from 'node:https';

/** The part of a Response that WechatClient reads, over a body already in memory. */
class BodyResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  constructor(readonly status: number, private readonly body: Buffer, raw: http.IncomingHttpHeaders) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get(name) {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }
  text(): Promise<string> {
    return Promise.resolve(this.body.toString('utf8'));
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new Uint8Array(this.body.length);
    copy.set(this.body);
    return Promise.resolve(copy.buffer);
  }
}

export interface KeepAliveFetch {
  fetch: typeof fetch;
  /** Closes the idle sockets. */
  close(): void;
}

export function keepAliveFetch(maxSockets = 64): KeepAliveFetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  const run = (input: string | URL | Request, init: RequestInit = {}): Promise<BodyResponse> => new Promise((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const lib = url.protocol === 'https:' ? https : http;
    if (typeof init.body !== 'string' && init.body !== undefined && init.body !== null) {
      // Uploads (FormData) are not this transport's: the push sends JSON only.
      reject(new TypeError('keepAliveFetch sends string bodies only'));
      return;
    }
    const headers: Record<string, string> = {};
    const given = init.headers;
    if (given instanceof Headers) given.forEach((v, k) => { headers[k] = v; });
    else if (Array.isArray(given)) for (const [k, v] of given) { if (k !== undefined && v !== undefined) headers[k] = v; }
    else if (given) Object.assign(headers, given);
    const req = lib.request(url, { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(new BodyResponse(res.statusCode ?? 0, Buffer.concat(chunks), res.headers)));
    });
    req.on('error', reject);
    req.end(init.body ?? undefined);
  });
  return {
    // WechatClient reads only BodyResponse's members of what fetch gives (see above).
    fetch: run as unknown as typeof fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
