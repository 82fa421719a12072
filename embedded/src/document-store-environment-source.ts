// ELS's EnvironmentSource over the api-server's DocumentStore, for the embedded platform: in one
// process both services share the store instead of ELS reading MongoDB. It reads the documents
// of the shared stored-document contract (`@vane/server-kit/documents`), as ELS's MongoDB
// adapter does, so both report the same contents, changes and tombstones.
import { listAll } from '@vane/api-server';
import type { Collection, DocumentStore } from '@vane/api-server';
import {
  ENVIRONMENTS,
  FLAGS,
  SEGMENTS,
  coreFlag,
  coreSegment,
  secretGrant,
  tombstoneOf,
} from '@vane/server-kit/documents';
import type { EnvironmentDoc, FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import type {
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
} from '@vane/els';
import { SourceUnavailableError } from '@vane/els';

/** Reads secrets and definitions straight from the api-server's store. */
export class DocumentStoreEnvironmentSource implements EnvironmentSource {
  constructor(private readonly store: DocumentStore) {}

  /** See EnvironmentSource. */
  async findSecret(secret: string): Promise<SecretGrant | undefined> {
    const env = await this.#guard(() =>
      this.store.collection<EnvironmentDoc>(ENVIRONMENTS.name).findOne({ 'secrets.value': secret }),
    );
    return env === undefined ? undefined : secretGrant(env, secret);
  }

  /** See EnvironmentSource. */
  async loadEnvironment(envId: string): Promise<EnvironmentContents> {
    const [flags, segments] = await this.#guard(() =>
      Promise.all([listAll(this.#flags(), { envId }), listAll(this.#segments(), { envId })]),
    );
    return { flags: flags.map(coreFlag), segments: segments.map(coreSegment) };
  }

  /**
   * See EnvironmentSource. Live documents with `version > since`, the tombstones the store still
   * holds with `version > since` (a deleted document stays until its change is relayed), and
   * the ids of every live document.
   */
  async changesSince(envId: string, since: number): Promise<EnvironmentChanges> {
    const newer = { envId, version: { gt: since } };
    const [flags, segments, deletedFlags, deletedSegments, flagIds, segmentIds] = await this.#guard(
      () =>
        Promise.all([
          listAll(this.#flags(), newer),
          listAll(this.#segments(), newer),
          this.#flags().tombstones(newer),
          this.#segments().tombstones(newer),
          // Only the ids of the live documents, not the documents.
          this.#flags().distinct('_id', { envId }),
          this.#segments().distinct('_id', { envId }),
        ]),
    );
    return {
      flags: flags.map(coreFlag),
      segments: segments.map(coreSegment),
      deletedFlags: deletedFlags.map(tombstoneOf),
      deletedSegments: deletedSegments.map(tombstoneOf),
      liveFlagIds: flagIds.map(String),
      liveSegmentIds: segmentIds.map(String),
    };
  }

  /** See EnvironmentSource. */
  async ping(): Promise<void> {
    if (!(await this.store.ping()))
      throw new SourceUnavailableError('the document store is closed');
  }

  #flags(): Collection<FlagDoc> {
    return this.store.collection<FlagDoc>(FLAGS.name);
  }

  #segments(): Collection<SegmentDoc> {
    return this.store.collection<SegmentDoc>(SEGMENTS.name);
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new SourceUnavailableError('the document store cannot be read', { cause });
    }
  }
}
