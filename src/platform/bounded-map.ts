/**
 * A Map that keeps at most `capacity` entries: set() makes an entry the newest, and past the
 * capacity the oldest one goes (a Map iterates in insertion order). The in-process memos of the
 * message path (citizen hashes, last contact times, interned openids) are this, so that what a
 * million distinct citizens leave behind stays bounded.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets `key` as the newest entry, dropping the oldest when that passes the capacity. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}
