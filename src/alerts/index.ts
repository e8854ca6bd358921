// The alerts module: built once by the boot sequence (compose.ts) and handed its collaborators.
// It owns the alert record, its revisions and events (on the article rules), the public alert
// pages and JSON, the staff API and pages (with the pushes of published alerts, through the push
// module handed in), what the chat reads of current alerts (AlertBoard), and the citizens'
// reports of scam identifiers (ScamReportDesk, reports/).
import type Router from '@koa/router';
import { createHtmlCache, type ArticleHtmlCache } from '../articles/cache.js';
import { staffNameLookup } from '../articles/pages/index.js';
import type { AlertBoard } from '../bot/ports.js';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { SessionStore } from '../staff/sessions.js';
import type { IdentityVault } from '../tips/identity.js';
import type { WebBase } from '../web/index.js';
import { alertBoard } from './board.js';
import { loadCounties } from './followers/counties.js';
import { defineAlertModels } from './models.js';
import { alertsPublicRouter } from './pages.js';
import { alertNames, type AlertNames } from './present.js';
import { createPushDesk, type AlertPushLink, type PushDesk } from './push-desk.js';
import { createScamReports, type ScamReports } from './reports/service.js';
import { createAlertRepository, type AlertRepository } from './repository.js';
import { alertsStaffRouter } from './routes.js';
import { createAlertService, type AlertPushStarter, type AlertWithdrawnHook, type AlertService } from './service.js';
import { alertStaffPages } from './staff-pages.js';
import type { CountyName } from './types.js';

export interface AlertsModuleDeps {
  config: AppConfig;
  logger: Logger;
  db: Database;
  web: WebBase;
  /** The staff sessions the staff API checks (the same as the articles API). */
  sessions: SessionStore;
  /** Pseudonymises the citizens who report scam identifiers (`citizenHash`); never their openid. */
  vault: Pick<IdentityVault, 'citizenHash'>;
  /**
   * Records the push of an alert being published to its followers (src/alerts/push), inside the
   * publication's transaction. Called once per publication (a re-publication after 撤下 calls it
   * again) with the alert as published and the channels the publisher picked; it must only record
   * the push (the workers list the recipients and send). A refusal undoes the publication and
   * reaches the publisher. Absent: publishing does not push.
   */
  startPush?: AlertPushStarter;
  /** Stops the pushes of a just-withdrawn alert (after the 撤下 is committed); a failure is logged. */
  onWithdrawn?: AlertWithdrawnHook;
  /**
   * The push module as staff see it (progress, pause, resume, cancel; the quota and the reach of
   * a region), and what a publication's channels are checked against before publishing. Absent:
   * no channel is checked and the staff API and pages show no pushes.
   */
  push?: AlertPushLink;
  /** Sanming's counties; defaults to content/sanming-divisions.json. */
  counties?: readonly CountyName[];
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface AlertsModule {
  service: AlertService;
  repo: AlertRepository;
  /** Rendered alert bodies (the articles' renderer and cache, an instance for alerts). */
  cache: ArticleHtmlCache;
  names: AlertNames;
  /** The staff API (/api/staff/alerts…), the staff pages (/staff/alerts…) and the public pages (/alerts…, /api/alerts…). */
  routers: Router[];
  /** The pushes as staff see them (absent without `push`). */
  desk: PushDesk | undefined;
  /** What the chat reads: the current alerts, the citizen's county first (the bot's port). */
  board: AlertBoard;
  /** Citizens' reports of scam identifiers (the bot's ScamReportDesk port), staff's review of them, the retention purge. */
  reports: ScamReports;
  close(): void;
}

/** Expired alerts on one page of the public list. */
const EXPIRED_PAGE_SIZE = 20;

export function createAlertsModule(deps: AlertsModuleDeps): AlertsModule {
  const { config, db } = deps;
  const logger = deps.logger.child({ module: 'alerts' });
  const now = deps.now ?? (() => new Date());
  const counties = deps.counties ?? loadCounties();
  const names = alertNames(counties);
  const repo = createAlertRepository(defineAlertModels(db.sequelize));
  const cache = createHtmlCache();
  // The article rules' setting: a small team lets an editor publish what they wrote, for both.
  const options = { selfPublish: config.articles.selfPublish };
  const desk = deps.push ? createPushDesk(deps.push, names, config.wechat.templates.alert) : undefined;
  const service = createAlertService({
    db, repo, cache, options, logger, now, ...(deps.startPush ? { startPush: deps.startPush } : {}), ...(deps.onWithdrawn ? { onWithdrawn: deps.onWithdrawn } : {}),
    ...(desk ? { checkChannels: (alert, channels) => desk.assertChannels(alert, channels) } : {}),
  });
  const reports = createScamReports({
    db, logger, options, now, threshold: config.alerts.reportThreshold,
    dailyLimit: config.alerts.reportDailyLimit, retentionDays: config.alerts.reportRetentionDays,
    // A name of its own in the hash: a reporter cannot be joined with their tips (reporter_hash).
    citizenHash: (c) => deps.vault.citizenHash(`scam_report:${c.channel}`, c.id),
  });
  const routers = [
    alertsStaffRouter({ sessions: deps.sessions, service, reports, cache, options, names, counties, now, desk }),
    alertStaffPages({
      web: deps.web, sessions: deps.sessions, service, reports, options, names, counties, desk,
      staffNames: staffNameLookup(db), origin: config.publicOrigin, now,
    }),
    alertsPublicRouter({ views: deps.web.views, repo, cache, names, origin: config.publicOrigin, pageSize: EXPIRED_PAGE_SIZE, now }),
  ];
  return {
    service, repo, cache, names, routers, reports, desk,
    board: alertBoard(repo, names, config.publicOrigin, now),
    close: () => cache.close(),
  };
}

export type { AlertPublication, AlertPushStarter } from './service.js';
export type { AlertPushLink } from './push-desk.js';
export type { Alert, AlertContent, AlertSeverity } from './types.js';
