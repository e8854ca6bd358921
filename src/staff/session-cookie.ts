import type { Context } from 'koa';
import { AppError } from '../platform/errors.js';
import type { StaffPrincipal } from './accounts.js';
import { BACKGROUND_HEADER, sessionCookieName, type SessionStore } from './sessions.js';

/** The session token this browser sent, in the cookie this store's sessions use. */
export const sessionToken = (ctx: Context, sessions: SessionStore): string | undefined => ctx.cookies.get(sessions.cookieName);

/**
 * The request's session token and its live member, for the API and the pages alike. A page's own
 * periodic fetch (BACKGROUND_HEADER) finds the member without counting as use of the session.
 */
export async function sessionOf(ctx: Context, sessions: SessionStore): Promise<{ token?: string; staff?: StaffPrincipal }> {
  const token = sessionToken(ctx, sessions);
  if (!token) return {};
  const staff = await sessions.lookup(token, { background: ctx.get(BACKGROUND_HEADER) === '1' });
  return staff ? { token, staff } : { token };
}

/** The session cookie, as the API and the pages set it: HttpOnly, SameSite=Strict, Secure (and `__Host-`) when configured. */
export function setSessionCookie(ctx: Context, value: string | null, secure: boolean, expires?: Date): void {
  ctx.cookies.set(sessionCookieName(secure), value, {
    httpOnly: true, sameSite: 'strict', secure, path: '/', overwrite: true,
    ...(expires ? { expires } : {}),
  });
}

/**
 * A Secure cookie cannot be set on a request Koa does not see as HTTPS (ctx.cookies.set throws).
 * Checked before any session is made, so the misconfiguration is named and leaves no orphan row.
 */
export function assertCookieTransport(ctx: Context, secure: boolean): void {
  if (!secure || ctx.secure) return;
  ctx.state.log.warn('secure session cookie requested over plain HTTP: serve HTTPS, or check STAFF_COOKIE_SECURE');
  throw new AppError('SECURE_COOKIE_OVER_HTTP', 403,
    '会话 Cookie 仅限 HTTPS（STAFF_COOKIE_SECURE=true）：请经 HTTPS 访问（反向代理须受信任并转发 X-Forwarded-Proto: https）；仅开发环境可设 STAFF_COOKIE_SECURE=false');
}
