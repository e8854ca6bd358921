// The web base every HTML page builds on (staff console, articles, alerts): templates, hashed
// assets, security headers, CSRF tokens, and one way to render a page.
import { createHmac } from 'node:crypto';
import type { Context } from 'koa';
import { loadAssets, type Assets } from './assets.js';
import { WEB_ASSETS, WEB_VIEWS } from './paths.js';
import { csrfTokens, type CsrfTokens } from './security.js';
import { createViews, type Views } from './views.js';
import type { AppError } from '../platform/errors.js';

export { readForm, seeOther, type FormFields } from './forms.js';
export { pageHeaders, CSRF_FIELD, type CsrfTokens } from './security.js';
export type { Views } from './views.js';

declare module 'koa' {
  interface DefaultState {
    /** Set by page routers: the error boundary answers with an HTML page, not JSON. */
    htmlPage?: boolean;
  }
}

export interface WebBase {
  views: Views;
  assets: Assets;
  csrf: CsrfTokens;
  /** Renders `template` as the response, with what every page needs (CSRF token, signed-in staff, path). */
  render(ctx: Context, template: string, data?: Record<string, unknown>): void;
  /** The HTML error page for the error boundary. */
  errorPage(ctx: Context, err: AppError): void;
}

export interface WebBaseOptions {
  /** Template folders besides the base's own, searched in order (e.g. src/staff/views). */
  viewDirs: readonly string[];
  /** Secret the CSRF tokens are derived from (config tips.identityHashKey, under its own label). */
  secret: string;
  cookieSecure: boolean;
  /** Re-read templates on every render (development). */
  watch?: boolean;
  /** More values for every page (the staff console's menu for the signed-in role). */
  pageContext?: (ctx: Context) => Record<string, unknown>;
}

export function createWebBase(opts: WebBaseOptions): WebBase {
  const assets = loadAssets(WEB_ASSETS);
  const views = createViews({ dirs: [WEB_VIEWS, ...opts.viewDirs], assets, watch: opts.watch ?? false });
  // A key of its own for CSRF tokens, derived so that operators manage one secret fewer.
  const csrf = csrfTokens(createHmac('sha256', opts.secret).update('pingan-sanming csrf token key v1').digest(), opts.cookieSecure);
  const render = (ctx: Context, template: string, data: Record<string, unknown> = {}) => {
    ctx.state.htmlPage = true;
    ctx.type = 'text/html; charset=utf-8';
    const common = { csrfToken: csrf.issue(ctx), staff: ctx.state.staff, currentPath: ctx.path, ...opts.pageContext?.(ctx) };
    // A page's own value wins, but an absent one (undefined) leaves the common one (e.g. a flash).
    const own = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    ctx.body = views.render(template, { ...common, ...own });
  };
  return {
    views,
    assets,
    csrf,
    render,
    errorPage(ctx, err) {
      const status = err.status;
      const message = err.expose ? err.message : '系统出了点问题，请稍后再试。如情况紧急，请电话联系值班人员。';
      // What was wrong, as the fields' own messages (an address typed or edited by hand): never
      // the field names, which are the code's words.
      const details = err.expose ? [...new Set((err.fields ?? []).map((f) => f.message))].filter((d) => d !== message) : [];
      render(ctx, 'error.njk', { status, code: err.code, message, details, title: status === 404 ? '没有找到' : status === 403 ? '无法操作' : '出错了' });
      ctx.status = status;
    },
  };
}
