import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

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
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
