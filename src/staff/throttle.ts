// Failed logins counted per key (`user:<canonical username>`, `ip:<client address>`), locked for
// a window after too many. The counters sit behind KeyValueStore so that a shared store (Redis)
// makes every instance see the same counts; the default store is in process.
import { MemoryStore, type KeyValueStore } from '../platform/stores.js';

export interface ThrottleOptions {
  maxFailures: number;
  lockMinutes: number;
  /** Where the counters live (default: in process). */
  store?: KeyValueStore<ThrottleCounter>;
}

export interface ThrottleCounter { failures: number; lockedUntil: number; lastAt: number }

export class LoginThrottle {
  private readonly store: KeyValueStore<ThrottleCounter>;
  // Read-modify-write of one key runs one at a time, so parallel failures are all counted in this
  // process. A shared store needs its own atomic increment for the same across instances.
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: ThrottleOptions) {
    this.store = opts.store ?? new MemoryStore<ThrottleCounter>();
  }

  private get windowMs(): number {
    return this.opts.lockMinutes * 60_000;
  }

  private limitFor(key: string): number {
    // Many staff can share one office NAT address: the IP limit is looser than the account's.
    return key.startsWith('ip:') ? this.opts.maxFailures * 4 : this.opts.maxFailures;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.pending.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.then(() => undefined, () => undefined);
    this.pending.set(key, tail);
    void tail.then(() => { if (this.pending.get(key) === tail) this.pending.delete(key); });
    return run;
  }

  async isLocked(key: string, now = Date.now()): Promise<boolean> {
    const c = await this.store.get(key);
    return Boolean(c && c.lockedUntil > now);
  }

  fail(key: string, now = Date.now()): Promise<void> {
    return this.serial(key, async () => {
      const c = await this.store.get(key);
      const fresh = !c || now - c.lastAt > this.windowMs;
      const next: ThrottleCounter = { failures: fresh ? 1 : c.failures + 1, lockedUntil: fresh ? 0 : c.lockedUntil, lastAt: now };
      if (next.failures >= this.limitFor(key)) next.lockedUntil = now + this.windowMs;
      // A counter lives a window past its last failure, which covers any lock it holds.
      await this.store.set(key, next, Math.ceil(this.windowMs / 1000));
    });
  }

  succeed(key: string): Promise<void> {
    return this.serial(key, () => this.store.delete(key));
  }
}
