// GET/POST /staff/login, POST /staff/logout, GET /staff (the start page).
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../platform/errors.js';
import { readForm, seeOther, type WebBase } from '../../web/index.js';
import { login, type AuthDeps } from '../auth.js';
import { assertCookieTransport, sessionToken, setSessionCookie } from '../session-cookie.js';
import { HOME_PATH, LOGIN_PATH, requireStaffPage, safeReturnPath } from './guard.js';
import { menuFor } from './menu.js';

export interface SignInDeps extends AuthDeps {
  web: WebBase;
  cookieSecure: boolean;
}

/** Refusals the form shows beside its fields; anything else goes to the error boundary. */
const SHOWN_ON_FORM = new Set(['LOGIN_FAILED', 'LOGIN_THROTTLED']);

export function signInPages(deps: SignInDeps): Router {
  const router = new Router();
  const { web } = deps;

  const form = (ctx: Context, data: { next?: string | undefined; expired?: boolean; out?: boolean; error?: string; username?: string }) => {
    web.render(ctx, 'login.njk', { title: '登录', ...data });
  };

  router.get(LOGIN_PATH, (ctx) => {
    form(ctx, { next: safeReturnPath(ctx.query.next), expired: ctx.query.expired === '1', out: ctx.query.out === '1' });
  });

  router.post(LOGIN_PATH, async (ctx) => {
    ctx.state.htmlPage = true;
    const fields = await readForm(ctx, web.csrf, 16 * 1024);
    const next = safeReturnPath(fields.next);
    const username = (fields.username ?? '').trim();
    const password = fields.password ?? '';
    if (username === '' || password === '') {
      ctx.status = 400;
      form(ctx, { next, username, error: '请填写用户名和密码' });
      return;
    }
    assertCookieTransport(ctx, deps.cookieSecure);
    try {
      const previous = sessionToken(ctx, deps.sessions);
      const { staff, token, expiresAt } = await login(deps, username, password, ctx.ip);
      // A new session id at every sign-in; the one this browser had before is ended.
      if (previous) await deps.sessions.revoke(previous);
      setSessionCookie(ctx, token, deps.cookieSecure, expiresAt);
      ctx.state.log.info({ staffId: staff.id }, 'staff signed in (console)');
      seeOther(ctx, next ?? HOME_PATH);
    } catch (err) {
      if (!(err instanceof AppError) || !SHOWN_ON_FORM.has(err.code)) throw err;
      ctx.status = err.status;
      form(ctx, { next, username, error: err.message });
    }
  });

  router.post('/staff/logout', async (ctx) => {
    ctx.state.htmlPage = true;
    await readForm(ctx, web.csrf, 4 * 1024);
    assertCookieTransport(ctx, deps.cookieSecure);
    const token = sessionToken(ctx, deps.sessions);
    if (token) await deps.sessions.revoke(token);
    setSessionCookie(ctx, null, deps.cookieSecure);
    seeOther(ctx, `${LOGIN_PATH}?out=1`);
  });

  router.get(HOME_PATH, requireStaffPage(deps), (ctx) => {
    const staff = ctx.state.staff;
    const first = staff ? menuFor(staff, ctx.path).find((m) => m.href !== HOME_PATH) : undefined;
    if (first) {
      ctx.redirect(first.href);
      return;
    }
    web.render(ctx, 'home.njk', { title: '工作台' });
  });

  return router;
}
