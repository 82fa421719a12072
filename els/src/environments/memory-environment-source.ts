// An in-memory EnvironmentSource for tests and the embedded default; the api-server's view of
// the data is replaced by explicit `put*` calls.
import type {
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
    this.#env(this.#flags, envId).set(flag.id, flag);
  }

  /** Deletes a flag by id. */
  removeFlag(envId: string, flagId: string): void {
    this.#flags.get(envId)?.delete(flagId);
  }

  /** Creates or replaces a segment (by id) in an environment. */
  putSegment(envId: string, segment: VersionedSegment): void {
    this.#env(this.#segments, envId).set(segment.id, segment);
  }

  /** Deletes a segment by id. */
  removeSegment(envId: string, segmentId: string): void {
    this.#segments.get(envId)?.delete(segmentId);
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
