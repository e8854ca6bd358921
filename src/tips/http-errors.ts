// Domain errors (TipRuleError, PolicyError) carry a stable `code` and a `status`. The shared
// error boundary reads `status` before `code` for non-AppErrors and would answer BAD_REQUEST,
// so this router-level step turns them into AppErrors first; the boundary then keeps the code.
import type { Context, Next } from 'koa';
import { AppError, isCoded } from '../platform/errors.js';

export function domainErrors() {
  return async (_ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof AppError || !isCoded(err)) throw err;
      const status = typeof err.status === 'number' ? err.status : undefined;
      if (status === undefined || status < 400 || /^(ER_|SQLITE|E[A-Z]+$)/.test(err.code)) throw err;
      throw new AppError(err.code, status, err.message, { expose: status < 500, cause: err });
    }
  };
}
