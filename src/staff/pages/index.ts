// The staff console's page routers, in mount order. Each section is its own router over the same
// services and policy as the JSON API.
import path from 'node:path';
import type Router from '@koa/router';
import type { AppConfig } from '../../config/index.js';
import { createWebBase, type WebBase } from '../../web/index.js';
import { PROJECT_ROOT } from '../../web/paths.js';
import { staffPageContext } from './menu.js';
import type { TipService } from '../../tips/service.js';
import type { ReadDeps } from '../../tips/reads.js';
import type { QueueDeps } from '../../tips/queue.js';
import { signInPages, type SignInDeps } from './sign-in.js';


/** The console's templates, searched after the web base's own. */
export const STAFF_VIEWS = path.join(PROJECT_ROOT, 'src/staff/views');

/** Where the console's forms post: the CSRF guard accepts form bodies only here. */
export const CONSOLE_PREFIX = '/staff/';

/** Everything the console's sections need: the same services and reads as the JSON API. */
export interface StaffPageDeps extends SignInDeps {
  config: AppConfig;
  service: TipService;
  reads: ReadDeps;
  queue: QueueDeps;
}

export function staffPages(deps: StaffPageDeps): Router[] {
  return [
    signInPages(deps),
  ];
}

/** The web base with the console's templates and menu (articles and alerts add their folders here). */
export function consoleWebBase(config: AppConfig): WebBase {
  return createWebBase({
    viewDirs: [STAFF_VIEWS],
    secret: config.tips.identityHashKey,
    cookieSecure: config.staff.cookieSecure,
    watch: config.env === 'development',
    pageContext: staffPageContext,
  });
}
