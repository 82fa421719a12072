// A read-only EnvironmentSource over the api-server's MongoDB collections.
//
// Coupling, on purpose and read-only: ELS reads the documents the api-server writes. Their
// collection names, types and conversion to core are the shared stored-document contract
// (`@vane/server-kit/documents`), so a change to those documents changes both sides at once.
import type { Collection, Db } from 'mongodb';
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
import { SourceUnavailableError } from './environment-source.js';
import type {
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
} from './environment-source.js';

/** Reads secrets and definitions from the api-server's database. */
export class MongoEnvironmentSource implements EnvironmentSource {
  readonly #flags: Collection<FlagDoc>;
  readonly #segments: Collection<SegmentDoc>;
  readonly #environments: Collection<EnvironmentDoc>;

  constructor(private readonly db: Db) {
    this.#flags = db.collection<FlagDoc>(FLAGS.name);
    this.#segments = db.collection<SegmentDoc>(SEGMENTS.name);
    this.#environments = db.collection<EnvironmentDoc>(ENVIRONMENTS.name);
  }

  /** See EnvironmentSource. */
  async findSecret(secret: string): Promise<SecretGrant | undefined> {
    const env = await this.#guard(() =>
      this.#environments.findOne({ 'secrets.value': secret, deleted: { $ne: true } }),
    );
    return env === null ? undefined : secretGrant(env, secret);
  }

  /** See EnvironmentSource. */
  async loadEnvironment(envId: string): Promise<EnvironmentContents> {
    const live = { envId, deleted: { $ne: true } };
    const [flags, segments] = await this.#guard(() =>
      Promise.all([this.#flags.find(live).toArray(), this.#segments.find(live).toArray()]),
    );
    return {
      flags: flags.map(coreFlag),
      segments: segments.map(coreSegment),
    };
  }

  /**
   * See EnvironmentSource. Reads documents with `version > since` (tombstones included: the
   * api-server keeps `deleted: true` documents until their change is relayed) and the `_id` of
   * every live document.
   */
  async changesSince(envId: string, since: number): Promise<EnvironmentChanges> {
    const newer = { envId, version: { $gt: since } };
    const live = { envId, deleted: { $ne: true } };
    const ids = { projection: { _id: 1 } };
    const [flags, segments, flagIds, segmentIds] = await this.#guard(() =>
      Promise.all([
        this.#flags.find(newer).toArray(),
        this.#segments.find(newer).toArray(),
        this.#flags.find(live, ids).toArray(),
        this.#segments.find(live, ids).toArray(),
      ]),
    );
    const alive = (d: { deleted?: boolean }): boolean => d.deleted !== true;
    const dead = (d: { deleted?: boolean }): boolean => d.deleted === true;
    return {
      flags: flags.filter(alive).map(coreFlag),
      segments: segments.filter(alive).map(coreSegment),
      deletedFlags: flags.filter(dead).map(tombstoneOf),
      deletedSegments: segments.filter(dead).map(tombstoneOf),
      liveFlagIds: flagIds.map((d) => String(d._id)),
      liveSegmentIds: segmentIds.map((d) => String(d._id)),
    };
  }

  /** See EnvironmentSource. */
  async ping(): Promise<void> {
    await this.#guard(() => this.db.command({ ping: 1 }));
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new SourceUnavailableError('MongoDB read failed', { cause });
    }
  }
}
