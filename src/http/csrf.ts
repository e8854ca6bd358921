// Cross-site request forgery, beyond the SameSite=Strict session cookie (which a sibling
// subdomain, same site but another origin, still receives). Every state-changing request (the
// staff API; the health routes are GET) must:
//   1. come from the configured public origin (PUBLIC_ORIGIN): `Origin`, or `Referer` when there
//      is no Origin, must name it; `Origin: null` (sandboxed frames, opaque redirects) never does;
//   2. carry a JSON body (Content-Type application/json, also when the body is empty): a page on
//      another origin can send a form or text/plain without asking, but JSON only after a CORS
//      preflight, which this server never grants. The console's pages (under `formPrefixes`)
//      post forms instead (urlencoded, or multipart for a file); their routes refuse a form
//      without the page's CSRF token (src/web/forms.ts, src/articles/pages/images.ts), so those
//      posts get both checks.
//
// A request with no Origin, no Referer and no Sec-Fetch-Site is accepted when its body is JSON:
// that is not a browser (curl, scripts, the bench client), and CSRF needs a victim's browser.
// Every browser in use sends Origin on every POST, PUT, PATCH and DELETE, same-origin or not
// (Fetch standard, "append a request Origin header"), and Sec-Fetch-Site on every request, so a
// browser request cannot take this path; one that shows Sec-Fetch-Site but neither Origin nor
// Referer is refused. This is the rule of Go's http.CrossOriginProtection. Refusing header-less
// requests would add no protection against forgery and would break non-browser clients.
//
// The check runs once, in front of every router (src/app.ts), not on each route: a prefix test
// could be dodged by the router's case-insensitive matching (/API/STAFF/…), and a router added
// later is covered without anyone remembering it.
import type { Context, Next } from 'koa';
import { AppError } from '../platform/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Bodies of the console's forms: fields, and files (the article editor's image upload). Both are
 * types another site can send without a preflight, so both need the page's token as well.
 */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/** The route label of a refused request: refused before routing, never the raw path (unbounded). */
export const CSRF_REFUSED_ROUTE = 'csrf_refused';

const originMismatch = () => new AppError('ORIGIN_MISMATCH', 403, '请求来源与本站不符，已拒绝');
const originRequired = () => new AppError('ORIGIN_REQUIRED', 403, '请求缺少来源（Origin），已拒绝');
const notJson = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '请求体必须是 JSON（Content-Type: application/json）');

/** Under one of the page prefixes (`/staff/`), in any case, as the router matches. */
function isFormPath(path: string, prefixes: readonly string[]): boolean {
  const p = path.toLowerCase();
  return prefixes.some((prefix) => p.startsWith(prefix.toLowerCase()));
}

/** The origin a Referer names, or undefined when it is not a URL. */
function refererOrigin(referer: string): string | undefined {
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** Why a request fails the origin rule, or undefined when it passes. */
function originProblem(ctx: Context, publicOrigin: string | undefined): AppError | undefined {
  const origin = ctx.get('origin');
  if (origin !== '') return origin === publicOrigin ? undefined : originMismatch();
  const referer = ctx.get('referer');
  if (referer !== '') return refererOrigin(referer) === publicOrigin && publicOrigin !== undefined ? undefined : originMismatch();
  // Neither header: a browser (it sends Sec-Fetch-Site) is refused; anything else is no browser.
  return ctx.get('sec-fetch-site') === '' ? undefined : originRequired();
}

/**
 * Refuses a state-changing request from another origin (403 ORIGIN_MISMATCH / ORIGIN_REQUIRED)
 * or without a JSON content type (415 UNSUPPORTED_MEDIA_TYPE), before any handler or body read.
 * `publicOrigin` is config `publicOrigin` (already reduced to scheme://host[:port]); without one,
 * no Origin matches (fail closed).
 */
export function csrfGuard(publicOrigin: string | undefined, exemptPaths: readonly string[] = [], formPrefixes: readonly string[] = []) {
  // Exempt: endpoints that no browser session can reach with effect (the WeChat webhook: no
  // cookie is read there, every request is signed). Compared as the router matches: any case,
  // with or without a trailing slash.
  const exempt = new Set(exemptPaths.map((p) => p.toLowerCase()));
  return async (ctx: Context, next: Next) => {
    if (!SAFE_METHODS.has(ctx.method) && !exempt.has(ctx.path.toLowerCase().replace(/(.)\/$/, '$1'))) {
      // Pages post forms; their routes check the form's CSRF token (src/web/forms.ts) on top of
      // the origin rule here.
      const type = ctx.request.type.trim().toLowerCase();
      const bodyOk = type === 'application/json' || (FORM_TYPES.has(type) && isFormPath(ctx.path, formPrefixes));
      const problem = originProblem(ctx, publicOrigin) ?? (bodyOk ? undefined : notJson());
      if (problem) {
        (ctx as Context & { _matchedRoute?: string })._matchedRoute = CSRF_REFUSED_ROUTE;
        throw problem;
      }
    }
    await next();
  };
}
