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
    // An error is logged through `safeError` only: a driver's or a client's error carries what it
    // was given (a statement's values, a Redis command's keys, an echoed request body).
    serializers: { err: safeError },
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
 * An error's message as a log may hold it. A driver's or an API's message names what failed first
 * and quotes what it was given after (MariaDB's `Duplicate entry '…'`, WeChat's echoed request):
 * it is cut at the first quote, long digit runs (phones, ID and card numbers) and openid-shaped
 * words are masked, and it is kept short.
 */
export function safeMessage(message: string): string {
  return message
    .replace(/['"`].*$/s, '…')
    .replace(/\d{7,}/g, '#')
    .replace(/\bo[A-Za-z0-9_-]{27}\b/g, '#')
    .slice(0, 300);
}

/** Fields of an error that say what failed and never carry what it was given. */
const SAFE_ERROR_FIELDS = ['code', 'errno', 'syscall', 'status', 'statusCode', 'errcode', 'path', 'local', 'uncertain'] as const;

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

/**
 * The `err` serializer: an error's type, its message by `safeMessage`, its stack frames under that
 * message, the fields in SAFE_ERROR_FIELDS that are plain values, and the same of its causes
 * (`cause`, Sequelize's `original`/`parent`, an aggregate's first errors). Nothing else: not
 * Sequelize's `sql`, `parameters` and `fields`, not ioredis' `command` (the keys and values), not
 * WeChat's `errmsg`.
 */
export function safeError(err: unknown, depth = 0): unknown {
  if (typeof err === 'string') return safeMessage(err);
  if (typeof err !== 'object' || err === null) return err;
  const fields = err as Record<string, unknown>;
  const name = typeof fields.name === 'string' ? fields.name : 'Error';
  const message = safeMessage(typeof fields.message === 'string' ? fields.message : '');
  const out: SafeError = { type: err instanceof Error ? err.constructor.name : 'object', message };
  const stack = typeof fields.stack === 'string' ? fields.stack : '';
  const frames = stack.indexOf('\n    at ');
  if (frames >= 0) out.stack = `${name}: ${message}${stack.slice(frames)}`;
  for (const key of SAFE_ERROR_FIELDS) {
    const v = fields[key];
    if (typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'string') out[key] = safeMessage(v);
  }
  if (depth < 3) {
    for (const key of ['cause', 'original', 'parent'] as const) {
      const inner = fields[key];
      // Sequelize sets `original` and `parent` to the same driver error: said once.
      if (typeof inner === 'object' && inner !== null && !(key === 'parent' && inner === fields.original)) out[key] = safeError(inner, depth + 1);
    }
    const list = fields.errors ?? fields.aggregateErrors;
    if (Array.isArray(list)) out.errors = list.slice(0, 5).map((e) => safeError(e, depth + 1));
  }
  return out;
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
  return { error: { name: err.name, code, message: safeMessage(message).slice(0, 200) } };
}
