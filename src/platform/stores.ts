import NodeCache from 'node-cache';

/**
 * Small key-value seams: the dedupe store, the conversation-state store and the access-token
 * store are all this interface, so a shared store (Redis) can replace the in-process one when
 * the service runs as several instances.
 */
export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryStore<V> implements KeyValueStore<V> {
  private readonly cache: NodeCache;

  constructor(opts: { checkPeriodSeconds?: number } = {}) {
    // useClones=false: values are treated as immutable by callers; cloning costs on the hot path.
    this.cache = new NodeCache({ useClones: false, checkperiod: opts.checkPeriodSeconds ?? 60 });
  }

  async get(key: string): Promise<V | undefined> {
    return this.cache.get<V>(key);
  }

  async set(key: string, value: V, ttlSeconds: number): Promise<void> {
    this.cache.set(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    this.cache.del(key);
  }

  close(): void {
    this.cache.close();
  }
}

interface Expiring<V> {
  value: V;
  expiresAt: number;
}

export interface ExpiringMapStoreOptions {
  /** How often a slice of the entries is checked for expiry (default 250 ms). */
  sweepEveryMs?: number;
  /** Entries checked per slice at least; at most a 32nd of the store (default 2000). */
  sweepBatch?: number;
  now?: () => number;
}

/**
 * The in-process store for the message path (the dedupe store, conversation state): an entry per
 * message or citizen, hundreds of thousands at a time under load. A Map with an expiry per entry,
 * checked on every read, and swept a slice at a time so that no sweep stops the event loop for
 * long: node-cache's check walks every key at once (about 0.5 s at a million keys), and its get
 * and set cost twice a Map's. MemoryStore (node-cache) stays for the small stores.
 */
export class ExpiringMapStore<V> implements KeyValueStore<V> {
  private readonly entries = new Map<string, Expiring<V>>();
  private cursor: Iterator<[string, Expiring<V>]> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly batch: number;

  constructor(opts: ExpiringMapStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.batch = opts.sweepBatch ?? 2000;
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs ?? 250);
    this.timer.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<V | undefined> {
    const e = this.entries.get(key);
    if (e === undefined) return Promise.resolve(undefined);
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(e.value);
  }

  set(key: string, value: V, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  /**
   * Checks the next slice of entries (a Map iterator survives inserts and deletes) and removes
   * the expired ones; a full pass takes at most 32 slices. Returns how many were removed.
   */
  sweep(): number {
    const t = this.now();
    let budget = Math.max(this.batch, Math.ceil(this.entries.size / 32));
    let removed = 0;
    this.cursor ??= this.entries.entries();
    while (budget-- > 0) {
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        break;
      }
      const [key, e] = next.value;
      if (e.expiresAt <= t) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
