import type { TokenStore } from '../../src/wechat/index.js';

/** Map-backed TokenStore (TTL recorded, never enforced): enough for one process in a test. */
export class MapTokenStore implements TokenStore {
  readonly entries = new Map<string, { value: string; ttlSeconds: number }>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.entries.get(key)?.value);
  }
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, ttlSeconds });
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}
