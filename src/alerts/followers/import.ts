// The follower import: reads WeChat's whole list of the account's followers (user/get, 10,000
// openids a page) and brings the followers table in line with it, so people who followed before
// the account's events were recorded are reached by a push, and unfollows missed while the
// service was not listening stop counting.
//
// Per page, in statements of at most `batchSize` rows (never one per follower):
//  - a listed openid without a row is inserted: subscribed, county unknown, no interaction;
//  - a listed row marked unsubscribed before this run started is subscribed again;
//  - every listed row gets `listed_at` = the run's start.
// After the last page, and only then, one statement marks unsubscribed the subscribed rows the run
// did not list whose last subscribe and interaction are older than the run's start. Event times
// are WeChat's CreateTime, in whole seconds, so they are compared with the start cut to its second
// (`since`): an event in the run's first second counts as during the run.
//
// Every statement keeps what WeChat's events say after the run began: an unsubscribe that arrives
// during the run is never undone (its time is not before `since`), and a subscribe or a message
// during it keeps the follower. A run that stops early (a WeChat error, a shutdown) keeps what it
// wrote (inserts and returns are true of the list) and marks nobody unsubscribed.
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import type { SharedStore } from '../../platform/shared-store.js';
import { WechatApiError, type WechatClient } from '../../wechat/index.js';
import type { FollowerModels } from './models.js';
import { oneRunAtATime } from './one-run.js';
import { sqlOf } from '../../db/sql.js';

export type ImportClient = Pick<WechatClient, 'userGet'>;

export interface FollowerImportDeps {
  db: Database;
  models: FollowerModels;
  client: ImportClient;
  /** With it, one instance imports at a time (the others skip). */
  store?: SharedStore;
  logger: Logger;
  clock?: () => Date;
  /** Rows per INSERT or UPDATE statement (default 1000). */
  batchSize?: number;
}

export interface FollowerImportReport {
  /** Openids WeChat listed. */
  listed: number;
  /** Followers new to the table. */
  inserted: number;
  /** Rows marked unsubscribed that WeChat listed: subscribed again. */
  resubscribed: number;
  /** Subscribed rows WeChat did not list: marked unsubscribed (a complete run only). */
  unsubscribed: number;
  /** user/get calls answered. */
  pages: number;
  /** The run read every page (only then is anyone marked unsubscribed). */
  complete: boolean;
  /** The WeChat error the run stopped at, if any. */
  stoppedAt: { errcode: number } | null;
}

export const IMPORT_BATCH = 1000;
const LOCK_KEY = 'alerts:follower-import';
/** 200,000 followers take a minute or two; a run past the lock's life costs repeated work only. */
const LOCK_SECONDS = 1800;

class StopImport extends Error {
  constructor(readonly errcode: number) {
    super(`follower import stopped at errcode ${errcode}`);
  }
}

