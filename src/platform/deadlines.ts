/** A callback waiting in a DeadlineQueue; cancel() it when it is no longer needed. */
export interface Deadline {
  cancel(): void;
}

class Entry implements Deadline {
  constructor(readonly due: number, public fire: (() => void) | undefined) {}
  cancel(): void {
    this.fire = undefined;
  }
}

export interface DeadlineQueueOptions {
  /** How often due callbacks are looked for (default a quarter of the delay, at most 100 ms). */
  tickMs?: number;
  now?: () => number;
  /** Tests call tick() themselves. */
  manual?: boolean;
}

/**
 * Callbacks due a fixed delay after they were added — the webhook's reply budget, one per
 * message — run by one interval timer instead of a timer each. With one delay for all, they fall
 * due in the order they were added: a tick runs the front of the queue. A callback runs up to one
 * tick late (25 ms for the default 4 s budget, well inside WeChat's 5 s).
 *
 * A node timer per message cost a Timeout object and, each time the last one of its duration was
 * cleared, the removal and re-creation of node's list for that duration: under load that churn
 * was among the objects that outlived young-generation collections.
 */
export class DeadlineQueue {
  /** Entries from `head` on; the ones before it have been run or passed over. */
  private readonly queue: (Entry | undefined)[] = [];
  private head = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly delayMs: number, opts: DeadlineQueueOptions = {}) {
    if (!(delayMs > 0)) throw new RangeError('delayMs must be positive');
    this.now = opts.now ?? (() => performance.now());
    if (!opts.manual) {
      const tickMs = opts.tickMs ?? Math.max(1, Math.min(100, Math.floor(delayMs / 4)));
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
  }

  /** Callbacks added and neither run nor passed over yet (cancelled ones included until then). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  add(fire: () => void): Deadline {
    const entry = new Entry(this.now() + this.delayMs, fire);
    this.queue.push(entry);
    return entry;
  }

  /**
   * Runs the callbacks that are due, in the order they were added, and passes over cancelled
   * ones at the front at once (nothing waits on them), so the queue stays short under load.
   */
  tick(): void {
    const t = this.now();
    const q = this.queue;
    while (this.head < q.length) {
      const entry = q[this.head]!;
      const fire = entry.fire;
      if (fire !== undefined && entry.due > t) break;
      q[this.head] = undefined;
      this.head += 1;
      entry.fire = undefined;
      fire?.();
    }
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
