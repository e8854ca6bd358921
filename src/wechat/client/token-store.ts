/**
 * Where the access_token lives. WeChat has one token per account, so every process
 * of the server must read the same store, or they invalidate each other.
 */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}