export function createFollowerImport(deps: FollowerImportDeps) {
  const sql = sqlOf(deps.db);
  const logger = deps.logger.child({ component: 'follower-import' });
  const clock = deps.clock ?? (() => new Date());
  const batchSize = deps.batchSize ?? IMPORT_BATCH;
  let stopping = false;
  let current: Promise<FollowerImportReport | null> | undefined;

  /** One page's openids, a batch at a time. */
  async function reconcile(openids: readonly string[], started: Date, since: Date, report: FollowerImportReport): Promise<void> {
    for (let i = 0; i < openids.length; i += batchSize) {
      const batch = openids.slice(i, i + batchSize);
      const now = sql.date(clock());
      const mark = sql.date(started);
      report.inserted += await sql.write(
        `${sql.insertIgnore} followers (openid, subscribed, tag_pending, listed_at, created_at, updated_at)
         VALUES ${batch.map(() => '(?, 1, 0, ?, ?, ?)').join(', ')}`,
        batch.flatMap((openid) => [openid, mark, now, now]),
      );
      // A return: they carry no tags on WeChat (an unfollow drops them), so a known county is tagged again.
      // `subscribed_at` is the run's start, the earliest time the list proves; an unsubscribe
      // event after it still applies.
      report.resubscribed += await sql.write(
        `UPDATE followers SET subscribed = 1, subscribed_at = ?, unsubscribed_at = NULL, tag_county_code = NULL,
           tag_pending = CASE WHEN county_code IS NULL THEN 0 ELSE 1 END, listed_at = ?, updated_at = ?
         WHERE openid IN (${sql.list(batch.length)}) AND subscribed = 0 AND (unsubscribed_at IS NULL OR unsubscribed_at < ?)`,
        [sql.date(since), mark, now, ...batch, sql.date(since)],
      );
      await sql.write(
        `UPDATE followers SET listed_at = ? WHERE openid IN (${sql.list(batch.length)}) AND (listed_at IS NULL OR listed_at < ?)`,
        [mark, ...batch, mark],
      );
    }
  }

  /** After a complete run: the subscribed rows it did not list, not heard from since it began. */
  async function unfollowed(started: Date, since: Date): Promise<number> {
    const s = sql.date(since);
    return sql.write(
      `UPDATE followers SET subscribed = 0, unsubscribed_at = ?, tag_county_code = NULL, tag_pending = 0, updated_at = ?
       WHERE subscribed = 1 AND (listed_at IS NULL OR listed_at < ?) AND created_at < ?
         AND (subscribed_at IS NULL OR subscribed_at < ?) AND (last_interaction_at IS NULL OR last_interaction_at < ?)`,
      [s, sql.date(clock()), sql.date(started), sql.date(started), s, s],
    );
  }

  async function page(next: string) {
    try {
      return await deps.client.userGet(next);
    } catch (err) {
      if (err instanceof WechatApiError) throw new StopImport(err.errcode);
      throw err;
    }
  }

  async function runOnce(): Promise<FollowerImportReport> {
    const started = clock();
    const since = new Date(Math.floor(started.getTime() / 1000) * 1000);
    const report: FollowerImportReport = { listed: 0, inserted: 0, resubscribed: 0, unsubscribed: 0, pages: 0, complete: false, stoppedAt: null };
    try {
      let next = '';
      let total = 0;
      while (!stopping) {
        const answer = await page(next);
        report.pages += 1;
        total = Math.max(total, answer.total);
        if (answer.openids.length === 0) {
          report.complete = true;
          break;
        }
        await reconcile(answer.openids, started, since, report);
        report.listed += answer.openids.length;
        if (answer.nextOpenid === '') {
          report.complete = true;
          break;
        }
        // A list that does not move on, or runs far past its total, would never end.
        if (answer.nextOpenid === next || report.listed > 2 * total + 10_000) throw new StopImport(-1);
        next = answer.nextOpenid;
      }
    } catch (err) {
      if (!(err instanceof StopImport)) throw err;
      report.stoppedAt = { errcode: err.errcode };
    }
    if (report.complete) report.unsubscribed = await unfollowed(started, since);
    const counts = {
      listed: report.listed, inserted: report.inserted, resubscribed: report.resubscribed, unsubscribed: report.unsubscribed, pages: report.pages,
      ms: clock().getTime() - started.getTime(),
    };
    if (report.stoppedAt) {
      logger.warn({ ...counts, errcode: report.stoppedAt.errcode }, 'follower import stopped at a wechat error; nobody was marked unsubscribed');
    } else if (!report.complete) {
      logger.info(counts, 'follower import stopped for shutdown; nobody was marked unsubscribed');
    } else {
      const subscribed = await deps.models.Follower.count({ where: { subscribed: true } });
      logger.info({ ...counts, subscribed }, 'followers imported');
    }
    return report;
  }

  const run = oneRunAtATime({ store: deps.store, key: LOCK_KEY, ttlSeconds: LOCK_SECONDS }, runOnce);

  return {
    /**
     * One import; a run already going in this process is joined. With a shared store, null when
     * another instance is importing. A WeChat error ends the run with `stoppedAt`; a database
     * error rejects.
     */
    run(): Promise<FollowerImportReport | null> {
      if (stopping) return Promise.resolve(null);
      const p = run();
      current = p;
      return p.finally(() => {
        if (current === p) current = undefined;
      });
    },
    /** Stops a run going at its next page (nothing is marked unsubscribed) and waits for it; no run starts after. */
    async close(): Promise<void> {
      stopping = true;
      await current?.catch(() => undefined);
    },
  };
}

export type FollowerImport = ReturnType<typeof createFollowerImport>;
