// MariaDB's answer to two transactions waiting on each other: InnoDB picks a victim and rolls it
// back (errno 1213); running the victim's transaction again is the documented answer. SQLite has
// one writer and never deadlocks, so there the retry never happens.

const isDeadlock = (err: unknown): boolean => {
  const parent = (err as { parent?: { errno?: number; code?: string } }).parent;
  return parent?.errno === 1213 || parent?.code === 'ER_LOCK_DEADLOCK';
};

/** Runs `run` (a whole transaction) again when it was a deadlock's victim, up to `attempts` times, after a short random pause. */
export async function withDeadlockRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i += 1) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isDeadlock(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * i));
    }
  }
}
