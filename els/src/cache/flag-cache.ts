// The port of ELS's shared cache of environment definitions (Redis in production): per
// environment, every item by id with its version, an index by version for cheap patches, and the
// environment's version and floor. A cache, not the source of truth: MongoDB is, and what is read
// from here is reconciled with it by version.
import type {
  DeletedItem,
  EnvironmentContents,
  VersionedFlag,
  VersionedSegment,
} from '../environments/environment-source.js';

/** One cached item: a definition (archived ones included) or the tombstone of a deletion. */
export type CacheEntry =
  | { readonly type: 'flag'; readonly flag: VersionedFlag }
  | { readonly type: 'segment'; readonly segment: VersionedSegment }
  | { readonly type: 'deleted-flag'; readonly deleted: DeletedItem }
  | { readonly type: 'deleted-segment'; readonly deleted: DeletedItem };

/** An environment as cached. */
export interface CachedEnvironment {
  /** The greatest version of any entry (or the floor when greater). */
  readonly version: number;
  /** The lowest version a PATCH can start from: tombstones before it are unknown. */
  readonly floor: number;
  readonly entries: readonly CacheEntry[];
}

/** Entries newer than a version, with the environment's version. */
export interface CachedChanges {
  readonly version: number;
  readonly floor: number;
  readonly entries: readonly CacheEntry[];
}

/** Thrown by adapters when the cache cannot be reached or answered with an error. */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CacheUnavailableError';
  }
}

/** The shared definitions cache. Every method rejects with `CacheUnavailableError` when down. */
export interface FlagCache {
  /** The whole environment, or undefined when it is not cached (a miss). */
  read(envId: string): Promise<CachedEnvironment | undefined>;
  /** Entries with a version above `since` (a range read on the index); undefined on a miss. */
  changesSince(envId: string, since: number): Promise<CachedChanges | undefined>;
  /** Replaces the environment with these contents (after a miss or to repair it). */
  fill(envId: string, contents: EnvironmentContents, floor: number): Promise<void>;
  /**
   * Writes the entries that are newer than what is held for their item, atomically; does
   * nothing for an environment that is not cached (the next reader fills it).
   */
  apply(envId: string, entries: readonly CacheEntry[]): Promise<void>;
  /** Removes the environment (the next reader fills it again). */
  evict(envId: string): Promise<void>;
  /** Resolves when the cache answers. */
  ping(): Promise<void>;
}

/** `f:<id>` or `s:<id>`: the item an entry belongs to. */
export function entryField(entry: CacheEntry): string {
  switch (entry.type) {
    case 'flag':
      return `f:${entry.flag.id}`;
    case 'segment':
      return `s:${entry.segment.id}`;
    case 'deleted-flag':
      return `f:${entry.deleted.id}`;
    case 'deleted-segment':
      return `s:${entry.deleted.id}`;
  }
}

/** The entry's version. */
export function entryVersion(entry: CacheEntry): number {
  switch (entry.type) {
    case 'flag':
      return entry.flag.version;
    case 'segment':
      return entry.segment.version;
    default:
      return entry.deleted.version;
  }
}

/** The entries of a full load. */
export function entriesOf(contents: EnvironmentContents): CacheEntry[] {
  return [
    ...contents.flags.map((flag): CacheEntry => ({ type: 'flag', flag })),
    ...contents.segments.map((segment): CacheEntry => ({ type: 'segment', segment })),
  ];
}
