// The staff module: accounts, sessions, the login throttle, and the console's pages and API
// around them. Built once by compose.ts; the tips, articles and alerts modules take its sessions,
// and the console's tip pages take the tips module's parts (`TipConsole`).
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { SharedStore } from '../platform/shared-store.js';
import type { WechatClient } from '../wechat/index.js';
import type { WebBase } from '../web/index.js';
import { createStaff, defineStaffModels, type StaffModels } from './accounts.js';
import { LoginThrottle } from './auth.js';
import { requireStaffPage } from './pages/guard.js';
import { staffPages, type StaffPageDeps } from './pages/index.js';
import { staffRouter } from './routes.js';
import { createSessionStore, type SessionStore } from './sessions.js';

/** What the console's tip pages need of the tips module. */
export type TipConsole = Pick<StaffPageDeps, 'service' | 'reads' | 'queue' | 'attention'>;

export interface StaffModuleDeps {
  config: AppConfig;
  logger: Logger;
  db: Database;
  /** The login throttle's counters, shared by every instance. */
  state: SharedStore;
}

export interface StaffModule {
  models: StaffModels;
  sessions: SessionStore;
  /**
   * First start: creates the `admin` account from config staff.adminPassword when set and absent;
   * in development, with no staff at all, one with a generated password, returned to be shown once.
   */
  seed(): Promise<{ generatedAdminPassword?: string }>;
  /** The console's pages (sign-in, tips, accounts, password) and the staff API's login routes. */
  routers(deps: { web: WebBase; tips: TipConsole; media: Pick<WechatClient, 'mediaGet' | 'mediaDownload'> }): Router[];
  /**
   * Mounted after every other router: an address under /staff/ that nothing answered is the
   * console's 404 for a signed-in member (with the menu and 退出, so they do not look signed
   * out), and the sign-in page for anyone else.
   */
  fallbackRouter(): Router;
}

export function createStaffModule(deps: StaffModuleDeps): StaffModule {
  const { config, db } = deps;
  const log = deps.logger.child({ module: 'staff' });
  const models = defineStaffModels(db);
  const sessions = createSessionStore(models, { sessionHours: config.staff.sessionHours, idleMinutes: config.staff.idleMinutes, cookieSecure: config.staff.cookieSecure });
  const throttle = new LoginThrottle({ maxFailures: config.staff.loginMaxFailures, lockMinutes: config.staff.loginLockMinutes, store: deps.state });
  const cookieSecure = config.staff.cookieSecure;
  const passwordCost = config.staff.passwordCost;
  return {
    models,
    sessions,
    async seed() {
      if (await models.Staff.findOne({ where: { username: 'admin' } })) return {};
      if (config.staff.adminPassword) {
        // The password sat in an environment file: it opens the console once, to set one nobody else has read.
        await createStaff(db, models, { username: 'admin', password: config.staff.adminPassword, role: 'admin', displayName: '系统管理员', mustChangePassword: true }, { passwordCost });
        log.info('admin account created from ADMIN_PASSWORD');
        return {};
      }
      if (config.env !== 'development') {
        // Otherwise nobody can sign in to the console, and nothing would say why.
        if ((await models.Staff.count({ where: { role: 'admin', active: true } })) === 0) {
          log.warn('no active admin staff account: set ADMIN_PASSWORD for one start, or create one with staff-add --role admin (docs/operations.md)');
        }
        return {};
      }
      if ((await models.Staff.count()) > 0) return {};
      // A newcomer's first start: an admin to sign in with, its password shown once (never logged).
      const password = randomBytes(12).toString('base64url');
      await createStaff(db, models, { username: 'admin', password, role: 'admin', displayName: '系统管理员', mustChangePassword: true }, { passwordCost });
      log.info('development admin account created; its password was printed once');
      return { generatedAdminPassword: password };
    },
    routers({ web, tips, media }) {
      return [
        ...staffPages({ web, config, models, sessions, throttle, cookieSecure, passwordCost, media, ...tips }),
        staffRouter({ models, sessions, throttle, cookieSecure, passwordCost }),
      ];
    },
    fallbackRouter() {
      const router = new Router();
      router.all('/staff/*rest', requireStaffPage({ sessions }), () => {
        throw new AppError('NOT_FOUND', 404, '没有这个页面');
      });
      return router;
    },
  };
}
