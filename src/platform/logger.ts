import { pino, destination, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

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

  constructor(private readonly sink: Pick<Sink, 'write' | 'flush' | 'flushSync'>, private readonly chunkChars = 4096) {}

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
 * file when 4 KB have gathered or at the latest every second, and written synchronously on exit —
 * rather than one write syscall per line, which on the webhook's path costs more than making the
 * line. Writes are asynchronous (sonic-boom): a stalled log reader never blocks a request.
 */
export function logDestination(target: number | string = 1): LogDestination {
  const sink = destination({ dest: target, sync: false });
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

/**
 * The same logger without the redaction pass, for the access line only: its fields are fixed
 * (request id, method, matched route, status, ms) and never carry personal data, and the
 * redaction walk costs several times the rest of a log call on the webhook's hot path.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
