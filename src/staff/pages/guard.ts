// Who is signed in, for pages: like requireStaff for the API, but a page without a valid session
// sends the browser to the sign-in page, which brings it back where it was.
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { SessionStore } from '../sessions.js';
import { sessionOf } from '../session-cookie.js';
import type { AttentionLookup } from './attention.js';
import { clearFlash, FLASHES, FLASH_COOKIE, isFlashKey, type Flash } from './flash.js';
import { seeOther } from '../../web/index.js';

export { setFlash } from './flash.js';

export const LOGIN_PATH = '/staff/login';
export const HOME_PATH = '/staff';
export const PASSWORD_PATH = '/staff/password';

declare module 'koa' {
  interface DefaultState {
    /** A message left by the action before a redirect, shown once on the next page (flash.ts). */
    flash?: Flash;
  }
}

/**
 * A place inside the console to return to after sign-in, or undefined: only our own paths, so the
 * sign-in page cannot be made to send a user elsewhere (`//evil.example`, `/\evil`).
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!/^\/staff(?:[/?#]|$)/.test(value) || value.includes('//') || value.includes('\\')) return undefined;
  if (value.startsWith(LOGIN_PATH)) return undefined;
  return value;
}

/** Where a request that found no session should come back to after sign-in. */
function returnPathOf(ctx: Context): string {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return safeReturnPath(ctx.originalUrl) ?? HOME_PATH;
  // A form posted after the session ended cannot be replayed: return to the page it was on.
  const referer = ctx.get('referer');
  try {
    const url = new URL(referer);
    if (url.origin === ctx.origin) return safeReturnPath(url.pathname + url.search) ?? HOME_PATH;
  } catch {
    // no usable Referer
  }
  return HOME_PATH;
}

export function loginUrl(next: string, expired: boolean): string {
  const q = new URLSearchParams({ next });
  if (expired) q.set('expired', '1');
  return `${LOGIN_PATH}?${q.toString()}`;
}

/**
 * Loads the session into ctx.state.staff, or redirects to sign-in (303, so a POST becomes a GET).
 * A member whose password someone else chose reaches only the password page until they set their
 * own (logout does not pass through here). The JSON API holds them too (requireStaff: 403
 * PASSWORD_CHANGE_REQUIRED), but for /api/staff/me, which reports the flag.
 */
export function requireStaffPage(deps: { sessions: SessionStore; attention?: AttentionLookup | undefined }) {
  const { sessions } = deps;
  return async (ctx: Context, next: Next) => {
    ctx.state.htmlPage = true;
    const { token, staff } = await sessionOf(ctx, sessions);
    if (!staff) {
      seeOther(ctx, loginUrl(returnPathOf(ctx), Boolean(token)));
      return;
    }
    ctx.state.staff = staff;
    if (staff.mustChangePassword && ctx.path !== PASSWORD_PATH) {
      seeOther(ctx, PASSWORD_PATH);
      return;
    }
    const flash = ctx.cookies.get(FLASH_COOKIE);
    if (isFlashKey(flash)) ctx.state.flash = FLASHES[flash];
    if (deps.attention && ctx.method === 'GET') ctx.state.attention = await deps.attention(staff);
    await next();
    // Kept through a redirect (e.g. /staff on to the first section) until a page has shown it.
    if (flash !== undefined && (ctx.status < 300 || ctx.status >= 400)) {
      clearFlash(ctx);
    }
  };
}

type PageMiddleware = (ctx: Context, next: Next) => Promise<void> | void;

/**
 * Addresses that answer POSTs only can still be opened by GET: the sign-in after a session ended
 * returns to the address it was on (an answer preview, a one-time password, a refused form), or
 * the address is opened in a new tab. They answer with the page `to` names, behind the same
 * `guards` as their POSTs, not with the router's bare English "Method Not Allowed" (and never by
 * doing what the POST does).
 */
export function getOpensPage(router: Router, paths: readonly string[], guards: readonly PageMiddleware[], to: (ctx: Context) => string): void {
  for (const path of paths) router.get(path, ...guards, (ctx: Context) => { seeOther(ctx, to(ctx)); });
}
