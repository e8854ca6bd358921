// Failed logins counted per key (`user:<canonical username>`, `ip:<client address>`): after too
// many within one window the key is locked until that window ends. The counters live in the
// SharedStore and grow by its atomic increment, so every instance counts every failure.
import type { SharedStore } from '../platform/shared-store.js';

export interface ThrottleOptions {
  maxFailures: number;
  lockMinutes: number;
  /** Where the counters live: the service's shared store. */
  store: SharedStore;
}

const PREFIX = 'login-failures:';

export class LoginThrottle {
  constructor(private readonly opts: ThrottleOptions) {}

  private limitFor(key: string): number {
    // Many staff can share one office NAT address: the IP limit is looser than the account's.
    return key.startsWith('ip:') ? this.opts.maxFailures * 4 : this.opts.maxFailures;
  }

  async isLocked(key: string): Promise<boolean> {
    const count = Number(await this.opts.store.get(PREFIX + key) ?? 0);
    return count >= this.limitFor(key);
  }

  /** Counts a failure; the window (lockMinutes) starts at the first failure of a run. */
  async fail(key: string): Promise<void> {
    await this.opts.store.increment(PREFIX + key, this.opts.lockMinutes * 60);
  }

  async succeed(key: string): Promise<void> {
    await this.opts.store.delete(PREFIX + key);
  }
}
