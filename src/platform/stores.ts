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
