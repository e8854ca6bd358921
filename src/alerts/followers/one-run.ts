// One run of a followers job at a time: the tag sync and the follower import. Within a process a
// second call joins the call going, from the moment it is made, so which of two store replies
// arrives first cannot split them; across instances a lock in the shared store makes the others
// skip. The lock holds this run's own token, so a run only ever releases its own lock, and its TTL
// frees it when the holder dies without releasing it.
import { randomBytes } from 'node:crypto';
import type { SharedStore } from '../../platform/shared-store.js';

export interface OneRunOptions {
  /** Without a store, runs are single only within this process. */
  store?: SharedStore;
  key: string;
  /** Longer than a run can take: a run past it may meet a second one. */
  ttlSeconds: number;
}

/** Wraps `run`: the result, or null when another instance holds the lock. */
export function oneRunAtATime<T>(opts: OneRunOptions, run: () => Promise<T>): () => Promise<T | null> {
  let going: Promise<T | null> | undefined;

  async function locked(): Promise<T | null> {
    if (!opts.store) return run();
    const token = `${process.pid}:${randomBytes(9).toString('base64url')}`;
    if (!(await opts.store.add(opts.key, token, opts.ttlSeconds))) return null;
    try {
      return await run();
    } finally {
      await opts.store.delete(opts.key, token).catch(() => undefined);
    }
  }

  return () => {
    if (going) return going;
    // finally's callback runs after this assignment, even when `locked` fails at once.
    const p: Promise<T | null> = locked().finally(() => {
      if (going === p) going = undefined;
    });
    going = p;
    return p;
  };
}
