// What every HTML page of ours carries: a Content-Security-Policy with no inline script or style,
// headers that keep pages out of frames and caches, and the CSRF token of its forms.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';

/**
 * Scripts and styles only from our own hashed files; images also as data: URLs (map tiles and
 * charts are ours too). No frames, no plug-ins, forms post only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The tip page plays a citizen's voice from the bytes it fetched (a blob: URL, src/web/assets/app.js).
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers for every HTML answer: the CSP, never framed, and never cached unless the route said
 * how (staff pages show personal data; public pages set their own Cache-Control).
 */
export function pageHeaders() {
  return async (ctx: Context, next: Next) => {
    await next();
    if (!ctx.response.is('html')) return;
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'same-origin');
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}

export const CSRF_COOKIE = 'pasm_csrf';
/** The hidden field every form posts. */
export const CSRF_FIELD = '_csrf';

export interface CsrfTokens {
  /** The token for this browser's forms; sets the cookie it is bound to when there is none yet. */
  issue(ctx: Context): string;
  /** True when `token` was issued for this browser's cookie. */
  verify(ctx: Context, token: string | undefined): boolean;
}

/**
 * Synchroniser tokens bound to a random per-browser cookie (HttpOnly, SameSite=Strict): the token
 * is an HMAC of the cookie under a server key, so a sibling subdomain that can plant a cookie still
 * cannot make a matching token, and another site can read neither.
 */
export function csrfTokens(key: Buffer, cookieSecure: boolean): CsrfTokens {
  const tokenOf = (cookie: string) => createHmac('sha256', key).update(cookie).digest('base64url');
  const cookieOf = (ctx: Context) => {
    const v = ctx.cookies.get(CSRF_COOKIE);
    return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
  };
  return {
    issue(ctx) {
      let cookie = cookieOf(ctx);
      if (!cookie) {
        cookie = randomBytes(32).toString('base64url');
        ctx.cookies.set(CSRF_COOKIE, cookie, { httpOnly: true, sameSite: 'strict', secure: cookieSecure, path: '/', overwrite: true });
      }
      return tokenOf(cookie);
    },
    verify(ctx, token) {
      const cookie = cookieOf(ctx);
      if (!cookie || !token) return false;
      const want = Buffer.from(tokenOf(cookie));
      const got = Buffer.from(token);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}
