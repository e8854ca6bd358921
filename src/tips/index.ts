// The tips module: built once by the boot sequence (compose.ts) and handed its collaborators.
// It owns the tip record, the queue, the staff API over tips and the citizen's TipDesk.
import { resealStoredTexts, type ResealReport } from './reseal.js';
import type Router from '@koa/router';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { TipAnnouncer, TipDesk } from '../bot/ports.js';
import type { WechatClient } from '../wechat/index.js';
import { createStaff, defineStaffModels } from '../staff/accounts.js';
import { LoginThrottle } from '../staff/auth.js';
import { staffRouter } from '../staff/routes.js';
import { staffPages } from '../staff/pages/index.js';
import { attentionLookup } from '../staff/pages/attention.js';
import type { WebBase } from '../web/index.js';
import { createSessionStore } from '../staff/sessions.js';
import { createAnnouncer } from './announcer.js';
import { createDesk } from './desk.js';
import { randomBytes } from 'node:crypto';
import type { IdentityVault } from './identity.js';
import type { SharedStore } from '../platform/shared-store.js';
import { createNoticeCenter, type TextSender } from './notices.js';
import { createTipRepository } from './repository.js';
import { tipsRouter } from './routes.js';
import { createTipService } from './service.js';
import { closeUnratedAnswers } from './auto-close.js';

export interface TipsModuleDeps {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  wechat: WechatClient;
  /** State every instance shares (the login throttle's counters). */
  state: SharedStore;
  vault: IdentityVault;
  /** The web base the console's pages render with. */
  web: WebBase;
}

export interface TipsModule {
  desk: TipDesk;
  announcer: TipAnnouncer;
  routers: Router[];
  /**
   * First start: creates the `admin` account from config staff.adminPassword when set and absent;
   * in development, with no staff at all, one with a generated password, returned to be shown once.
   */
  seed(): Promise<{ generatedAdminPassword?: string }>;
  /** Masks and seals citizen texts of rows written under an older rule; with `rotate`, re-seals rows under older keys (reseal.ts). */
  reseal(opts?: { rotate?: boolean }): Promise<ResealReport>;
  /** The Wechaty adapter registers how to reach its citizens; until then their notices wait. */
  registerNoticeSender(channel: 'wechaty', sender: TextSender): void;
  /**
   * Periodic upkeep, run by the web server: closes answered tips left unrated past the review
   * window. Returns the codes closed.
   */
  sweep(now?: Date): Promise<{ autoClosed: string[] }>;
  /**
   * Sends held answers whose correction hold is over and that no process has a timer for (the
   * one that queued them stopped). Run every minute by the web server; returns how many went.
   */
  sendDueNotices(): Promise<number>;
  /** Resolves once no citizen notice is being pushed (tests; shutdown). */
  idle(): Promise<void>;
  /** Waits for citizen notices still being sent. */
  close(): Promise<void>;
}

export function createTipsModule(deps: TipsModuleDeps): TipsModule {
  const { config, logger, db } = deps;
  const log = logger.child({ module: 'tips' });
  const holidays = config.holidays;
  const { vault } = deps;
  const repo = createTipRepository(db);
  const notices = createNoticeCenter({
    models: repo.models, vault, wechat: deps.wechat, templateId: config.wechat.templates.tipStatus, logger: log, state: deps.state,
  });
  const announcer = createAnnouncer(repo);
  const desk = createDesk({ db, repo, vault, notices, holidays, metrics: deps.metrics, logger: log, state: deps.state });
  const serviceDeps = { db, repo, notices, holidays, answerHoldMinutes: config.tips.answerHoldMinutes };
  const service = createTipService(serviceDeps);

  const staffModels = defineStaffModels(db);
  const sessions = createSessionStore(staffModels, config.staff.sessionHours);
  const throttle = new LoginThrottle({ maxFailures: config.staff.loginMaxFailures, lockMinutes: config.staff.loginLockMinutes, store: deps.state });

  const reads = { ...serviceDeps, vault };
  const queue = { ...serviceDeps, leaseMinutes: config.tips.leaseMinutes };
  const routers = [
    ...staffPages({ web: deps.web, config, models: staffModels, sessions, throttle, cookieSecure: config.staff.cookieSecure, service, reads, queue, media: deps.wechat, attention: attentionLookup(repo) }),
    staffRouter({ models: staffModels, sessions, throttle, cookieSecure: config.staff.cookieSecure }),
    tipsRouter({ sessions, service, reads, queue }),
  ];

  return {
    desk,
    announcer,
    routers,
    async sweep(now = new Date()) {
      return { autoClosed: await closeUnratedAnswers({ ...serviceDeps, logger: log }, now) };
    },
    sendDueNotices() {
      return notices.sendDue();
    },
    async seed() {
      if (await staffModels.Staff.findOne({ where: { username: 'admin' } })) return {};
      if (config.staff.adminPassword) {
        await createStaff(db, staffModels, { username: 'admin', password: config.staff.adminPassword, role: 'admin', displayName: '系统管理员' });
        log.info('admin account created from ADMIN_PASSWORD');
        return {};
      }
      if (config.env !== 'development' || (await staffModels.Staff.count()) > 0) return {};
      // A newcomer's first start: an admin to sign in with, its password shown once (never logged).
      const password = randomBytes(12).toString('base64url');
      await createStaff(db, staffModels, { username: 'admin', password, role: 'admin', displayName: '系统管理员', mustChangePassword: true });
      log.info('development admin account created; its password was printed once');
      return { generatedAdminPassword: password };
    },
    reseal(opts = {}) {
      return resealStoredTexts({ db, models: repo.models, vault, logger: log }, opts);
    },
    registerNoticeSender(channel, sender) {
      notices.registerSender(channel, sender);
    },
    idle: () => notices.idle(),
    async close() {
      notices.stop();
      await notices.idle();
    },
  };
}

export type { TextSender as NoticeSender } from './notices.js';
