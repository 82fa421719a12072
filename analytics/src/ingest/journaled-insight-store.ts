// The embedded default's insight store: the in-memory store, made durable by an append-only
// journal in the data folder (one JSON line per inserted batch, fsynced before `insert` resolves),
// replayed on open. So `npm start` keeps insights and experiment results across restarts.
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { InsightRecord } from './insight-record.js';
import type {
  ExperimentArmRow,
  ExperimentDataQuery,
  FlagInsightCounts,
  FlagInsightsQuery,
  InsightStore,
} from './insight-store.js';
import { MemoryInsightStore } from './memory-insight-store.js';

/** What `open` found in the journal. */
export interface InsightReplayReport {
  readonly batches: number;
  readonly records: number;
  /** The last line was cut short (a crash mid-append); it was never acknowledged and is dropped. */
  readonly tornTail: boolean;
}

/** An `InsightStore` kept in memory and journaled to one file (owner-only, 0600). */
export class JournaledInsightStore implements InsightStore {
  readonly #memory: MemoryInsightStore;
  readonly #handle: FileHandle;
  #tail: Promise<void> = Promise.resolve();

  private constructor(
    memory: MemoryInsightStore,
    handle: FileHandle,
    readonly report: InsightReplayReport,
  ) {
    this.#memory = memory;
    this.#handle = handle;
  }

  /** Replays `path` (if it exists) and opens it for appending; creates its folder 0700. */
  static async open(path: string): Promise<JournaledInsightStore> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await chmod(dirname(path), 0o700);
    const memory = new MemoryInsightStore();
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const lines = text.split('\n');
    let batches = 0;
    let records = 0;
    let tornTail = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let batch: InsightRecord[];
      try {
        batch = JSON.parse(line) as InsightRecord[];
      } catch (err) {
        // Only the last line can be cut short by a crash; anything else is corruption.
        if (i === lines.length - 1) {
          tornTail = true;
          continue;
        }
        throw new Error(`${path} line ${i + 1} is corrupt`, { cause: err });
      }
      await memory.insert(batch);
      batches += 1;
      records += batch.length;
    }
    const handle = await open(path, 'a', 0o600);
    await handle.chmod(0o600);
    if (tornTail) {
      // Start the next append on a fresh line so the torn bytes stay one bad line, then drop it.
      await handle.truncate(text.lastIndexOf('\n') + 1);
    }
    return new JournaledInsightStore(memory, handle, { batches, records, tornTail });
  }

  /** Appends the new records (ids not stored yet) and fsyncs, then makes them queryable. */
  insert(records: readonly InsightRecord[]): Promise<void> {
    const run = this.#tail.then(async () => {
      const fresh = records.filter((r) => !this.#memory.has(r.eventId));
      if (fresh.length === 0) return;
      await this.#handle.appendFile(`${JSON.stringify(fresh)}\n`);
      await this.#handle.sync();
      await this.#memory.insert(fresh);
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** As the memory store. */
  flagInsights(query: FlagInsightsQuery): Promise<FlagInsightCounts> {
    return this.#memory.flagInsights(query);
  }

  /** As the memory store. */
  experimentData(query: ExperimentDataQuery): Promise<readonly ExperimentArmRow[]> {
    return this.#memory.experimentData(query);
  }

  /** Ready once open. */
  ping(): Promise<void> {
    return this.#memory.ping();
  }

  /** Waits for pending appends, closes the file and the memory store. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#handle.close();
    await this.#memory.close();
  }
}
