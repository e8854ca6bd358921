// Sign-in attempts counted per key (`user:<canonical username>`, `ip:<client address>`): past the
// limit within one window the key is refused until that window ends. The counters live in the
// SharedStore and grow by its atomic increment, so every instance counts every attempt.
//
// An attempt is counted before its password is checked, never after: the count decides, so of any
// number of simultaneous guesses only the limit reach the (slow) check. What turns out not to be a
// failure is given back (`giveBack`), so a counter holds failures and checks still under way.
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

  /**
   * Counts one attempt; true when it is within the limit and may be checked. A refused attempt
   * stays counted: the window (lockMinutes, from the run's first attempt) does not move.
   */
  async take(key: string): Promise<boolean> {
    const count = await this.opts.store.increment(PREFIX + key, this.opts.lockMinutes * 60);
    return count <= this.limitFor(key);
  }

  /** Uncounts an attempt that was not a failure: it succeeded, or another key refused it. */
  async giveBack(key: string): Promise<void> {
    await this.opts.store.decrement(PREFIX + key);
  }

  /** The account signed in: its run of failures ends. */
  async succeed(key: string): Promise<void> {
    await this.opts.store.delete(PREFIX + key);
  }
}
