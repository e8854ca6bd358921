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
