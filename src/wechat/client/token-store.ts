/**
 * Where the access_token lives. WeChat has one token per account, so every process
 * of the server must read the same store, or they invalidate each other.
 */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<unknown>;
  /**
   * Sets only when absent; true when this call set it. With it, one process refreshes the token
   * while the others wait for it to appear.
   */
  add?(key: string, value: string, ttlSeconds: number): Promise<boolean>;
}
