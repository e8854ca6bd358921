// A citizen's latest tips, kept in process for the length of a conversation. One tip costs the
// desk three reads of the same few rows otherwise: the daily limit when the flow starts, the daily
// limit again at 确认, and the duplicate scan that grades the colour. Here the first of them
// loads the citizen's latest RECENT_LIMIT tips (one indexed query, migration 006) and the others
// are answered from memory; a tip this process commits is added after its commit.
//
// What an entry knows: `completeFrom` — every tip of the citizen created at or after that time is
// in the entry. A load that returned fewer than RECENT_LIMIT rows is complete for all time; a
// full one is complete from just after its oldest row. countSince is answered from memory only
// when its `since` is inside that range, else by an exact COUNT.
//
// A citizen with no tip in the last month (most of them) costs no query at all: ActiveReporters
// below says so from memory.
//
// Single-process assumption, as in presence.ts: a citizen's tips are submitted by the process
// that talks to them (the web service for the official account, the Wechaty process for Wechaty
// citizens: different reporter hashes). An entry is reloaded after RECENT_TTL_MS, so a tip that
// another instance commits is seen within that time at worst. Tips are never deleted and their
// code, text, category and creation time never change, so a reload only ever adds rows.

export interface RecentTip {
  code: string;
  description: string;
  category: string;
  createdAt: Date;
}

/**
 * Which citizens have submitted a tip lately. Most tips come from citizens with none in the last
 * month; for them the first read of recent tips would find nothing and still cost a query. This
 * set answers "certainly none since `windowMs` ago" from memory: loaded once at start (one scan
 * of the tips created in the window), told of every tip this process commits, and caught up
 * from the database (ids from just below the highest seen: a primary-key range) at most every
 * `refreshMs`, so a tip committed by another process is seen within that time, as an entry's TTL
 * bounds it otherwise.
 */
export interface ActiveReporters {
  /** False only when the citizen certainly has no tip created in the last `windowMs`. */
  mayHave(reporterHash: string): Promise<boolean>;
  /** A tip of this citizen has just been committed. */
  added(reporterHash: string, createdAt: Date): void;
  readonly windowMs: number;
}

export interface ActiveReportersSource {
  /** Per citizen with tips of id > afterId created at or after `since`: the latest such tip's time, and the highest id. */
  activeSince(afterId: number, since: Date): Promise<Array<{ reporterHash: string; lastAt: Date; maxId: number }>>;
}

export const ACTIVE_REFRESH_MS = 10_000;
/**
 * Ids are taken at INSERT and become visible at COMMIT, so another process's tip may appear below
 * an id already seen: each catch-up reads again this many ids below the highest seen (a short
 * primary-key range).
 */
export const ACTIVE_ID_OVERLAP = 1000;

export async function createActiveReporters(
  source: ActiveReportersSource,
  opts: { windowMs: number; refreshMs?: number; now?: () => number; onError?: (err: unknown) => void },
): Promise<ActiveReporters> {
  const refreshMs = opts.refreshMs ?? ACTIVE_REFRESH_MS;
  const now = opts.now ?? Date.now;
  const last = new Map<string, number>(); // reporter hash → latest tip's time (ms)
  let afterId = 0;
  let loaded = false;
  let lastRefresh = 0;
  let refreshing: Promise<void> | undefined;

  const note = (hash: string, at: number) => {
    if ((last.get(hash) ?? -Infinity) < at) last.set(hash, at);
  };

  async function refresh(): Promise<void> {
    const t = now();
    lastRefresh = t;
    const rows = await source.activeSince(Math.max(0, afterId - ACTIVE_ID_OVERLAP), new Date(t - opts.windowMs));
    for (const r of rows) {
      note(r.reporterHash, r.lastAt.getTime());
      afterId = Math.max(afterId, r.maxId);
    }
    for (const [hash, at] of last) if (at < t - opts.windowMs) last.delete(hash);
    loaded = true;
  }

  const refreshNow = () => {
    refreshing ??= refresh()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => { refreshing = undefined; });
    return refreshing;
  };
  await refreshNow();

  return {
    windowMs: opts.windowMs,
    async mayHave(hash) {
      if (now() - lastRefresh >= refreshMs) await refreshNow();
      // Never loaded (the database was away): no claim of absence can be made.
      if (!loaded) return true;
      return (last.get(hash) ?? -Infinity) >= now() - opts.windowMs;
    },
    added(hash, createdAt) {
      note(hash, createdAt.getTime());
    },
  };
}

export interface RecentTipsSource {
  /** The citizen's latest tips, newest first, at most `limit`. */
  latest(reporterHash: string, limit: number): Promise<RecentTip[]>;
  /** Exact count of the citizen's tips created at or after `since`. */
  countSince(reporterHash: string, since: Date): Promise<number>;
}

