// Where snapshots come from and where applied changes go besides memory: the shared cache
// (Redis) first, MongoDB on a miss (then the cache is filled), MongoDB alone while the cache is
// down. Environments whose cache copy may be stale (a write or read failed) are remembered and
// repaired once the cache answers again: refilled from the store, then topped up from memory.
import type { Logger } from 'pino';
import type { CacheEntry, FlagCache } from '../cache/flag-cache.js';
import type { EnvironmentContents, EnvironmentSource } from '../environments/environment-source.js';
import type { AppliedChange, LoggedTombstone, SnapshotContents } from './environment-snapshot.js';

/** An environment as loaded. */
export interface LoadedEnvironment {
  readonly contents: EnvironmentContents;
  /** From the cache: its floor and tombstones (a PATCH can start there). */
  readonly cached?: { readonly floor: number; readonly tombstones: readonly LoggedTombstone[] };
}

/** Loads environments through the cache and writes applied changes through to it. */
export class EnvironmentLoader {
  readonly #dirty = new Set<string>();
  #cacheUp = true;

  constructor(
    private readonly source: EnvironmentSource,
    private readonly cache: FlagCache | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** False after a cache request failed, until one succeeds (for `/readyz` and metrics). */
  get cacheUp(): boolean {
    return this.cache !== undefined && this.#cacheUp;
  }

  /** Environments whose cache copy waits for a repair. */
  get staleInCache(): number {
    return this.#dirty.size;
  }

  /**
   * The environment from the cache, else from the store (filling the cache with `floor`, the
   * time taken before the store was read: the floor the caller's snapshot gets too).
   */
  async load(envId: string, floor: number): Promise<LoadedEnvironment> {
    if (this.cache !== undefined && !this.#dirty.has(envId)) {
      try {
        const cached = await this.cache.read(envId);
        this.#up();
        if (cached !== undefined) return fromCache(cached.entries, cached.floor);
      } catch (err) {
        this.#down(envId, err, 'cache read failed; loading from the store');
      }
    }
    const contents = await this.source.loadEnvironment(envId);
    if (this.cache !== undefined && !this.#dirty.has(envId)) {
      try {
        await this.cache.fill(envId, contents, floor);
        this.#up();
      } catch (err) {
        this.#down(envId, err, 'cache fill failed');
      }
    }
    return { contents };
  }

  /** Writes an applied change to the cache in the background (a failure marks it stale). */
  write(change: AppliedChange): void {
    const cache = this.cache;
    if (cache === undefined || this.#dirty.has(change.envId)) return;
    const entries = changeEntries(change);
    cache.apply(change.envId, entries).then(
      () => this.#up(),
      (err: unknown) => this.#down(change.envId, err, 'cache write failed'),
    );
  }

  /**
   * Repairs the stale environments if the cache answers: refills each from the store, then
   * writes what memory holds on top (version checks keep the newest). `snapshotOf` gives the
   * loaded snapshot's contents, if any.
   */
  async repair(snapshotOf: (envId: string) => SnapshotContents | undefined): Promise<number> {
    const cache = this.cache;
    if (cache === undefined || this.#dirty.size === 0) return 0;
    try {
      await cache.ping();
    } catch {
      return 0;
    }
    this.#up();
    let repaired = 0;
    for (const envId of [...this.#dirty]) {
      try {
        const floor = this.now();
        const contents = await this.source.loadEnvironment(envId);
        const held = snapshotOf(envId);
        if (held === undefined) {
          // Not loaded here: drop the copy, the next reader fills it from the store.
          await cache.evict(envId);
        } else {
          await cache.fill(envId, contents, floor);
          await cache.apply(envId, snapshotEntries(held));
        }
        this.#dirty.delete(envId);
        repaired += 1;
      } catch (err) {
        this.logger.warn({ err, envId }, 'cache repair failed; will retry');
        return repaired;
      }
    }
    this.logger.info({ repaired }, 'cache repaired');
    return repaired;
  }

  #up(): void {
    this.#cacheUp = true;
  }

  #down(envId: string, err: unknown, message: string): void {
    if (this.#cacheUp) this.logger.warn({ err, envId }, message);
    this.#cacheUp = false;
    this.#dirty.add(envId);
  }
}

function fromCache(entries: readonly CacheEntry[], floor: number): LoadedEnvironment {
  const flags = [];
  const segments = [];
  const tombstones: LoggedTombstone[] = [];
  for (const e of entries) {
    if (e.type === 'flag') flags.push(e.flag);
    else if (e.type === 'segment') segments.push(e.segment);
    else tombstones.push({ ...e.deleted, type: e.type === 'deleted-flag' ? 'flag' : 'segment' });
  }
  return { contents: { flags, segments }, cached: { floor, tombstones } };
}

function changeEntries(change: AppliedChange): CacheEntry[] {
  return [
    ...change.flags.map((flag): CacheEntry => ({ type: 'flag', flag })),
    ...change.segments.map((segment): CacheEntry => ({ type: 'segment', segment })),
    ...change.deletedFlags.map((deleted): CacheEntry => ({ type: 'deleted-flag', deleted })),
    ...change.deletedSegments.map((deleted): CacheEntry => ({ type: 'deleted-segment', deleted })),
  ];
}

function snapshotEntries(held: SnapshotContents): CacheEntry[] {
  return [
    ...held.flags.map((flag): CacheEntry => ({ type: 'flag', flag })),
    ...held.segments.map((segment): CacheEntry => ({ type: 'segment', segment })),
    ...held.tombstones.map((t): CacheEntry => ({
      type: t.type === 'flag' ? 'deleted-flag' : 'deleted-segment',
      deleted: { id: t.id, key: t.key, version: t.version },
    })),
  ];
}
