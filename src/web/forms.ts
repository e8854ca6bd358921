// Form posts (application/x-www-form-urlencoded) of the server-rendered pages: every action works
// without JavaScript. Each post must carry the CSRF token of its page.
import type { Context } from 'koa';
import { readText } from '../http/body.js';
import { AppError, badRequest } from '../platform/errors.js';
import { CSRF_FIELD, type CsrfTokens } from './security.js';

export type FormFields = Record<string, string>;

/** The posted fields (the first value of a repeated name), after the CSRF check. */
export async function readForm(ctx: Context, csrf: CsrfTokens, limit = 64 * 1024): Promise<FormFields> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw badRequest('UNSUPPORTED_MEDIA_TYPE', '请通过页面上的表单提交');
  const params = new URLSearchParams(await readText(ctx, limit));
  const fields: FormFields = {};
  for (const [k, v] of params) if (!(k in fields)) fields[k] = v;
  if (!csrf.verify(ctx, fields[CSRF_FIELD])) {
    throw new AppError('CSRF_TOKEN_INVALID', 403, '页面已过期或来源不明，请刷新页面后重新提交');
  }
  return fields;
}

/** Post/Redirect/Get: 303 makes the browser GET `to`, whatever the method of this request. */
export function seeOther(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}
