// An in-memory EnvironmentSource for tests and the embedded default; the api-server's view of
// the data is replaced by explicit `put*` calls.
import type {
  DeletedItem,
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
  VersionedFlag,
  VersionedSegment,
} from './environment-source.js';

/** An EnvironmentSource backed by maps; mutate it with the `put*`/`remove*` methods. */
export class MemoryEnvironmentSource implements EnvironmentSource {
  readonly #secrets = new Map<string, SecretGrant>();
  readonly #flags = new Map<string, Map<string, VersionedFlag>>();
  readonly #segments = new Map<string, Map<string, VersionedSegment>>();
  // Tombstones of deletions made with a version (as the api-server's before they are purged).
  readonly #deletedFlags = new Map<string, Map<string, DeletedItem>>();
  readonly #deletedSegments = new Map<string, Map<string, DeletedItem>>();

  /** Registers an SDK secret for an environment. */
  putSecret(secret: string, grant: SecretGrant): void {
    this.#secrets.set(secret, { ...grant });
  }

  /** Revokes an SDK secret. */
  removeSecret(secret: string): void {
    this.#secrets.delete(secret);
  }

  /** Creates or replaces a flag (by id) in an environment. */
  putFlag(envId: string, flag: VersionedFlag): void {
    this.#deletedFlags.get(envId)?.delete(flag.id);
    this.#env(this.#flags, envId).set(flag.id, flag);
  }

  /** Deletes a flag by id; with a version, keeps its tombstone for `changesSince`. */
  removeFlag(envId: string, flagId: string, version?: number): void {
    const flag = this.#flags.get(envId)?.get(flagId);
    this.#flags.get(envId)?.delete(flagId);
    if (version !== undefined) {
      const key = flag?.key ?? '';
      this.#env(this.#deletedFlags, envId).set(flagId, { id: flagId, key, version });
    }
  }

  /** Creates or replaces a segment (by id) in an environment. */
  putSegment(envId: string, segment: VersionedSegment): void {
    this.#deletedSegments.get(envId)?.delete(segment.id);
    this.#env(this.#segments, envId).set(segment.id, segment);
  }

  /** Deletes a segment by id; with a version, keeps its tombstone for `changesSince`. */
  removeSegment(envId: string, segmentId: string, version?: number): void {
    const segment = this.#segments.get(envId)?.get(segmentId);
    this.#segments.get(envId)?.delete(segmentId);
    if (version !== undefined) {
      const key = segment?.key ?? '';
      this.#env(this.#deletedSegments, envId).set(segmentId, { id: segmentId, key, version });
    }
  }

  /** Forgets the tombstones (as the api-server purges them once relayed). */
  purgeTombstones(envId: string): void {
    this.#deletedFlags.delete(envId);
    this.#deletedSegments.delete(envId);
  }

  /** See EnvironmentSource. */
  findSecret(secret: string): Promise<SecretGrant | undefined> {
    return Promise.resolve(this.#secrets.get(secret));
  }

  /** See EnvironmentSource. */
  loadEnvironment(envId: string): Promise<EnvironmentContents> {
    return Promise.resolve({
      flags: [...(this.#flags.get(envId)?.values() ?? [])],
      segments: [...(this.#segments.get(envId)?.values() ?? [])],
    });
  }

  /** See EnvironmentSource. */
  changesSince(envId: string, since: number): Promise<EnvironmentChanges> {
    const flags = [...(this.#flags.get(envId)?.values() ?? [])];
    const segments = [...(this.#segments.get(envId)?.values() ?? [])];
    const newer = <T extends { version: number }>(items: Iterable<T>): T[] =>
      [...items].filter((i) => i.version > since);
    return Promise.resolve({
      flags: newer(flags),
      segments: newer(segments),
      deletedFlags: newer(this.#deletedFlags.get(envId)?.values() ?? []),
      deletedSegments: newer(this.#deletedSegments.get(envId)?.values() ?? []),
      liveFlagIds: flags.map((f) => f.id),
      liveSegmentIds: segments.map((s) => s.id),
    });
  }

  /** See EnvironmentSource. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  #env<T>(maps: Map<string, Map<string, T>>, envId: string): Map<string, T> {
    let map = maps.get(envId);
    if (map === undefined) {
      map = new Map();
      maps.set(envId, map);
    }
    return map;
  }
}
