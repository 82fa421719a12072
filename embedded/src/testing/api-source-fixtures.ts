// Fixtures of ELS's EnvironmentSource conformance suite written through the api-server's real
// writing code: an api-server in-process on the given store, called over its gRPC admin API, and
// what it stored read back through the shared conversion (`@vane/server-kit/documents`). Its
// change publisher is held, so deleted documents stay as tombstones (as while a change waits to
// be relayed) until `purgeTombstones` lets the relay publish and purge them.
import type { DocumentStore } from '@vane/api-server';
import { MemoryChangePublisher } from '@vane/api-server';
import type { ChangePublisher } from '@vane/api-server';
import type { VersionedFlag, VersionedSegment } from '@vane/els';
import { MemoryBroker } from '@vane/server-kit';
import { FLAGS, SEGMENTS, coreFlag, coreSegment } from '@vane/server-kit/documents';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import {
  CreateEnvironmentRequest,
  SecretKind,
} from '@vane/gen/node/vane/admin/v1/environment_service';
import { CreateFeatureFlagRequest } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { CreateSegmentRequest } from '@vane/gen/node/vane/admin/v1/segment_service';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { startMemoryApi } from '../../../api-server/src/testing/memory-api.js';
import type { SourceFixtures } from '../../../els/src/environments/environment-source-conformance.js';

/** The api-server behind the fixtures; close it after the suite. */
export interface ApiSourceFixtures {
  readonly fixtures: SourceFixtures;
  close(): Promise<void>;
}

/** A publisher that fails while held, as Kafka does while it is down: changes stay in outboxes. */
class HeldPublisher implements ChangePublisher {
  held = true;
  constructor(private readonly inner: ChangePublisher) {}

  publish(messages: Parameters<ChangePublisher['publish']>[0]): Promise<void> {
    if (this.held) return Promise.reject(new Error('publishing is held by the test'));
    return this.inner.publish(messages);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Starts an api-server on `store` and returns fixtures that write through it. */
export async function startApiSourceFixtures(store: DocumentStore): Promise<ApiSourceFixtures> {
  const publisher = new HeldPublisher(new MemoryChangePublisher(new MemoryBroker()));
  const api = await startMemoryApi({ store, publisher });
  const { environments, flags, segments } = api.owner;
  const flagDocs = store.collection<FlagDoc>(FLAGS.name);
  const segmentDocs = store.collection<SegmentDoc>(SEGMENTS.name);
  let envs = 0;
  const storedFlag = async (id: string): Promise<VersionedFlag> =>
    coreFlag((await flagDocs.get(id))!);
  const storedSegment = async (id: string): Promise<VersionedSegment> =>
    coreSegment((await segmentDocs.get(id))!);
  const tombstoneVersion = async (docs: typeof flagDocs | typeof segmentDocs, id: string) => {
    const [tombstone] = await docs.tombstones({ _id: id });
    if (!tombstone) throw new Error(`no tombstone of ${id}`);
    return tombstone.version;
  };
  const ref = (envId: string, key: string) => ({ envId, key, expectedRevision: 0, comment: '' });

  const fixtures: SourceFixtures = {
    async environment() {
      envs += 1;
      const { environment } = await environments.createEnvironment(
        CreateEnvironmentRequest.fromPartial({
          projectId: api.projectId,
          key: `conformance-${envs}`,
          name: `Conformance ${envs}`,
        }),
      );
      const secret = (kind: SecretKind): string =>
        environment!.secrets.find((s) => s.kind === kind)!.value;
      return {
        envId: environment!.id,
        serverSecret: secret(SecretKind.SECRET_KIND_SERVER),
        clientSecret: secret(SecretKind.SECRET_KIND_CLIENT),
      };
    },
    async createFlag(envId, key) {
      const { flag } = await flags.createFeatureFlag(
        CreateFeatureFlagRequest.fromPartial({
          envId,
          flag: { key, name: key, variationType: VariationType.VARIATION_TYPE_BOOLEAN },
        }),
      );
      return storedFlag(flag!.id);
    },
    async archiveFlag(envId, flag) {
      await flags.archiveFeatureFlag(ref(envId, flag.key));
      return storedFlag(flag.id);
    },
    async deleteFlag(envId, flag) {
      if (flag.isArchived !== true) await flags.archiveFeatureFlag(ref(envId, flag.key));
      await flags.deleteFeatureFlag(ref(envId, flag.key));
      return tombstoneVersion(flagDocs, flag.id);
    },
    async createSegment(envId, key, included) {
      const { segment } = await segments.createSegment(
        CreateSegmentRequest.fromPartial({ envId, segment: { key, name: key, included } }),
      );
      return storedSegment(segment!.id);
    },
    async deleteSegment(envId, segment) {
      const key = segment.key ?? '';
      if (segment.isArchived !== true) await segments.archiveSegment(ref(envId, key));
      await segments.deleteSegment(ref(envId, key));
      return tombstoneVersion(segmentDocs, segment.id);
    },
    async purgeTombstones() {
      publisher.held = false;
      await api.server.relay.drain();
      publisher.held = true;
    },
  };
  return {
    fixtures,
    async close() {
      publisher.held = false;
      await api.close();
    },
  };
}
