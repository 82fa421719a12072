// The snapshots of the environments this ELS instance serves: loaded from the EnvironmentSource on
// first use, then kept current by change events, whose effects are announced to listeners.
import type { Logger } from 'pino';
import type { FeatureFlag } from '@vane/core';
import type { EnvironmentSource, VersionedSegment } from '../environments/environment-source.js';
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

  constructor(
    private readonly source: EnvironmentSource,
    private readonly options: SnapshotRegistryOptions,
    private readonly logger: Logger,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** The environment's snapshot, loading it once; rejects when the source is unavailable. */
  get(envId: string): Promise<EnvironmentSnapshot> {
    const entry = this.#entries.get(envId);
    if (entry?.snapshot !== undefined) return Promise.resolve(entry.snapshot);
    if (entry?.loading !== undefined) return entry.loading;
    const fresh: Entry = { pending: [] };
    const floor = this.#now();
    fresh.loading = this.source.loadEnvironment(envId).then(
      (contents) => {
        const snapshot = new EnvironmentSnapshot(envId, contents, {
          tombstoneLimit: this.options.tombstoneLimit,
          floor,
        });
        fresh.snapshot = snapshot;
        fresh.loading = undefined;
        // Changes that arrived while loading: re-applied, version checks drop what the load saw.
        for (const change of fresh.pending.splice(0)) this.#apply(snapshot, change);
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

  #apply(snapshot: EnvironmentSnapshot, change: DefinitionChange): void {
    const applied =
      change.type === 'flag'
        ? snapshot.applyFlag(change.version, change.flag, change.deleted)
        : snapshot.applySegment(
            change.version,
            change.segment,
            change.deleted,
            change.affectedFlagIds,
          );
    if (applied === undefined) return;
    for (const listener of this.#listeners) {
      try {
        listener(applied);
      } catch (error) {
        this.logger.error({ err: error, envId: change.envId }, 'change listener failed');
      }
    }
  }
}
