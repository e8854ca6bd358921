// What the webhook needs on every citizen message, kept in process so that a message costs no
// database round trip when nothing has changed:
//  - ContactClock: citizen_contacts.last_message_at is written at most once per citizen per
//    `touchEveryMs` (default 10 minutes). The 48-hour customer-service window does not need more
//    precision, and the stored time is never later than the real one, so the window is judged
//    closed at most that much early (a template instead of a custom message), never late.
//  - NoticeHints: the reporter hashes that may have waiting (pending/failed/held) notices. hold
//    (notices.ts) queries only for those. Filled at start from the database, added to after a
//    notice is committed pending (or a push or a reply fails to deliver it), removed when a hold
//    finds nothing.
//
// Single-process assumption: these sets see what this process writes at once. The Wechaty bot
// process shares the database with the web server (staff actions there queue notices for
// Wechaty citizens), so the hints also catch up from the database at most every `refreshMs`
// (one indexed SELECT DISTINCT over waiting notices, migration 005): a notice written by another
// process is shown at the citizen's next message if it was committed more than refreshMs before
// it (else at the one after). When the
// service runs as several instances a shared store (e.g. Redis set + TTL keys) should replace
// these two implementations behind the same interfaces.
import { Op } from 'sequelize';
import { BoundedMap } from '../platform/bounded-map.js';
import type { Logger } from '../platform/logger.js';
import type { TipModels } from './models.js';

export const TOUCH_EVERY_MS = 10 * 60 * 1000;
const TOUCH_MEMORY = 100_000;

export interface ContactClock {
  /** Whether the contact row should be written for this message time. */
  due(reporterHash: string, at: Date): boolean;
  /** Records a successful write. */
  written(reporterHash: string, at: Date): void;
}

/** LRU map reporterHash → last written message time. */
export function createContactClock(everyMs = TOUCH_EVERY_MS, capacity = TOUCH_MEMORY): ContactClock {
  const last = new BoundedMap<string, number>(capacity);
  return {
    due(hash, at) {
      const prev = last.get(hash);
      return prev === undefined || at.getTime() - prev >= everyMs;
    },
    written(hash, at) {
      last.set(hash, at.getTime()); // the newest: the least recently written goes first
    },
  };
}

export interface NoticeHints {
  /**
   * False only when this citizen certainly has no waiting (pending, failed or held) notice.
   * Resolves at once, except when the last catch-up is older than refreshMs: then it waits for
   * one (shared by every message arriving meanwhile), so at most one query per refreshMs per
   * process.
   */
  mayHave(reporterHash: string): Promise<boolean>;
  /** A notice for this citizen was committed pending (or a push or a reply failed and left it waiting). */
  add(reporterHash: string): void;
  /** A mark to pass to `cleared` — taken before the query that found nothing. */
  mark(reporterHash: string): number;
  /** The query started at `mark` found nothing waiting: forget the citizen, unless a notice came since. */
  cleared(reporterHash: string, mark: number): void;
}

export interface NoticeHintsDeps {
  models: TipModels;
  logger: Logger;
  refreshMs?: number;
  now?: () => number;
}

export const NOTICE_HINTS_REFRESH_MS = 1000;

/** Loads the waiting citizens once (awaited), then catches up when asked and stale (≤ 1 per refreshMs). */
export async function createNoticeHints(deps: NoticeHintsDeps): Promise<NoticeHints> {
  const { TipNotice } = deps.models;
  const refreshMs = deps.refreshMs ?? NOTICE_HINTS_REFRESH_MS;
  const now = deps.now ?? Date.now;
  const waiting = new Set<string>();
  // Bumped by every add: a take that started before an add must not clear it.
  const version = new Map<string, number>();
  let seq = 0;
  let loaded = false;
  let lastRefresh = 0;
  let refreshing: Promise<void> | undefined;

  const add = (hash: string) => {
    waiting.add(hash);
    version.set(hash, ++seq);
  };

  async function refresh(): Promise<void> {
    lastRefresh = now();
    const rows = await TipNotice.findAll({
      attributes: ['reporterHash'],
      // Held too: a hold nobody settles (a crashed process) runs out and the notice waits again.
      where: { state: { [Op.in]: ['pending', 'failed', 'held'] } },
      group: ['reporterHash'],
      raw: true,
    }) as unknown as Array<{ reporterHash: string }>;
    // Union, never replace: a notice committed after this SELECT began is already in the set.
    for (const r of rows) add(r.reporterHash);
    loaded = true;
  }

  try {
    await refresh();
  } catch (err) {
    // No table yet or the database is away: query every time until a refresh succeeds.
    deps.logger.warn({ err }, 'notice hints not loaded; pending notices are looked up on every message');
  }

  return {
    async mayHave(hash) {
      if (!refreshing && now() - lastRefresh >= refreshMs) {
        refreshing = refresh()
          .catch((err: unknown) => deps.logger.warn({ err }, 'notice hints refresh failed'))
          .finally(() => { refreshing = undefined; });
      }
      if (refreshing) await refreshing;
      return !loaded || waiting.has(hash);
    },
    add,
    mark(hash) {
      return version.get(hash) ?? 0;
    },
    cleared(hash, mark) {
      if ((version.get(hash) ?? 0) !== mark) return;
      waiting.delete(hash);
      version.delete(hash);
    },
  };
}
