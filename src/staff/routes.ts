// POST /api/staff/login, POST /api/staff/logout, GET /api/staff/me.
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../http/body.js';
import { loginSchema, parseInput } from '../tips/validation.js';
import { login, requireStaff, currentStaff, type AuthDeps } from './auth.js';
import { ROLE_LABELS } from '../tips/types.js';
import { assertCookieTransport, sessionToken, setSessionCookie } from './session-cookie.js';

export interface StaffRouteDeps extends AuthDeps {
  cookieSecure: boolean;
}

export function staffRouter(deps: StaffRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff' });
  const cookie = (ctx: Context, value: string | null, expires?: Date) => setSessionCookie(ctx, value, deps.cookieSecure, expires);
  const assertTransport = (ctx: Context) => assertCookieTransport(ctx, deps.cookieSecure);

  router.post('/login', jsonBody(16 * 1024), async (ctx) => {
    const input = parseInput(loginSchema, ctx.request.body);
    assertTransport(ctx);
    const { staff, token, expiresAt } = await login(deps, input.username, input.password, ctx.ip);
    cookie(ctx, token, expiresAt);
    ctx.state.log.info({ staffId: staff.id }, 'staff signed in');
    ctx.body = { staff: { ...staff, roleLabel: ROLE_LABELS[staff.role] }, expiresAt: expiresAt.toISOString() };
  });

  router.post('/logout', jsonBody(1024), async (ctx) => {
    assertTransport(ctx);
    const token = sessionToken(ctx, deps.sessions);
    if (token) await deps.sessions.revoke(token);
    cookie(ctx, null);
    ctx.status = 204;
  });

  // Answers a member who must still replace a one-time password: it reports the flag.
  router.get('/me', requireStaff(deps.sessions, { allowPendingPasswordChange: true }), (ctx) => {
    const staff = currentStaff(ctx);
    ctx.body = { staff: { ...staff, roleLabel: ROLE_LABELS[staff.role] } };
  });

  return router;
}
