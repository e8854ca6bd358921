import { ownString } from './strings.js';
import { pino, destination, stdTimeFunctions, symbols, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets, phone numbers and message text never go to info: the redact
 * list is a safety net for fields that must not appear even by accident.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'pingan-sanming' },
    redact: {
      paths: [
        'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'accessToken', '*.accessToken',
        'phone', '*.phone', 'name', 'reporter', '*.reporter', 'content', '*.content', 'text', '*.text',
        'req.headers.cookie', 'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** What logDestination returns: pino's stream, plus flushing on demand. */
export interface LogDestination extends DestinationStream {
  /** Hands the gathered lines to the file now; they are written asynchronously. */
  flush(cb?: (err?: Error | null) => void): void;
  /** Writes everything gathered before returning (exit, fatal). */
  flushSync(): void;
}

type Sink = ReturnType<typeof destination>;

/**
 * Gathers lines into chunks of about `chunkChars` before they reach sonic-boom. sonic-boom's own
 * `minLength` buffering appends each line to one growing string and measures that string's UTF-8
 * length on every append, which flattens the whole pending buffer once per line: on the webhook's
 * path that was ~2 KB of garbage per access line (a tenth of everything the service allocated).
 * Here a line is pushed to an array, and the array is joined once per chunk.
 */
export class LineBatcher implements LogDestination {
  private lines: string[] = [];
  private chars = 0;

  constructor(private readonly sink: Pick<Sink, 'write' | 'flush' | 'flushSync'>, private readonly chunkChars = 65536) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.chunkChars) this.drain();
  }

  /** Lines gathered and not yet handed to the sink. */
  get pending(): number {
    return this.lines.length;
  }

  flush(cb?: (err?: Error | null) => void): void {
    this.drain();
    this.sink.flush(cb);
  }

  flushSync(): void {
    this.drain();
    this.sink.flushSync();
  }

  private drain(): void {
    if (this.lines.length === 0) return;
    const chunk = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.chars = 0;
    this.sink.write(chunk);
  }
}

/**
 * Where the service's lines go: stdout (fd 1) by default, or a file. Buffered — handed to the
 * file when 64 KB have gathered or at the latest every second, and written synchronously on exit —
 * rather than one write syscall per line, which on the webhook's path costs more than making the
 * line. Writes are asynchronous (sonic-boom): a stalled log reader never blocks a request.
 *
 * An asynchronous write is a hand-over to libuv's thread pool and back, which costs far more than
 * the bytes (4 KB on one core of the bench machine: 13 µs of CPU asynchronously, 3 µs
 * synchronously): with 4 KB writes the log took 5% of the webhook's CPU under load; with 64 KB,
 * at ~150 bytes a line, one write carries ~400 requests' lines and the log no longer shows in
 * the profile.
 */
export function logDestination(target: number | string = 1): LogDestination {
  const sink = destination({ dest: target, sync: false, maxWrite: 65536 });
  const batcher = new LineBatcher(sink);
  const flush = () => {
    try {
      batcher.flush();
    } catch {
      // Not ready yet (the file is still opening) or already closed: the next tick or exit flushes.
    }
  };
  setInterval(flush, 1000).unref();
  // Before pino's own exit hook, which writes out what sonic-boom holds.
  process.prependListener('exit', () => {
    try {
      batcher.flushSync();
    } catch {
      // Nothing more can be done for the log at exit.
    }
  });
  return batcher;
}

/** The fields of the access line: fixed, and never personal data. */
export interface AccessFields {
  reqId: string;
  method: string;
  /** The matched route, never the raw URL. */
  route: string;
  status: number;
  ms: number;
}

export type AccessLine = (f: AccessFields) => void;

// The logger's own state, through the symbols pino exports for integrations (pino.symbols).
const { chindingsSym, streamSym, timeSym, needsMetadataGsym } = symbols;
/**
 * `s` as a JSON string. Printable ASCII other than `"` and `\\` is written as it is; anything else
 * goes through JSON.stringify. A character loop rather than a regular expression: the request id
 * is checked on every access line, and a regular expression test there went through V8's runtime
 * (a fifth of the line's cost in a micro-bench).
 */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/**
 * `ms` as JSON writes it (the recorder rounds it to tenths): a whole number of tenths goes through
 * small integers, which V8 keeps as strings, instead of a double's shortest-form conversion.
 */
export function msText(ms: number): string {
  const tenths = Math.round(ms * 10);
  if (tenths < 0 || tenths > 2 ** 30 || tenths / 10 !== ms) return `${ms}`;
  const digit = tenths % 10;
  return digit === 0 ? `${tenths / 10}` : `${(tenths - digit) / 10}.${digit}`;
}

/**
 * The access line, one per request: the line `logger.info(fields, 'request')` writes (same
 * level, time, bindings, field order and message; tested byte for byte against pino), put
 * together directly and handed to the logger's stream. pino's generic path — the redaction pass,
 * then a serialiser that walks the object and checks every key and value — cost more than the
 * rest of the line on the webhook's path, and this line has five fixed fields.
 *
 * The line was still ~6% of the webhook's requests/s (paired A/B without it): about half building
 * it, half writing it. It is built from few pieces: what follows the time up to the request id
 * is fixed for the logger, method, route and status repeat from one request to the next (their
 * part is kept until they change), and pino's epoch time is formatted once a millisecond.
 */
export function accessLine(logger: Logger): AccessLine {
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[streamSym] as { write(line: string): void } & Record<symbol, unknown>;
  // A multistream wants the level and message beside the line: pino's own path gives them.
  if (stream[needsMetadataGsym]) return (f) => logger.info({ ...f }, 'request');
  const bindings = internals[chindingsSym] as string;
  const time = internals[timeSym] as () => string;
  const epoch = time === stdTimeFunctions.epochTime;
  // The reused pieces go through ownString for its flat copy: a template's result is a tree of
  // concatenations, and the batch's join would walk that tree again for every line it is in.
  const afterTime = ownString(`${bindings},"reqId":`);
  let lastNow = -1;
  let timeText = '';
  let method: string | undefined;
  let route: string | undefined;
  let status = -1;
  let middle = '';
  return (f) => {
    if (!logger.isLevelEnabled('info')) return;
    if (!epoch) {
      timeText = time();
    } else {
      const now = Date.now();
      if (now !== lastNow) {
        lastNow = now;
        timeText = ownString(`,"time":${now}`);
      }
    }
    if (f.method !== method || f.route !== route || f.status !== status) {
      method = f.method;
      route = f.route;
      status = f.status;
      middle = ownString(`,"method":${jsonString(method)},"route":${jsonString(route)},"status":${status},"ms":`);
    }
    stream.write(`{"level":30${timeText}${afterTime}${jsonString(f.reqId)}${middle}${msText(f.ms)},"msg":"request"}\n`);
  };
}
