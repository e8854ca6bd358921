import type { Migration } from '../migrate.js';
import { unitsMigration } from './001-units.js';
import { staffMigration } from './002-staff.js';
import { tipsMigration } from './003-tips.js';
import { tipEventsAppendOnlyMigration } from './004-tip-events-append-only.js';
import { tipNoticesWaitingMigration } from './005-tip-notices-waiting.js';
import { tipsHotPathIndexesMigration } from './006-tips-hot-path-indexes.js';
import { staffCanonicalUsernamesMigration } from './007-staff-canonical-usernames.js';
import { tipsTextsVersionMigration } from './008-tips-texts-version.js';
import { sharedStateMigration } from './009-shared-state.js';
import { staffPasswordChangeMigration } from './010-staff-password-change.js';
import { noticeNotBeforeMigration } from './011-notice-not-before.js';
import { articlesMigration } from './012-articles.js';
import { articleSearchMigration } from './013-article-search.js';
import { articleWechatMigration } from './014-article-wechat.js';
import { articleImagesMigration } from './015-article-images.js';
import { followersMigration } from './016-followers.js';
import { alertsMigration } from './017-alerts.js';
import { alertPushMigration } from './018-alert-push.js';
import { scamReportsMigration } from './019-scam-reports.js';
import { alertPushPaceMigration } from './020-alert-push-pace.js';
import { scamReportReviewMigration } from './021-scam-report-review.js';
import { followerImportMigration } from './022-follower-import.js';
import { tipsSealedMediumMigration } from './023-tips-sealed-medium.js';
import { tipMediaMigration } from './024-tip-media.js';
import { scamReportsCardsMigration } from './025-scam-reports-cards.js';
import { pushMassMaybeSentMigration } from './026-push-mass-maybe-sent.js';
import { staffSessionIdleMigration } from './027-staff-session-idle.js';
import { articleImageUsesMigration } from './028-article-image-uses.js';
import { tipAdditionsUnseenMigration } from './029-tip-additions-unseen.js';

// Append new migrations at the end; never edit or reorder one that has shipped.
export const migrations: Migration[] = [
  unitsMigration,
  staffMigration,
  tipsMigration,
  tipEventsAppendOnlyMigration,
  tipNoticesWaitingMigration,
  tipsHotPathIndexesMigration,
  staffCanonicalUsernamesMigration,
  tipsTextsVersionMigration,
  sharedStateMigration,
  staffPasswordChangeMigration,
  noticeNotBeforeMigration,
  articlesMigration,
  articleSearchMigration,
  articleWechatMigration,
  articleImagesMigration,
  followersMigration,
  alertsMigration,
  alertPushMigration,
  scamReportsMigration,
  alertPushPaceMigration,
  scamReportReviewMigration,
  followerImportMigration,
  tipsSealedMediumMigration,
  tipMediaMigration,
  scamReportsCardsMigration,
  pushMassMaybeSentMigration,
  staffSessionIdleMigration,
  articleImageUsesMigration,
  tipAdditionsUnseenMigration,
];
