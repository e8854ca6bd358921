// GET/POST /staff/password: a member replaces their own password. Also where the guard sends a
// member whose password an admin chose, until they have set their own.
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, unauthorized } from '../../platform/errors.js';
import { readForm, seeOther, type WebBase } from '../../web/index.js';
import { changeOwnPassword } from '../accounts.js';
import type { AuthDeps } from '../auth.js';
import { MIN_PASSWORD_LENGTH } from '../passwords.js';
import { assertCookieTransport, setSessionCookie } from '../session-cookie.js';
import { HOME_PATH, PASSWORD_PATH, requireStaffPage, setFlash } from './guard.js';

export interface PasswordPageDeps extends AuthDeps {
  web: WebBase;
  cookieSecure: boolean;
}

/** Refusals the form shows above its fields; anything else goes to the error boundary. */
const SHOWN_ON_FORM = new Set(['PASSWORD_TOO_SHORT', 'PASSWORD_WRONG', 'PASSWORD_REUSED', 'PASSWORD_THROTTLED']);

export function passwordPages(deps: PasswordPageDeps): Router {
  const router = new Router();
  const { web } = deps;

  // Passwords are never put back into the form: the member types them again.
  const form = (ctx: Context, error?: string) => {
    const forced = ctx.state.staff?.mustChangePassword === true;
    web.render(ctx, 'password.njk', { title: '修改密码', forced, error, minLength: MIN_PASSWORD_LENGTH });
  };

  router.get(PASSWORD_PATH, requireStaffPage(deps), (ctx) => { form(ctx); });

  router.post(PASSWORD_PATH, requireStaffPage(deps), async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 4 * 1024);
    const staff = ctx.state.staff;
    if (!staff) throw unauthorized();
    const current = fields.current ?? '';
    const next = fields.password ?? '';
    const again = fields.again ?? '';
    const refuse = (status: number, message: string) => {
      ctx.status = status;
      form(ctx, message);
    };
    if (current === '' || next === '' || again === '') return refuse(400, '请把三个密码框都填上');
    if (next !== again) return refuse(400, '两次输入的新密码不一样，请重新输入');
    assertCookieTransport(ctx, deps.cookieSecure);
    // Guessing the current password from a borrowed session counts against the same throttle as
    // guessing it at sign-in (login() keys it the same way), and as there the attempt is counted
    // before the check: only a wrong current password keeps it.
    const userKey = `user:${staff.username}`;
    try {
      if (!(await deps.throttle.take(userKey))) throw new AppError('PASSWORD_THROTTLED', 429, '输错次数过多，请稍后再试');
      try {
        await changeOwnPassword(deps.models, staff.id, current, next, { passwordCost: deps.passwordCost });
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'PASSWORD_WRONG')) await deps.throttle.giveBack(userKey);
        throw err;
      }
      await deps.throttle.giveBack(userKey);
    } catch (err) {
      if (!(err instanceof AppError) || !SHOWN_ON_FORM.has(err.code)) throw err;
      return refuse(err.status, err.message);
    }
    // Every session that knew the old password ends, this one too; the browser gets a new id.
    await deps.sessions.revokeAll(staff.id);
    const { token, expiresAt } = await deps.sessions.create(staff.id);
    setSessionCookie(ctx, token, deps.cookieSecure, expiresAt);
    ctx.state.log.info({ staffId: staff.id, action: 'password.change' }, 'staff changed own password');
    setFlash(ctx, 'password-changed');
    seeOther(ctx, HOME_PATH);
  });

  return router;
}
