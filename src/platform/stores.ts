import { createHash } from 'node:crypto';
import NodeCache from 'node-cache';
import { ownString } from './strings.js';

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

/**
 * An in-process store answers at once as well: `peek` and `put` are get and set without the
 * promise. The message path uses them when a store has them; awaiting an in-process lookup and
 * write cost ~8% of the webhook's instructions a message (an async function, two awaits, a
 * promise each way).
 */
export interface LocalKeyValueStore<V> extends KeyValueStore<V> {
  peek(key: string): V | undefined;
  put(key: string, value: V, ttlSeconds: number): void;
}

export function isLocalStore<V>(store: KeyValueStore<V>): store is LocalKeyValueStore<V> {
  const s = store as Partial<LocalKeyValueStore<V>>;
  return typeof s.peek === 'function' && typeof s.put === 'function';
}

// What get() of a missing key and set() resolve with: one settled promise serves them all (a
// settled promise never changes), rather than a new one on each of the message path's calls.
const NOTHING_YET: Promise<undefined> = Promise.resolve(undefined);

/** An in-process store's get and set: its peek and put, with a settled promise. */
abstract class InProcessStore<V> implements LocalKeyValueStore<V> {
  abstract peek(key: string): V | undefined;
  abstract put(key: string, value: V, ttlSeconds: number): void;
  abstract delete(key: string): Promise<void>;

  get(key: string): Promise<V | undefined> {
    const value = this.peek(key);
    return value === undefined ? NOTHING_YET : Promise.resolve(value);
  }

  set(key: string, value: V, ttlSeconds: number): Promise<void> {
    this.put(key, value, ttlSeconds);
    return NOTHING_YET;
  }
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
export class ExpiringMapStore<V> extends InProcessStore<V> {
  private readonly entries = new Map<string, Expiring<V>>();
  private cursor: Iterator<[string, Expiring<V>]> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly batch: number;

