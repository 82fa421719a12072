// The durable half of the embedded store: a JSON-lines journal of state changes plus a snapshot.
// Every entry is an absolute state change (the whole document after the write, a removal, a
// counter's new value), so replaying an entry twice is harmless; this is what makes compaction
// crash-safe (snapshot written and renamed first, journal emptied after).
// Replay restores documents exactly as they were stored and does not judge them: a flag or segment
// that breaks the contract's limits (written before they were enforced) is neither dropped nor
// fatal. The api-server reports such definitions at start-up and refuses updates that leave them
// over a limit (see `flags/stored-definitions.ts`).
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredDocument } from './document-store.js';

/** One journaled state change. */
export type JournalEntry =
  | { readonly op: 'put'; readonly c: string; readonly doc: StoredDocument }
  | { readonly op: 'del'; readonly c: string; readonly id: string }
  | { readonly op: 'clear'; readonly c: string }
  | { readonly op: 'counter'; readonly k: string; readonly v: number };

/** The whole state at one moment: documents per collection, and counters. */
export interface Snapshot {
  readonly collections: Record<string, StoredDocument[]>;
  readonly counters: Record<string, number>;
}

/** What replaying a data directory found. */
export interface ReplayReport {
  readonly entries: number;
  /** A last line cut short by a crash, ignored. */
  readonly tornTail: boolean;
}

/** The journal's file in a data directory (JSON lines, appended and fsynced). */
export const JOURNAL_FILE = 'journal.jsonl';
/** The snapshot's file in a data directory (replaced atomically by compaction). */
export const SNAPSHOT_FILE = 'snapshot.json';
/** Journal and snapshot files are owner-only (0600), in an owner-only folder (0700). */
const FILE_MODE = 0o600;

interface Waiter {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * An append-only journal with group commit: entries appended while an fsync runs are written
 * and synced together by the next one. A write resolves only once its entry is on disk.
 */
export class Journal {
  #queue: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  /** Settles when the newest appended entry is durable (entries become durable in order). */
  #last: Promise<void> = Promise.resolve();
  #failed: unknown;
  #bytes = 0;
  /** fsyncs of the journal so far (group commit makes this smaller than the writes). */
  syncs = 0;
  /** Compactions so far (at open, and whenever the journal outgrows `compactAtBytes`). */
  compactions = 0;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private readonly snapshot: () => Snapshot,
    private readonly compactAtBytes: number,
  ) {}

  /**
   * Replays the snapshot and journal of `dir` into `load`/`apply`, then compacts them into a
   * fresh snapshot and an empty journal. Creates the directory if needed.
   */
  static async open(
    dir: string,
    load: (snapshot: Snapshot) => void,
    apply: (entry: JournalEntry) => void,
    snapshot: () => Snapshot,
    compactAtBytes: number,
  ): Promise<{ journal: Journal; report: ReplayReport }> {
    // Owner-only: the documents hold SDK secrets in clear. chmod also tightens an older folder.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const stored = await readIfExists(join(dir, SNAPSHOT_FILE));
    if (stored !== undefined) load(JSON.parse(stored) as Snapshot);
    const text = (await readIfExists(join(dir, JOURNAL_FILE))) ?? '';
    const lines = text.split('\n');
    let entries = 0;
    let tornTail = false;
    lines.forEach((line, i) => {
      if (line === '') return;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch (err) {
        // A crash in the middle of an append leaves the last line cut short. That write never
        // resolved (its fsync did not finish), so nobody was told it succeeded: drop it. A bad
        // line anywhere else is corruption, and starting on partial state would hide it.
        if (i === lines.length - 1) {
          tornTail = true;
          return;
        }
        throw new Error(`${join(dir, JOURNAL_FILE)} line ${i + 1} is corrupt`, { cause: err });
      }
      apply(entry);
      entries += 1;
    });
    const handle = await open(join(dir, JOURNAL_FILE), 'a', FILE_MODE);
    await handle.chmod(FILE_MODE);
    const journal = new Journal(dir, handle, snapshot, compactAtBytes);
    await journal.#compact();
    return { journal, report: { entries, tornTail } };
  }

  /** Appends an entry; resolves once it is durable. Entries are written in call order. */
  append(entry: JournalEntry): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#unusable());
    const written = new Promise<void>((resolve, reject) => {
      this.#queue.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
      this.#flushing ??= this.#flush();
    });
    this.#last = written.catch(() => undefined);
    return written;
  }

  /** Resolves once every entry appended so far is durable (rejects if the journal failed). */
  async barrier(): Promise<void> {
    await this.#last;
    if (this.#failed !== undefined) throw this.#unusable();
  }

  /** Whether every write so far reached the disk. */
  get healthy(): boolean {
    return this.#failed === undefined;
  }

  /** Throws if a write failed: memory may then hold changes the disk lacks. */
  assertHealthy(): void {
    if (this.#failed !== undefined) throw this.#unusable();
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    await this.#last;
    await this.#flushing;
    await this.handle.close();
  }

  #unusable(): Error {
    return new Error('the store journal failed; restart to recover from disk', {
      cause: this.#failed,
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        if (this.#failed !== undefined) {
          for (const w of this.#queue) w.reject(this.#unusable());
          this.#queue = [];
          return;
        }
        const batch = this.#queue;
        this.#queue = [];
        try {
          const text = batch.map((w) => w.line).join('');
          await this.handle.write(text);
          await this.handle.datasync();
          this.syncs += 1;
          this.#bytes += Buffer.byteLength(text);
        } catch (err) {
          // Memory now holds writes the disk may not: stop serving rather than diverge.
          this.#failed = err;
          for (const w of [...batch, ...this.#queue]) w.reject(this.#unusable());
          this.#queue = [];
          return;
        }
        for (const w of batch) w.resolve();
        if (this.#bytes >= this.compactAtBytes) await this.#compactOrFail();
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #compactOrFail(): Promise<void> {
    try {
      await this.#compact();
    } catch (err) {
      this.#failed = err;
    }
  }

  /**
   * Writes the current state as the snapshot (temp file, fsync, rename, fsync the directory),
   * then empties the journal. A crash in between replays the old journal over the new snapshot,
   * which is harmless because entries are absolute.
   */
  async #compact(): Promise<void> {
    const target = join(this.dir, SNAPSHOT_FILE);
    const temp = `${target}.tmp`;
    const handle = await open(temp, 'w', FILE_MODE);
    try {
      await handle.chmod(FILE_MODE);
      await handle.writeFile(JSON.stringify(this.snapshot()));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    await syncPath(this.dir);
    await this.handle.truncate(0);
    await this.handle.sync();
    this.#bytes = 0;
    this.compactions += 1;
  }
}
