// The tips module: built once by the boot sequence (compose.ts) and handed its collaborators.
// It owns the tip record, the queue, the staff API over tips and the citizen's TipDesk; the
// console's tip pages (src/staff) are built by compose.ts from its `console` parts.
import { resealStoredTexts, type ResealReport } from './reseal.js';
import type Router from '@koa/router';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { TipAnnouncer, TipDesk } from '../bot/ports.js';
import type { WechatClient } from '../wechat/index.js';
import { attentionLookup } from '../staff/pages/attention.js';
import type { SessionStore } from '../staff/sessions.js';
import type { TipConsole } from '../staff/index.js';
import { createAnnouncer } from './announcer.js';
import { holidayTableCovers } from './rules/working-days.js';
import { dayKey, shanghaiDay } from '../platform/beijing-time.js';

const beijingYear = (d: Date) => Number(dayKey(shanghaiDay(d)).slice(0, 4));
import { createDesk } from './desk.js';
import type { IdentityVault } from './identity.js';
import type { SharedStore } from '../platform/shared-store.js';
import { createNoticeCenter, type TextSender } from './notices.js';
import { createTipRepository } from './repository.js';
import { tipsRouter } from './routes.js';
import { createTipService } from './service.js';
import { closeUnratedAnswers } from './auto-close.js';
import { copyDueMedia } from './media-copy.js';

export interface TipsModuleDeps {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  wechat: WechatClient;
  /** State every instance shares (the login throttle's counters). */
  state: SharedStore;
  vault: IdentityVault;
  /** Staff sessions (src/staff): the staff API over tips checks them. */
  sessions: SessionStore;
}

export interface TipsModule {
  desk: TipDesk;
  announcer: TipAnnouncer;
  /** The staff API over tips. */
  routers: Router[];
  /** What the console's tip pages work through (src/staff builds them). */
  console: TipConsole;
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
  /**
   * Copies the photos and voice of tips from WeChat's temporary media into the database, those
   * due (new, or waiting for another try). Run after each such tip and every minute by the web
   * server; one run at a time per process. Resolves with how many were copied.
   */
  copyMedia(): Promise<number>;
  /** Resolves once no citizen notice is being pushed (tests; shutdown). */
  idle(): Promise<void>;
  /** Waits for citizen notices still being sent. */
  close(): Promise<void>;
}

export function createTipsModule(deps: TipsModuleDeps): TipsModule {
  const { config, logger, db } = deps;
  const log = logger.child({ module: 'tips' });
  const holidays = config.holidays;
  // Working days past the holiday table's last year miss 春节, 清明, 端午, 中秋 and every 调休.
  for (const ahead of [0, 120]) {
    const day = new Date(Date.now() + ahead * 86_400_000);
    if (!holidayTableCovers(holidays, day)) {
      log.warn({ year: beijingYear(day) }, 'config/holidays.json lists no day of this year: add the State Council\'s holiday notice (docs/operations.md)');
    }
  }
  const { vault } = deps;
  const repo = createTipRepository(db);
  const notices = createNoticeCenter({
    models: repo.models, vault, wechat: deps.wechat, templateId: config.wechat.templates.tipStatus, logger: log, state: deps.state,
  });
  const announcer = createAnnouncer(repo);
  // One run at a time; a tip committed during a run gets another run right after it.
  let copying: Promise<number> | undefined;
  let again = false;
  let stopping = false;
  const copyDeps = { models: repo.models, wechat: deps.wechat, logger: log, stopping: () => stopping };
  const copyMedia = (): Promise<number> => {
    if (copying) {
      again = true;
      return copying;
    }
    copying = (async () => {
      let copied = 0;
      do {
        again = false;
        copied += await copyDueMedia(copyDeps);
      } while (again && !stopping);
      return copied;
    })().finally(() => { copying = undefined; });
    return copying;
  };
  const mediaQueued = () => void copyMedia().catch((err: unknown) => log.error({ err }, 'copying tip media failed'));
  const desk = createDesk({ db, repo, vault, notices, holidays, metrics: deps.metrics, logger: log, state: deps.state, mediaQueued });
  const serviceDeps = { db, repo, notices, holidays, answerHoldMinutes: config.tips.answerHoldMinutes };
  const service = createTipService(serviceDeps);

  const reads = { ...serviceDeps, vault };
  const queue = { ...serviceDeps, leaseMinutes: config.tips.leaseMinutes };

  return {
    desk,
    announcer,
    routers: [tipsRouter({ sessions: deps.sessions, service, reads, queue })],
    console: { service, reads, queue, attention: attentionLookup(repo) },
    async sweep(now = new Date()) {
      return { autoClosed: await closeUnratedAnswers({ ...serviceDeps, logger: log }, now) };
    },
    sendDueNotices() {
      return notices.sendDue();
    },
    copyMedia,
    reseal(opts = {}) {
      return resealStoredTexts({ db, models: repo.models, vault, logger: log }, opts);
    },
    registerNoticeSender(channel, sender) {
      notices.registerSender(channel, sender);
    },
    async idle() {
      await notices.idle();
      await copying?.catch(() => undefined);
    },
    async close() {
      notices.stop();
      stopping = true;
      await notices.idle();
      await copying?.catch(() => undefined);
    },
  };
}

export type { TextSender as NoticeSender } from './notices.js';