  constructor(opts: ExpiringMapStoreOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
    this.batch = opts.sweepBatch ?? 2000;
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs ?? 250);
    this.timer.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  peek(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** The key is kept as its own copy: not a view that would keep a whole request body alive. */
  put(key: string, value: V, ttlSeconds: number): void {
    this.entries.set(ownString(key), { value, expiresAt: this.now() + ttlSeconds * 1000 });
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

/** Slots per block of a FifoExpiringStore. */
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
/** Key characters a block holds (UTF-16 units): 64 a slot on average; a block is closed early when they run out. */
const BLOCK_CHARS = BLOCK * 64;
/** Longer keys are stored as their SHA-256 (hex): no key takes more than a sliver of a block. */
const MAX_KEY_CHARS = 256;
/** Sequence numbers wrap here: small integers, and 2^16 blocks. */
const SEQ_WRAP = 2 ** 30;

class Block<V> {
  readonly values: (V | undefined)[] = new Array<V | undefined>(BLOCK).fill(undefined);
  readonly expires = new Float64Array(BLOCK);
  readonly hashes = new Int32Array(BLOCK);
  /** Where a slot's key starts in `chars`, and its length (-1: the slot is free). */
  readonly keyAt = new Int32Array(BLOCK);
  readonly keyLength = new Int32Array(BLOCK).fill(-1);
  readonly chars = new Uint16Array(BLOCK_CHARS);
  /** Characters used so far. */
  used = 0;

  reset(): this {
    this.keyLength.fill(-1);
    this.used = 0;
    return this;
  }
}

/** FNV-1a over the UTF-16 units, from a per-store seed. */
function hashKey(seed: number, key: string): number {
  let h = seed;
  for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h | 0;
}

export interface FifoExpiringStoreOptions {
  /** How often expired entries are dropped when nothing is being set (default 1000 ms). */
  sweepEveryMs?: number;
  now?: () => number;
  /** The first slot number (tests start near the wrap-around). */
  firstSlot?: number;
  /** The key hash (tests force collisions); default FNV-1a from a random seed. */
  hash?: (key: string) => number;
}

/**
 * The dedupe store's in-process store: an entry for every message for the same TTL (a minute), a
 * million of them under load. Entries sit in slots in the order they were set, so with one TTL
 * they also expire in that order: dropping the expired ones is taking them off the front, a couple
 * on each set() and the rest by a timer, with no walk over the live ones.
 *
 * Everything but the value lives outside the JavaScript heap, in typed arrays: the key's
 * characters, its hash, its expiry time, and the index (open addressing over slot numbers). An
 * entry costs the garbage collector only its value. With a Map, every entry was a key string and
 * an index entry besides — a million live objects that each old-generation collection marked (its
 * pauses grew to tens of milliseconds) and that the young-generation collector copied once more
 * on the way — and the Map rehashed all of them whenever its deleted entries filled it up.
 *
 * A shorter TTL than the entries before it is still honoured (get() checks every entry's time);
 * its slot is then given back when the entries before it expire. Stores whose entries live very
 * different times (conversation state) use ExpiringMapStore.
 */
export class FifoExpiringStore<V> extends InProcessStore<V> {
  private readonly blocks: (Block<V> | undefined)[] = [];
  /** A block given back, kept for the next one needed (two blocks in turn under steady load). */
  private spare: Block<V> | undefined;
  /** The oldest slot still in use, and the next slot to fill. */
  private head = 0;
  private tail = 0;
  /**
   * The index: open addressing, linear probing, at most half full. Each place is two numbers, the
   * slot number + 1 (0: empty) and the key's hash, so that a probe past other keys reads only the
   * index: with a million entries each visit to a slot's block was a cache miss of its own.
   */
  private table = new Int32Array(2 * 1024);
  private mask = 1023;
  private count = 0;
  private readonly hash: (key: string) => number;
  private lastKey = '';
  private lastHash = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(opts: FifoExpiringStoreOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
    const seed = (Math.random() * 2 ** 32) | 0;
    this.hash = opts.hash ?? ((key) => hashKey(seed, key));
    this.head = this.tail = (opts.firstSlot ?? 0) % SEQ_WRAP;
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs ?? 1000);
    this.timer.unref();
  }

  get size(): number {
    return this.count;
  }

  /** Slots between the oldest in use and the next to fill (entries plus slots freed behind them). */
  get span(): number {
    return (this.tail - this.head + SEQ_WRAP) % SEQ_WRAP;
  }

  peek(key: string): V | undefined {
    const k = storedKey(key);
    const h = this.hashOf(k);
    const seq = this.find(k, h);
    if (seq < 0) return undefined;
    const block = this.blocks[seq >>> BLOCK_BITS]!;
    const at = seq & (BLOCK - 1);
    if (block.expires[at]! <= this.now()) {
      this.remove(seq, h);
      return undefined;
    }
    return block.values[at];
  }

  /** Keeps a copy of the key's characters, never the key string itself. */
  put(key: string, value: V, ttlSeconds: number): void {
    const t = this.now();
    this.dropExpired(t, 2);
    const k = storedKey(key);
    const h = this.hashOf(k);
    const old = this.find(k, h);
    if (old >= 0) this.remove(old, h);
    let block = this.blocks[this.tail >>> BLOCK_BITS];
    if (block !== undefined && block.used + k.length > BLOCK_CHARS) {
      // Out of characters: the rest of this block's slots stay free, the next block begins.
      this.tail = (((this.tail >>> BLOCK_BITS) + 1) << BLOCK_BITS) % SEQ_WRAP;
      block = undefined;
    }
    const seq = this.tail;
    block ??= this.blocks[seq >>> BLOCK_BITS] ??= this.newBlock();
    const at = seq & (BLOCK - 1);
    block.values[at] = value;
    block.expires[at] = t + ttlSeconds * 1000;
    block.hashes[at] = h;
    block.keyAt[at] = block.used;
    block.keyLength[at] = k.length;
    for (let i = 0; i < k.length; i += 1) block.chars[block.used + i] = k.charCodeAt(i);
    block.used += k.length;
    this.tail = (seq + 1) % SEQ_WRAP;
    this.insert(seq, h);
  }

  delete(key: string): Promise<void> {
    const k = storedKey(key);
    const h = this.hash(k);
    const seq = this.find(k, h);
    if (seq >= 0) this.remove(seq, h);
    return NOTHING_YET;
  }

  /**
   * The key's hash, remembered for the last key: the webhook looks a message's key up and, once
   * the engine has answered, stores it, with no other key in between unless messages overlap.
   */
  private hashOf(key: string): number {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastHash = this.hash(key);
    }
    return this.lastHash;
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
      if (block.keyLength[at]! >= 0) {
        if (block.expires[at]! > t) break;
        this.remove(this.head, block.hashes[at]!);
      }
      passed += 1;
      this.head = (this.head + 1) % SEQ_WRAP;
      // Past a block's last slot: every slot of it is free, and the tail has moved on from it.
      if ((this.head & (BLOCK - 1)) === 0) this.release(b);
    }
    return passed;
  }

