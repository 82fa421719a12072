// The snapshots of the environments this ELS instance serves: loaded from the EnvironmentSource on
// first use, then kept current by change events, whose effects are announced to listeners.
import type { Logger } from 'pino';
import type { FeatureFlag } from '@vane/core';
import type { FlagCache } from '../cache/flag-cache.js';
import { changesFromContents } from '../environments/environment-source.js';
import type {
  EnvironmentChanges,
  EnvironmentSource,
  VersionedSegment,
} from '../environments/environment-source.js';
import { EnvironmentLoader } from './environment-loader.js';
import { EnvironmentSnapshot } from './environment-snapshot.js';
import type { AppliedChange, Tombstone } from './environment-snapshot.js';

/** A flag or segment change in domain form (decoded from `FlagChanged`/`SegmentChanged`). */
export type DefinitionChange =
  | {
      readonly type: 'flag';
      readonly envId: string;
      readonly version: number;
      readonly flag?: FeatureFlag;
      readonly deleted?: Tombstone;
    }
  | {
      readonly type: 'segment';
      readonly envId: string;
      readonly version: number;
      readonly segment?: VersionedSegment;
      readonly deleted?: Tombstone;
      readonly affectedFlagIds: readonly string[];
    };

/** Called once per applied change, synchronously, in order. */
export type ChangeListener = (change: AppliedChange) => void;

/** Options of the registry. */
export interface SnapshotRegistryOptions {
  readonly tombstoneLimit: number;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
  /** The shared cache (Redis); absent: every load reads the store. */
  readonly cache?: FlagCache;
}

/** What one catch-up did. */
export interface CatchUpResult {
  /** Changes applied (newer than what memory held). */
  readonly applied: number;
}

interface Entry {
  snapshot?: EnvironmentSnapshot;
  loading?: Promise<EnvironmentSnapshot>;
  pending: DefinitionChange[];
}

