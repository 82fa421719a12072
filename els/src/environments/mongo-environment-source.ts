// A read-only EnvironmentSource over the api-server's MongoDB collections.
//
// Coupling, on purpose and read-only: ELS reads the documents the api-server writes, in the same
// shapes as api-server's `flags/flag-doc.ts` (collection `flags`), `segments/segment-doc.ts`
// (`segments`) and `environments/environment-doc.ts` (`environments`): core's FeatureFlag/Segment
// JSON plus `_id`, `envId`, `version`, bookkeeping fields, and `deleted: true` on tombstones that
// wait for their outbox to be relayed. Services never import each other, so the shapes are
// restated here; a change to those documents must change this file too.
import type { Collection, Db, Document } from 'mongodb';
import type { FeatureFlag, Segment } from '@vane/core';
import { SourceUnavailableError } from './environment-source.js';
import type {
  DeletedItem,
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
  VersionedFlag,
  VersionedSegment,
} from './environment-source.js';

/** Collection names the api-server uses. */
export const MONGO_COLLECTIONS = Object.freeze({
  flags: 'flags',
  segments: 'segments',
  environments: 'environments',
});

// Fields of the api-server documents that are bookkeeping, not part of core's model.
const BOOKKEEPING = [
  '_id',
  'outbox',
  'deleted',
  'revision',
  'segmentIds',
  'creatorId',
  'updaterId',
] as const;

interface SecretRecord {
  readonly kind?: unknown;
  readonly value?: unknown;
}

interface EnvironmentRecord extends Document {
  readonly _id: string;
  readonly deleted?: boolean;
  readonly secrets?: readonly SecretRecord[];
}

/** Reads secrets and definitions from the api-server's database. */
export class MongoEnvironmentSource implements EnvironmentSource {
  readonly #flags: Collection<Document>;
  readonly #segments: Collection<Document>;
  readonly #environments: Collection<EnvironmentRecord>;

  constructor(private readonly db: Db) {
    this.#flags = db.collection(MONGO_COLLECTIONS.flags);
    this.#segments = db.collection(MONGO_COLLECTIONS.segments);
    this.#environments = db.collection<EnvironmentRecord>(MONGO_COLLECTIONS.environments);
  }

  /** See EnvironmentSource. */
  async findSecret(secret: string): Promise<SecretGrant | undefined> {
    const env = await this.#guard(() =>
      this.#environments.findOne({ 'secrets.value': secret, deleted: { $ne: true } }),
    );
    const match = env?.secrets?.find((s) => s.value === secret);
    if (env === null || match === undefined) return undefined;
    if (match.kind !== 'server' && match.kind !== 'client') return undefined;
    return { envId: env._id, kind: match.kind };
  }

  /** See EnvironmentSource. */
  async loadEnvironment(envId: string): Promise<EnvironmentContents> {
    const live = { envId, deleted: { $ne: true } };
    const [flags, segments] = await this.#guard(() =>
      Promise.all([this.#flags.find(live).toArray(), this.#segments.find(live).toArray()]),
    );
    return {
      flags: flags.map((d) => toModel<FeatureFlag>(d) as VersionedFlag),
      segments: segments.map((d) => toModel<Segment>(d) as VersionedSegment),
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
    const alive = (d: Document): boolean => d.deleted !== true;
    const dead = (d: Document): boolean => d.deleted === true;
    return {
      flags: flags.filter(alive).map((d) => toModel<FeatureFlag>(d) as VersionedFlag),
      segments: segments.filter(alive).map((d) => toModel<Segment>(d) as VersionedSegment),
      deletedFlags: flags.filter(dead).map(toDeleted),
      deletedSegments: segments.filter(dead).map(toDeleted),
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

// Core's model of a stored document: bookkeeping dropped, `id` from `_id`, version a number.
function toModel<T>(doc: Document): T {
  const out: Record<string, unknown> = { ...doc };
  for (const field of BOOKKEEPING) delete out[field];
  out.id = typeof doc.id === 'string' ? doc.id : String(doc._id);
  out.version = typeof doc.version === 'number' ? doc.version : 0;
  return out as T;
}

// A tombstone document: the api-server frees the key by appending `\u0000deleted:<id>` to it.
function toDeleted(doc: Document): DeletedItem {
  const key = typeof doc.key === 'string' ? doc.key : '';
  const cut = key.indexOf('\u0000deleted:');
  return {
    id: typeof doc.id === 'string' ? doc.id : String(doc._id),
    key: cut >= 0 ? key.slice(0, cut) : key,
    version: typeof doc.version === 'number' ? doc.version : 0,
  };
}
