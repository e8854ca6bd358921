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
        // A database error carries its statement with the values inlined, and its parameters: the
        // numbers, openids or words of a citizen's message. The message and stack stay.
        'err.sql', 'err.parameters', 'err.fields', 'err.value', 'err.errors[*].value', 'err.aggregateErrors[*].value', 'err.original.sql', 'err.original.parameters',
        'err.original.sqlMessage', 'err.parent.sql', 'err.parent.parameters', 'err.parent.sqlMessage',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Where the service's lines go: stdout (fd 1) by default, or a file. Asynchronous (sonic-boom,
 * pino's documented destination), so a stalled log reader never blocks a request; pino writes
 * out what is pending on exit.
 */
export function logDestination(target: number | string = 1): DestinationStream {
  return destination({ dest: target, sync: false });
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

/**
 * One access line per request, at info. Its fields are fixed and never personal data, so it is
 * written by a child without the redaction pass (pino: `redact: []` drops the parent's), which
 * would otherwise walk every line of every request.
 */
export function accessLine(logger: Logger): AccessLine {
  const access = logger.child({}, { redact: [], level: 'info' });
  // The parent's level decides, read on each call: it can change while the service runs.
  return (f) => {
    if (logger.isLevelEnabled('info')) access.info(f, 'request');
  };
}

/**
 * What a log line may say of a database or transport error: its name, stable code and message.
 * Never the error itself: Sequelize's carry the statement and its values (openids).
 */
export function errorFields(err: unknown): { error: { name: string; code: string | null; message: string } } {
  if (!(err instanceof Error)) return { error: { name: 'unknown', code: null, message: '' } };
  const original = (err as { original?: { code?: unknown; message?: unknown } }).original;
  const code = typeof original?.code === 'string' ? original.code : typeof (err as { code?: unknown }).code === 'string' ? String((err as { code?: unknown }).code) : null;
  const message = typeof original?.message === 'string' ? original.message : err.message;
  // A driver's message names the table and column at most; a value would follow a quote.
  return { error: { name: err.name, code, message: message.replace(/'.*$/s, '…').slice(0, 200) } };
}
