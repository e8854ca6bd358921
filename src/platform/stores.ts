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

// What get() of a missing key and set() resolve with: one settled promise serves them all (a
// settled promise never changes), rather than a new one on each of the message path's calls.
const NOTHING_YET: Promise<undefined> = Promise.resolve(undefined);

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
    if (e === undefined) return NOTHING_YET;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return NOTHING_YET;
    }
    return Promise.resolve(e.value);
  }

  set(key: string, value: V, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return NOTHING_YET;
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return NOTHING_YET;
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

/** Slots per block of a FifoExpiringStore (keys, values and expiry times, 128 KB each). */
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
/** Sequence numbers wrap here: small integers (no boxed number in the index), and 2^16 blocks. */
const SEQ_WRAP = 2 ** 30;

class Block<V> {
  readonly keys: (string | undefined)[] = new Array<string | undefined>(BLOCK).fill(undefined);
  readonly values: (V | undefined)[] = new Array<V | undefined>(BLOCK).fill(undefined);
  readonly expires = new Float64Array(BLOCK);
}

export interface FifoExpiringStoreOptions {
  /** How often expired entries are dropped when nothing is being set (default 1000 ms). */
  sweepEveryMs?: number;
  now?: () => number;
  /** The first slot number (tests start near the wrap-around). */
  firstSlot?: number;
}

/**
 * The dedupe store's in-process store: an entry for every message for the same TTL (a minute), a
 * million of them under load. Entries sit in slots in the order they were set, so with one TTL
 * they also expire in that order: dropping the expired ones is taking them off the front, a couple
 * on each set() and the rest by a timer, with no walk over the live ones.
 *
 * An entry costs the garbage collector only its key and its value: the index maps a key to its
 * slot number (a small integer), and the expiry times are a Float64Array. ExpiringMapStore's
 * wrapper object and boxed expiry time per entry were three of the five objects every message
 * left in the heap for a minute, each copied by the young-generation collector and marked by the
 * old one.
 *
 * A shorter TTL than the entries before it is still honoured (get() checks every entry's time);
 * its memory is then given back when the entries before it expire. Stores whose entries live
 * very different times (conversation state) use ExpiringMapStore.
 */
export class FifoExpiringStore<V> implements KeyValueStore<V> {
  private readonly index = new Map<string, number>();
  private readonly blocks: (Block<V> | undefined)[] = [];
  /** A block given back, kept for the next one needed (two blocks in turn under steady load). */
  private spare: Block<V> | undefined;
  /** The oldest slot still in use, and the next slot to fill. */
  private head = 0;
  private tail = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(opts: FifoExpiringStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.head = this.tail = (opts.firstSlot ?? 0) % SEQ_WRAP;
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs ?? 1000);
    this.timer.unref();
  }

  get size(): number {
    return this.index.size;
  }

  /** Slots between the oldest in use and the next to fill (entries plus slots freed behind them). */
  get span(): number {
    return (this.tail - this.head + SEQ_WRAP) % SEQ_WRAP;
  }

  get(key: string): Promise<V | undefined> {
    const seq = this.index.get(key);
    if (seq === undefined) return NOTHING_YET;
    const block = this.blocks[seq >>> BLOCK_BITS]!;
    const at = seq & (BLOCK - 1);
    if (block.expires[at]! <= this.now()) {
      this.index.delete(key);
      this.free(block, at);
      return NOTHING_YET;
    }
    return Promise.resolve(block.values[at]);
  }

  set(key: string, value: V, ttlSeconds: number): Promise<void> {
    const t = this.now();
    this.dropExpired(t, 2);
    const old = this.index.get(key);
    if (old !== undefined) this.free(this.blocks[old >>> BLOCK_BITS]!, old & (BLOCK - 1));
    const seq = this.tail;
    const b = seq >>> BLOCK_BITS;
    const block = (this.blocks[b] ??= this.newBlock());
    const at = seq & (BLOCK - 1);
    block.keys[at] = key;
    block.values[at] = value;
    block.expires[at] = t + ttlSeconds * 1000;
    this.index.set(key, seq);
    this.tail = (seq + 1) % SEQ_WRAP;
    return NOTHING_YET;
  }

  delete(key: string): Promise<void> {
    const seq = this.index.get(key);
    if (seq !== undefined) {
      this.index.delete(key);
      this.free(this.blocks[seq >>> BLOCK_BITS]!, seq & (BLOCK - 1));
    }
    return NOTHING_YET;
  }

  /** Drops the expired entries at the front (at most `max`); returns how many slots it passed. */
  sweep(max = 100_000): number {
    return this.dropExpired(this.now(), max);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private dropExpired(t: number, max: number): number {
    let passed = 0;
    while (passed < max && this.head !== this.tail) {
      const b = this.head >>> BLOCK_BITS;
      const block = this.blocks[b]!;
      const at = this.head & (BLOCK - 1);
      const key = block.keys[at];
      if (key !== undefined) {
        if (block.expires[at]! > t) break;
        this.index.delete(key);
        this.free(block, at);
      }
      passed += 1;
      this.head = (this.head + 1) % SEQ_WRAP;
      // Past a block's last slot: every slot of it is free, and the tail has moved on from it.
      if ((this.head & (BLOCK - 1)) === 0) this.release(b);
    }
    return passed;
  }

  private free(block: Block<V>, at: number): void {
    block.keys[at] = undefined;
    block.values[at] = undefined;
  }

  private newBlock(): Block<V> {
    const block = this.spare ?? new Block<V>();
    this.spare = undefined;
    return block;
  }

  private release(b: number): void {
    const block = this.blocks[b];
    this.blocks[b] = undefined;
    if (block && this.spare === undefined) this.spare = block;
  }
}