  /** The slot holding `key` (hash `h`), or -1. */
  private find(key: string, h: number): number {
    const { table, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = table[2 * i]!;
      if (entry === 0) return -1;
      if (table[2 * i + 1] !== h) continue;
      const seq = entry - 1;
      const block = this.blocks[seq >>> BLOCK_BITS]!;
      const at = seq & (BLOCK - 1);
      if (block.keyLength[at] === key.length && sameKey(block, at, key)) return seq;
    }
  }

  private insert(seq: number, h: number): void {
    if ((this.count + 1) * 4 > this.table.length) this.grow();
    place(this.table, this.mask, seq + 1, h);
    this.count += 1;
  }

  /** Frees the slot and takes it out of the index (backward-shift deletion: no tombstones). */
  private remove(seq: number, h: number): void {
    const block = this.blocks[seq >>> BLOCK_BITS]!;
    const at = seq & (BLOCK - 1);
    block.values[at] = undefined;
    block.keyLength[at] = -1;
    const { table, mask } = this;
    let i = h & mask;
    while (table[2 * i] !== seq + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const entry = table[2 * j]!;
      if (entry === 0) break;
      const hash = table[2 * j + 1]!;
      const home = hash & mask;
      // The entry at j may move back to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!stays) {
        table[2 * i] = entry;
        table[2 * i + 1] = hash;
        i = j;
      }
    }
    table[2 * i] = 0;
    this.count -= 1;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) place(this.table, this.mask, old[i]!, old[i + 1]!);
  }

  private newBlock(): Block<V> {
    const block = this.spare?.reset() ?? new Block<V>();
    this.spare = undefined;
    return block;
  }

  private release(b: number): void {
    const block = this.blocks[b];
    this.blocks[b] = undefined;
    if (block && this.spare === undefined) this.spare = block;
  }
}

function sameKey(block: Block<unknown>, at: number, key: string): boolean {
  const from = block.keyAt[at]!;
  const chars = block.chars;
  for (let i = 0; i < key.length; i += 1) if (chars[from + i] !== key.charCodeAt(i)) return false;
  return true;
}

/** The key as stored: itself, or its SHA-256 when longer than MAX_KEY_CHARS. */
function storedKey(key: string): string {
  return key.length > MAX_KEY_CHARS ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

/** Puts an index entry and its hash in the first empty place from its home (linear probing). */
function place(table: Int32Array, mask: number, entry: number, h: number): void {
  let i = h & mask;
  while (table[2 * i] !== 0) i = (i + 1) & mask;
  table[2 * i] = entry;
  table[2 * i + 1] = h;
}
