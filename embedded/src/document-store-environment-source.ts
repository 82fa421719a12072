// ELS's EnvironmentSource over the api-server's DocumentStore, for the embedded platform: in one
// process both services share the store instead of ELS reading MongoDB. Same document shapes as
// ELS's MongoDB adapter (the api-server's `environments`, `flags` and `segments` collections).
import type { FeatureFlag, Segment } from '@vane/core';
import type { DocumentStore, Filter } from '@vane/api-server';
import type {
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
} from '@vane/els';
import { SourceUnavailableError } from '@vane/els';

interface EnvDoc {
  readonly _id: string;
  readonly revision: number;
  readonly outbox: readonly never[];
  readonly secrets: readonly { readonly kind: 'server' | 'client'; readonly value: string }[];
}
type Versioned<T> = T & {
  readonly _id: string;
  readonly revision: number;
  readonly outbox: readonly never[];
  readonly version: number;
};

/** Reads secrets and definitions straight from the api-server's store. */
export class DocumentStoreEnvironmentSource implements EnvironmentSource {
  constructor(private readonly store: DocumentStore) {}

  async findSecret(secret: string): Promise<SecretGrant | undefined> {
    const env = await this.store
      .collection<EnvDoc>('environments')
      .findOne({ 'secrets.value': secret });
    const match = env?.secrets.find((s) => s.value === secret);
    return env && match ? { envId: env._id, kind: match.kind } : undefined;
  }

  async loadEnvironment(envId: string): Promise<EnvironmentContents> {
    const [flags, segments] = await Promise.all([
      this.#all<Versioned<FeatureFlag>>('flags', { envId }),
      this.#all<Versioned<Segment>>('segments', { envId }),
    ]);
    return {
      flags: flags.map((f) => ({ ...f, id: f._id })),
      segments: segments.map((s) => ({ ...s, id: s._id })),
    };
  }

  /**
   * See EnvironmentSource. The store lists live documents only, so deletions show as ids missing
   * from `liveFlagIds`/`liveSegmentIds` (the tombstone lists stay empty).
   */
  async changesSince(envId: string, since: number): Promise<EnvironmentChanges> {
    const newer = { envId, version: { gt: since } };
    const [flags, segments, flagIds, segmentIds] = await Promise.all([
      this.#all<Versioned<FeatureFlag>>('flags', newer),
      this.#all<Versioned<Segment>>('segments', newer),
      this.#all<Versioned<object>>('flags', { envId }),
      this.#all<Versioned<object>>('segments', { envId }),
    ]);
    return {
      flags: flags.map((f) => ({ ...f, id: f._id })),
      segments: segments.map((s) => ({ ...s, id: s._id })),
      deletedFlags: [],
      deletedSegments: [],
      liveFlagIds: flagIds.map((f) => f._id),
      liveSegmentIds: segmentIds.map((s) => s._id),
    };
  }

  async ping(): Promise<void> {
    if (!(await this.store.ping()))
      throw new SourceUnavailableError('the document store is closed');
  }

  async #all<T extends Versioned<object>>(name: string, filter: Filter): Promise<T[]> {
    const collection = this.store.collection<T>(name);
    const out: T[] = [];
    let after: { value: string; id: string } | undefined;
    for (;;) {
      const page = await collection.list({ filter, orderBy: '_id', limit: 500, after });
      out.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (!page.hasMore || !last) return out;
      after = { value: last._id, id: last._id };
    }
  }
}
