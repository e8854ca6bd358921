// POST /api/staff/login, POST /api/staff/logout, GET /api/staff/me.
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../http/body.js';
import { loginSchema, parseInput } from '../tips/validation.js';
import { login, requireStaff, currentStaff, type AuthDeps } from './auth.js';
import { SESSION_COOKIE } from './sessions.js';
import { ROLE_LABELS } from '../tips/types.js';
import { AppError } from '../platform/errors.js';

export interface StaffRouteDeps extends AuthDeps {
  cookieSecure: boolean;
}

export function staffRouter(deps: StaffRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff' });
  const cookie = (ctx: Context, value: string | null, expires?: Date) => {
    ctx.cookies.set(SESSION_COOKIE, value, {
      httpOnly: true, sameSite: 'strict', secure: deps.cookieSecure, path: '/', overwrite: true,
      ...(expires ? { expires } : {}),
    });
  };
  // A Secure cookie cannot be set on a request Koa does not see as HTTPS (ctx.cookies.set throws).
  // Checked before any session is made, so the misconfiguration is named and leaves no orphan row.
  const assertCookieTransport = (ctx: Context) => {
    if (!deps.cookieSecure || ctx.secure) return;
    ctx.state.log.warn('secure session cookie requested over plain HTTP: serve HTTPS, or check STAFF_COOKIE_SECURE');
    throw new AppError('SECURE_COOKIE_OVER_HTTP', 403,
      '会话 Cookie 仅限 HTTPS（STAFF_COOKIE_SECURE=true）：请经 HTTPS 访问（反向代理须受信任并转发 X-Forwarded-Proto: https）；仅开发环境可设 STAFF_COOKIE_SECURE=false');
  };

  router.post('/login', jsonBody(16 * 1024), async (ctx) => {
    const input = parseInput(loginSchema, ctx.request.body);
    assertCookieTransport(ctx);
    const { staff, token, expiresAt } = await login(deps, input.username, input.password, ctx.ip);
    cookie(ctx, token, expiresAt);
    ctx.state.log.info({ staffId: staff.id }, 'staff signed in');
    ctx.body = { staff: { ...staff, roleLabel: ROLE_LABELS[staff.role] }, expiresAt: expiresAt.toISOString() };
  });

  router.post('/logout', jsonBody(1024), async (ctx) => {
    assertCookieTransport(ctx);
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) await deps.sessions.revoke(token);
    cookie(ctx, null);
    ctx.status = 204;
  });

  router.get('/me', requireStaff(deps.sessions), (ctx) => {
    const staff = currentStaff(ctx);
    ctx.body = { staff: { ...staff, roleLabel: ROLE_LABELS[staff.role] } };
  });

  return router;
}
