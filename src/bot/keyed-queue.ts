// Runs tasks one after another per key. A citizen's messages arrive close together (WeChat
// retries, several photos at once): handling them in order keeps the draft consistent within
// this process. Across processes, the draft's submissionKey still prevents double tips.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // Nothing running for this key (the usual case): start at once, without a hop through a
    // resolved promise.
    const next = previous ? previous.then(task, task) : start(task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    // Forget the key once idle, so the map does not grow with every citizen ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/** Runs the task now; a synchronous throw becomes a rejection, as it would inside then(). */
function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (err) {
    return Promise.reject(err);
  }
}
