// Group commit: callers that want to write at the same time share one database round trip (or one
// transaction) instead of paying one each. The first item of a quiet period is written at once
// (no added latency when idle); while a write is in flight, newcomers queue and go together in
// the next one, up to `maxBatch`. Each caller's promise settles only after its own item's write
// has finished, so "committed before the caller is told" still holds item by item.
//
// The same queue groups reads that want the same kind of rows (e.g. several citizens' latest tips
// in one statement). The writer reports one outcome per item, so it can isolate a bad item (e.g. retry the members
// of a failed batch one by one) instead of failing its neighbours.

export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type BatchWriter<T, R> = (items: readonly T[]) => Promise<Array<ItemOutcome<R>>>;

export interface GroupCommit<T, R> {
  /** Queues the item; resolves with its outcome once the batch that carried it has been written. */
  write(item: T): Promise<R>;
  /** Resolves when nothing is queued or being written (tests, shutdown). */
  idle(): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve(value: R): void;
  reject(err: unknown): void;
}

export function createGroupCommit<T, R>(writer: BatchWriter<T, R>, opts: { maxBatch: number }): GroupCommit<T, R> {
  const maxBatch = Math.max(1, opts.maxBatch);
  const queue: Array<Waiting<T, R>> = [];
  let draining: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: Array<ItemOutcome<R>>;
      try {
        outcomes = await writer(batch.map((w) => w.item));
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (o?.ok) w.resolve(o.value);
        else w.reject(o ? o.error : new Error('group commit: no outcome for item'));
      });
    }
  }

  const start = () => {
    // A microtask first: items queued by the same synchronous run travel together.
    draining = new Promise<void>((r) => queueMicrotask(r))
      .then(drain)
      .finally(() => {
        draining = undefined;
        if (queue.length > 0) start();
      });
  };

  return {
    write(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!draining) start();
      });
    },
    async idle() {
      while (draining) await draining.catch(() => undefined);
    },
  };
}
