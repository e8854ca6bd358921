// The one store for state that must outlive a process or be seen by every instance: conversation
// records, message dedupe (an in-flight lock and the stored reply), rate and login counters, the
// access token and its refresh lock. Three implementations keep one contract
// (test/platform/shared-store.contract.test.ts runs against each):
//  - RedisStore (src/platform/redis-store.ts) when REDIS_URL is set;
//  - SqlStore (src/db/sql-store.ts): the service's own database, the default, so a single
//    instance on SQLite keeps drafts across a restart with nothing else to run;
//  - MemoryStore: in process, for tools and tests that need no durability.
// Values are strings; JsonView gives a typed view of one key prefix.
import { randomUUID } from 'node:crypto';

export interface SharedStore {
  /** The live value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets the value and its time to live. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets the value only when the key is absent or expired; true when this call set it. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes the key; with `expected`, only while it holds that value. True when a value was deleted. */
  delete(key: string, expected?: string): Promise<boolean>;
  /**
   * Adds one to a counter and returns the new count. A counter that is absent or expired starts
   * at 1 with this TTL; an existing one keeps its expiry (a fixed window).
   */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /**
   * Takes one back from a live counter and returns the new count: never below 0, and an absent
   * counter stays absent (answer 0), so it neither starts a window nor moves one.
   */
  decrement(key: string): Promise<number>;
  close(): Promise<void>;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** An in-process SharedStore: one Map, expired entries dropped when read and by a minute's sweep. */
export class MemoryStore implements SharedStore {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.timer = setInterval(() => this.sweep(), 60_000);
    this.timer.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  // The contract is async (Redis, SQL); in memory every answer is ready at once.
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.live(key)?.value);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve(true);
  }

  delete(key: string, expected?: string): Promise<boolean> {
    const e = this.live(key);
    if (!e || (expected !== undefined && e.value !== expected)) return Promise.resolve(false);
    this.entries.delete(key);
    return Promise.resolve(true);
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    const e = this.live(key);
    const count = e ? Number(e.value) + 1 : 1;
    this.entries.set(key, { value: String(count), expiresAt: e ? e.expiresAt : this.now() + ttlSeconds * 1000 });
    return Promise.resolve(count);
  }
  decrement(key: string): Promise<number> {
    const e = this.live(key);
    if (!e) return Promise.resolve(0);
    const count = Math.max(0, Number(e.value) - 1);
    e.value = String(count);
    return Promise.resolve(count);
  }

  sweep(): void {
    const t = this.now();
    for (const [key, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(key);
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }
}

/** How a JsonView turns values into stored text and back (e.g. sealed with AES-GCM). */
export interface ValueCodec {
  encode(plain: string): string;
  decode(stored: string): string;
}

/** A typed view of stored values: what the engine and the throttle are given. */
export interface KeyValueStore<V> {
  get(id: string): Promise<V | undefined>;
  set(id: string, value: V, ttlSeconds: number): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Holds `id` for one caller across every instance until the returned release is called or the
   * lock's TTL runs out (a crashed holder blocks nobody for longer). Undefined when it stayed
   * taken for `waitMs`.
   */
  lock?(id: string, opts?: LockOptions): Promise<(() => Promise<void>) | undefined>;
}

export interface LockOptions {
  ttlSeconds?: number;
  waitMs?: number;
}

/** What a claim stores: no JSON text (and no sealed value) is ever this. */
const CLAIMED = '~claimed';

export interface JsonViewOptions {
  /** Seals values at rest (conversation drafts hold what citizens wrote). */
  codec?: ValueCodec;
  /** Turns an id into the stored key part (e.g. an HMAC, so no openid is a key). */
  hashId?: (id: string) => string;
}

/**
 * Typed values under one key prefix, as JSON. A value that no longer decodes or parses (an older
 * shape, a rotated-out key) reads as absent: callers validate what they get and start afresh.
 */
export class JsonView<V> implements KeyValueStore<V> {
  constructor(
    private readonly store: SharedStore,
    private readonly prefix: string,
    private readonly opts: JsonViewOptions = {},
  ) {}

  private key(id: string, part = 'v'): string {
    return `${this.prefix}:${part}:${this.opts.hashId ? this.opts.hashId(id) : id}`;
  }

  /** One id's value, its key made (and its id hashed) once for every call on it. */
  entry(id: string): JsonEntry<V> {
    return new JsonEntry<V>(this.store, this.key(id), this.opts.codec);
  }

  get(id: string): Promise<V | undefined> {
    return this.entry(id).get();
  }

  set(id: string, value: V, ttlSeconds: number): Promise<void> {
    return this.entry(id).set(value, ttlSeconds);
  }

  delete(id: string): Promise<void> {
    return this.entry(id).delete();
  }

  async lock(id: string, opts: LockOptions = {}): Promise<(() => Promise<void>) | undefined> {
    const key = this.key(id, 'lock');
    // Random, so only its owner can release the lock.
    const token = randomUUID();
    const deadline = Date.now() + (opts.waitMs ?? 5000);
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      if (await this.store.add(key, token, opts.ttlSeconds ?? 5)) {
        return async () => {
          await this.store.delete(key, token);
        };
      }
      if (Date.now() + pause > deadline) return undefined;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/** One stored value of a JsonView. */
export class JsonEntry<V> {
  constructor(
    private readonly store: SharedStore,
    private readonly key: string,
    private readonly codec?: ValueCodec,
  ) {}

  async get(): Promise<V | undefined> {
    const stored = await this.store.get(this.key);
    if (stored === undefined || stored === CLAIMED) return undefined;
    try {
      return JSON.parse(this.codec ? this.codec.decode(stored) : stored) as V;
    } catch {
      return undefined;
    }
  }

  async set(value: V, ttlSeconds: number): Promise<void> {
    const text = JSON.stringify(value);
    await this.store.set(this.key, this.codec ? this.codec.encode(text) : text, ttlSeconds);
  }

  /**
   * Takes the value's place unless a value (or another claim) is live; true when this call did.
   * A claim holds no value: get() reads it as absent, and set() replaces it.
   */
  claim(ttlSeconds: number): Promise<boolean> {
    return this.store.add(this.key, CLAIMED, ttlSeconds);
  }

  async delete(): Promise<void> {
    await this.store.delete(this.key);
  }
}
