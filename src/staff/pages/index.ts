// The staff console's page routers, in mount order. Each section is its own router over the same
// services and policy as the JSON API.
import type Router from '@koa/router';
import type { AppConfig } from '../../config/index.js';
import { createWebBase, type WebBase } from '../../web/index.js';
import { besideModule } from '../../web/paths.js';
import { staffPageContext } from './menu.js';
import type { TipService } from '../../tips/service.js';
import type { ReadDeps } from '../../tips/reads.js';
import type { QueueDeps } from '../../tips/queue.js';
import { signInPages, type SignInDeps } from './sign-in.js';
import { dashboardPages } from './dashboard.js';
import { attachmentPages } from './attachments.js';
import type { AttentionLookup } from './attention.js';
import type { WechatClient } from '../../wechat/index.js';
import { queuePages } from './queue.js';
import { tipPages } from './tip.js';
import { passwordPages } from './password.js';
import { accountPages } from './accounts.js';
import { ARTICLE_VIEWS } from '../../articles/paths.js';
import { ALERT_VIEWS } from '../../alerts/paths.js';


/** The console's templates, searched after the web base's own. */
export const STAFF_VIEWS = besideModule(import.meta.url, '../views');

/** Where the console's forms post: the CSRF guard accepts form bodies only here. */
export const CONSOLE_PREFIX = '/staff/';

/** Everything the console's sections need: the same services and reads as the JSON API. */
export interface StaffPageDeps extends SignInDeps {
  config: AppConfig;
  service: TipService;
  reads: ReadDeps;
  queue: QueueDeps;
  /** WeChat's temporary media, for the photos citizens sent. */
  media: Pick<WechatClient, 'mediaGet' | 'mediaDownload'>;
  /** What to put before the user on every page (red tips waiting, new assignments). */
  attention?: AttentionLookup;
}

export function staffPages(deps: StaffPageDeps): Router[] {
  return [
    signInPages(deps),
    dashboardPages(deps),
    queuePages(deps),
    tipPages(deps),
    attachmentPages(deps),
    passwordPages(deps),
    accountPages({ web: deps.web, db: deps.queue.db, models: deps.models, sessions: deps.sessions, attention: deps.attention, passwordCost: deps.passwordCost }),
  ];
}

/** The web base with the console's templates and menu (articles and alerts add their folders here). */
export function consoleWebBase(config: AppConfig): WebBase {
  return createWebBase({
    viewDirs: [STAFF_VIEWS, ARTICLE_VIEWS, ALERT_VIEWS],
    secret: config.tips.identityHashKey,
    cookieSecure: config.staff.cookieSecure,
    watch: config.env === 'development',
    // The message an action left for this page (guard.ts setFlash), unless the page passes its own.
    pageContext: (ctx) => ({ ...staffPageContext(ctx), ...(ctx.state.flash ? { flash: ctx.state.flash } : {}), attention: ctx.state.attention ?? [] }),
  });
}
