// Serializes async work per key within this process. The MongoDB store needs it because FerretDB
// 1.24 applies an update as read-document, change-in-Go, write-whole-document-by-_id, without
// re-checking the filter: two concurrent updates of one document silently lose one of them.

/** Runs tasks one at a time per key, in call order; different keys run concurrently. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task of `key` has settled; resolves with its result. */
  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /**
   * Runs `task` holding every key of `keys` (taken one by one in sorted order, so two callers of
   * `runAll` never wait for each other in a cycle).
   */
  async runAll<R>(keys: Iterable<string>, task: () => Promise<R>): Promise<R> {
    const sorted = [...new Set(keys)].sort();
    const hold = (i: number): Promise<R> =>
      i === sorted.length ? task() : this.run(sorted[i]!, () => hold(i + 1));
    return hold(0);
  }

  /** Whether `key` has running or waiting tasks. */
  has(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Keys with running or waiting tasks (tests check that nothing leaks). */
  get size(): number {
    return this.#tails.size;
  }
}
