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

/**
 * The same logger without the redaction pass, for the access line only: its fields are fixed
 * (request id, method, matched route, status, ms) and never carry personal data, and the
 * redaction walk costs several times the rest of a log call on the webhook's hot path.
 */
/**
 * Where the service's lines go: stdout (fd 1) by default, or a file. Buffered — written when
 * 4 KB have gathered or at the latest every second, and flushed synchronously on exit (pino
 * registers that) — rather than one write syscall per line, which on the webhook's path costs
 * more than making the line.
 */
export function logDestination(target: number | string = 1): DestinationStream {
  const dest = destination({ dest: target, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      dest.flush();
    } catch {
      // Not ready yet (the file is still opening) or already closed: the next tick or exit flushes.
    }
  }, 1000).unref();
  return dest;
}

export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