export interface RecentTips {
  /**
   * The citizen's latest tips (newest first, at most RECENT_LIMIT), from memory while fresh. With
   * an ActiveReporters set, a citizen with no tip in its window gets [] without a query: only
   * tips inside the window are promised then (every reader looks back 30 days or less).
   */
  latest(reporterHash: string): Promise<RecentTip[]>;
  /** How many tips the citizen has submitted since `since`. */
  countSince(reporterHash: string, since: Date): Promise<number>;
  /** A tip of this citizen has just been committed. */
  added(reporterHash: string, tip: RecentTip): void;
}

export const RECENT_LIMIT = 20;
export const RECENT_TTL_MS = 10 * 60 * 1000;
/** Memory bound: total description characters kept (least recently used citizens go first). */
const RECENT_CHAR_BUDGET = 4_000_000;

interface Entry {
  tips: RecentTip[]; // newest first, unique by code, at most RECENT_LIMIT
  completeFrom: number;
  loadedAt: number; // -Infinity: built from added() alone, never read as a whole
  chars: number;
}

const newestFirst = (a: RecentTip, b: RecentTip) => b.createdAt.getTime() - a.createdAt.getTime();

export function createRecentTips(
  source: RecentTipsSource,
  opts: { ttlMs?: number; limit?: number; charBudget?: number; now?: () => number; active?: ActiveReporters } = {},
): RecentTips {
  const ttlMs = opts.ttlMs ?? RECENT_TTL_MS;
  const limit = opts.limit ?? RECENT_LIMIT;
  const charBudget = opts.charBudget ?? RECENT_CHAR_BUDGET;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>(); // Map order is the LRU order
  const loading = new Map<string, Promise<Entry>>();
  let chars = 0;

  function store(hash: string, entry: Entry): void {
    const old = entries.get(hash);
    if (old) chars -= old.chars;
    entries.delete(hash);
    entry.chars = entry.tips.reduce((n, t) => n + t.description.length, 0);
    entries.set(hash, entry);
    chars += entry.chars;
    while (chars > charBudget && entries.size > 1) {
      const [oldest, e] = entries.entries().next().value as [string, Entry];
      entries.delete(oldest);
      chars -= e.chars;
    }
  }

  /** Union of what is known and what was read; complete from the earlier of the two bounds. */
  function merge(a: Entry | undefined, tips: RecentTip[], completeFrom: number, loadedAt: number): Entry {
    const byCode = new Map<string, RecentTip>();
    for (const t of [...(a?.tips ?? []), ...tips]) byCode.set(t.code, t);
    let all = [...byCode.values()].sort(newestFirst);
    let from = Math.min(a?.completeFrom ?? Infinity, completeFrom);
    if (all.length > limit) {
      all = all.slice(0, limit);
      from = Math.max(from, all[all.length - 1]!.createdAt.getTime() + 1);
    }
    return { tips: all, completeFrom: from, loadedAt: Math.max(a?.loadedAt ?? -Infinity, loadedAt), chars: 0 };
  }

  async function load(hash: string): Promise<Entry> {
    const running = loading.get(hash);
    if (running) return running;
    const p = (async () => {
      const at = now();
      const rows = await source.latest(hash, limit);
      const completeFrom = rows.length < limit ? -Infinity : rows[rows.length - 1]!.createdAt.getTime() + 1;
      // Merged with the current entry: a tip added while the query ran may be missing from it.
      const entry = merge(entries.get(hash), rows, completeFrom, at);
      store(hash, entry);
      return entry;
    })().finally(() => loading.delete(hash));
    loading.set(hash, p);
    return p;
  }

  async function fresh(hash: string): Promise<Entry> {
    const e = entries.get(hash);
    if (e && now() - e.loadedAt < ttlMs) {
      store(hash, e); // touch the LRU order
      return e;
    }
    if (opts.active && !loading.has(hash) && !(await opts.active.mayHave(hash))) {
      // No tip in the active window: known empty from its start, without a query. A tip added
      // meanwhile (added() below, or another await) is kept by the merge.
      const at = now();
      const entry = merge(entries.get(hash), [], at - opts.active.windowMs, at);
      store(hash, entry);
      return entry;
    }
    return load(hash);
  }

  return {
    async latest(hash) {
      return [...(await fresh(hash)).tips];
    },
    async countSince(hash, since) {
      const e = await fresh(hash);
      const t = since.getTime();
      if (t < e.completeFrom) return source.countSince(hash, since);
      return e.tips.filter((tip) => tip.createdAt.getTime() >= t).length;
    },
    added(hash, tip) {
      opts.active?.added(hash, tip.createdAt);
      // Without an entry the tip alone is known: complete from its own time onwards.
      const e = entries.get(hash);
      store(hash, merge(e, [tip], e ? e.completeFrom : tip.createdAt.getTime(), e?.loadedAt ?? -Infinity));
    },
  };
}
