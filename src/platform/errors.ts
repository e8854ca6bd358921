/**
 * Errors with a stable code. A client sees `message` only when `expose` is true; the code is
 * always sent, so tests and callers branch on codes, never on text.
 */
export interface FieldError { path: string; message: string }

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly fields?: FieldError[];

  constructor(code: string, status: number, message: string, opts: { expose?: boolean; fields?: FieldError[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.expose = opts.expose ?? status < 500;
    if (opts.fields) this.fields = opts.fields;
  }
}

export const badRequest = (code: string, message: string, fields?: FieldError[]) =>
  new AppError(code, 400, message, fields ? { fields } : {});
export const notFound = (code = 'NOT_FOUND', message = '未找到') => new AppError(code, 404, message);
export const forbidden = (code = 'FORBIDDEN', message = '无权执行此操作') => new AppError(code, 403, message);
export const unauthorized = (code = 'UNAUTHENTICATED', message = '请先登录') => new AppError(code, 401, message);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
export const unavailable = (code: string, message: string, cause?: unknown) =>
  new AppError(code, 503, message, { expose: true, cause });

/** Errors from lower layers that carry a stable `code` and a suggested HTTP status. */
export function isCoded(err: unknown): err is Error & { code: string; status?: number } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}