/** Per-environment snapshots with single-flight loading and ordered change application. */
export class SnapshotRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #now: () => number;
  /** Loads through the cache and writes applied changes through to it. */
  readonly loader: EnvironmentLoader;

  constructor(
    private readonly source: EnvironmentSource,
    private readonly options: SnapshotRegistryOptions,
    private readonly logger: Logger,
  ) {
    this.#now = options.now ?? Date.now;
    this.loader = new EnvironmentLoader(
      source,
      options.cache,
      logger.child({ module: 'environment-loader' }),
      this.#now,
    );
  }

  /** Ids of the loaded environments. */
  loaded(): string[] {
    return [...this.#entries].filter(([, e]) => e.snapshot !== undefined).map(([id]) => id);
  }

  /**
   * Asks the store what changed in a loaded environment after the newest version memory holds,
   * and applies it like changes from the feed (pushes included). Deletions the store already
   * purged show as held ids that are gone: they get a tombstone one version above the newest.
   * Rejects when the store is unavailable.
   */
  async catchUp(envId: string): Promise<CatchUpResult> {
    const snapshot = this.peek(envId);
    if (snapshot === undefined) return { applied: 0 };
    const since = snapshot.newestItemVersion;
    const changes: EnvironmentChanges =
      this.source.changesSince !== undefined
        ? await this.source.changesSince(envId, since)
        : changesFromContents(await this.source.loadEnvironment(envId), since);
    let applied = 0;
    const run = (change: DefinitionChange): void => {
      if (this.#apply(snapshot, change)) applied += 1;
    };
    for (const flag of changes.flags) run({ type: 'flag', envId, version: flag.version, flag });
    for (const deleted of changes.deletedFlags) {
      run({ type: 'flag', envId, version: deleted.version, deleted });
    }
    for (const segment of changes.segments) {
      run({ type: 'segment', envId, version: segment.version, segment, affectedFlagIds: [] });
    }
    for (const deleted of changes.deletedSegments) {
      run({ type: 'segment', envId, version: deleted.version, deleted, affectedFlagIds: [] });
    }
    // Held before the query (version ≤ since) and gone from the store: deleted and purged.
    const live = { flag: new Set(changes.liveFlagIds), segment: new Set(changes.liveSegmentIds) };
    const held = snapshot.contents();
    const gone = [
      ...held.flags
        .filter((f) => f.version <= since && !live.flag.has(f.id))
        .map((f) => ({ type: 'flag' as const, id: f.id, key: f.key })),
      ...held.segments
        .filter((s) => s.version <= since && !live.segment.has(s.id))
        .map((s) => ({ type: 'segment' as const, id: s.id, key: s.key ?? '' })),
    ];
    for (const item of gone) {
      const version = snapshot.version + 1;
      const deleted = { id: item.id, key: item.key, version };
      run(
        item.type === 'flag'
          ? { type: 'flag', envId, version, deleted }
          : { type: 'segment', envId, version, deleted, affectedFlagIds: [] },
      );
    }
    return { applied };
  }

  /** The environment's snapshot, loading it once; rejects when the source is unavailable. */
  get(envId: string): Promise<EnvironmentSnapshot> {
    const entry = this.#entries.get(envId);
    if (entry?.snapshot !== undefined) return Promise.resolve(entry.snapshot);
    if (entry?.loading !== undefined) return entry.loading;
    const fresh: Entry = { pending: [] };
    const floor = this.#now();
    fresh.loading = this.loader.load(envId, floor).then(
      async (loaded) => {
        const snapshot = new EnvironmentSnapshot(envId, loaded.contents, {
          tombstoneLimit: this.options.tombstoneLimit,
          ...(loaded.cached !== undefined
            ? { floor: loaded.cached.floor, tombstones: loaded.cached.tombstones }
            : { floor }),
        });
        fresh.snapshot = snapshot;
        fresh.loading = undefined;
        // Changes that arrived while loading: re-applied, version checks drop what the load saw.
        for (const change of fresh.pending.splice(0)) this.#apply(snapshot, change);
        if (loaded.cached !== undefined) {
          // The cache may miss changes made while no ELS was running: reconcile with the store.
          await this.catchUp(envId).catch((err: unknown) => {
            this.logger.warn(
              { err, envId },
              'catch-up after a cache load failed; serving the cache',
            );
          });
        }
        return snapshot;
      },
      (error: unknown) => {
        this.#entries.delete(envId);
        throw error;
      },
    );
    this.#entries.set(envId, fresh);
    return fresh.loading;
  }

  /** The snapshot if it is loaded, without loading it. */
  peek(envId: string): EnvironmentSnapshot | undefined {
    return this.#entries.get(envId)?.snapshot;
  }

  /** Applies a change to a loaded environment; environments not loaded ignore it (loaded fresh later). */
  apply(change: DefinitionChange): void {
    const entry = this.#entries.get(change.envId);
    if (entry === undefined) return;
    if (entry.snapshot === undefined) {
      entry.pending.push(change);
      return;
    }
    this.#apply(entry.snapshot, change);
  }

  /** Registers a listener for applied changes; returns its removal. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // True when the change was newer than what the snapshot held.
  #apply(snapshot: EnvironmentSnapshot, change: DefinitionChange): boolean {
    const applied =
      change.type === 'flag'
        ? snapshot.applyFlag(change.version, change.flag, change.deleted)
        : snapshot.applySegment(
            change.version,
            change.segment,
            change.deleted,
            change.affectedFlagIds,
          );
    if (applied === undefined) return false;
    for (const listener of this.#listeners) {
      try {
        listener(applied);
      } catch (error) {
        this.logger.error({ err: error, envId: change.envId }, 'change listener failed');
      }
    }
    // After the pushes: the write-through completes in the background either way, and issuing
    // it (entries, JSON, the Redis command) no longer delays the first socket's frame.
    this.loader.write(applied);
    return true;
  }
}
