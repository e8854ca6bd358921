// The SharedStore on Redis (ioredis), for several instances: every key under one prefix, expiry by
// Redis itself. The operations that read and write at once run as Lua scripts, which Redis
// executes atomically.
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { SharedStore } from './shared-store.js';

/** While Redis is unreachable ioredis reports every reconnect attempt: one log line per this long. */
export const ERROR_LOG_INTERVAL_MS = 10_000;

// Deletes only while the key holds ARGV[1] (a lock released by its owner only).
const DELETE_IF = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// A counter that starts with its window: the expiry is set when it is created (INCR made a key
// without one), never moved, also when a counter given back to 0 counts again.
const INCREMENT = `local n = redis.call('incr', KEYS[1]) if redis.call('pttl', KEYS[1]) == -1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n`;
// Takes one back from a live counter, never below 0 (DECR keeps the expiry); an absent one stays absent.
const DECREMENT = `local v = tonumber(redis.call('get', KEYS[1])) if v == nil then return 0 end if v > 0 then return redis.call('decr', KEYS[1]) end return 0`;

interface ScriptCommands {
  deleteIf(key: string, expected: string): Promise<number>;
  incrementWindow(key: string, ttlMs: number): Promise<number>;
  decrementLive(key: string): Promise<number>;
}

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key, so one Redis can serve several deployments. */
  prefix: string;
  /** Where connection errors are logged (through its `err` serializer, so never a command's keys or values). */
  logger: Logger;
  /** At most one error line per this many ms, with the count of those left out (tests shorten it). */
  errorLogIntervalMs?: number;
}

export class RedisStore implements SharedStore {
  private readonly redis: Redis & ScriptCommands;

  constructor(opts: RedisStoreOptions) {
    // A command waits for a reconnect rather than failing at once; after 3 tries it fails, and the
    // caller's own fallback applies (the webhook answers without dedupe, never with a 5xx).
    // Auto-pipelining sends the commands of concurrent messages issued in one tick as one write.
    const redis = new Redis(opts.url, { keyPrefix: opts.prefix, maxRetriesPerRequest: 3, enableAutoPipelining: true });
    redis.defineCommand('deleteIf', { numberOfKeys: 1, lua: DELETE_IF });
    redis.defineCommand('incrementWindow', { numberOfKeys: 1, lua: INCREMENT });
    redis.defineCommand('decrementLive', { numberOfKeys: 1, lua: DECREMENT });
    this.redis = redis as Redis & ScriptCommands;
    // Without an 'error' listener ioredis prints every failed reconnect to stderr with its stack
    // (dozens a second while Redis is down). The operations fail on their own (above); this only
    // says so in the log, at most once per interval.
    const log = opts.logger.child({ module: 'redis' });
    const interval = opts.errorLogIntervalMs ?? ERROR_LOG_INTERVAL_MS;
    let lastLogged = -Infinity;
    let suppressed = 0;
    let failing = false;
    redis.on('error', (err: unknown) => {
      failing = true;
      const now = Date.now();
      if (now - lastLogged < interval) {
        suppressed += 1;
        return;
      }
      log.error({ err, suppressed }, 'redis: connection error; shared-state operations fail until it is back');
      lastLogged = now;
      suppressed = 0;
    });
    redis.on('ready', () => {
      if (!failing) return;
      log.info({ suppressed }, 'redis: connected again');
      failing = false;
      lastLogged = -Infinity;
      suppressed = 0;
    });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'PX', ttlMs(ttlSeconds));
  }

  async add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', ttlMs(ttlSeconds), 'NX')) === 'OK';
  }

  async delete(key: string, expected?: string): Promise<boolean> {
    const n = expected === undefined ? await this.redis.del(key) : await this.redis.deleteIf(key, expected);
    return n > 0;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    return Number(await this.redis.incrementWindow(key, ttlMs(ttlSeconds)));
  }

  async decrement(key: string): Promise<number> {
    return Number(await this.redis.decrementLive(key));
  }

  /** For health checks. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

const ttlMs = (ttlSeconds: number) => Math.max(1, Math.round(ttlSeconds * 1000));
