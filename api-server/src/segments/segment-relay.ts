// How the change relay treats segment records: audited, and published as SegmentChanged naming
// the live flags that use the segment (ELS re-evaluates exactly those).
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { segmentChangedMessage } from '../changes/change-events.js';
import type { RelayedKind } from '../changes/change-relay.js';
import { envScopedPlace, stateField } from '../changes/resource-place.js';
import type { ProjectOfEnv } from '../changes/resource-place.js';
import { listAll } from '../flags/environment-contents.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import type { Collection, Json } from '../store/document-store.js';

/** The relay kind of the `segments` collection, publishing on topics with `topicPrefix`. */
export function segmentRelayKind(
  segments: Collection<SegmentDoc>,
  flags: Collection<FlagDoc>,
  projectOfEnv: ProjectOfEnv,
  topicPrefix: string,
): RelayedKind {
  return {
    collection: segments,
    resourceType: ResourceType.RESOURCE_TYPE_SEGMENT,
    place: envScopedPlace(projectOfEnv, 'key'),
    event: async (record) => {
      const state = (record.after ?? record.before) as Record<string, Json>;
      const users = await listAll(flags, {
        envId: stateField(state, 'envId'),
        segmentIds: stateField(state, '_id'),
        isArchived: { ne: true },
      });
      return segmentChangedMessage(
        record,
        users.map((f) => f._id),
        topicPrefix,
      );
    },
  };
}
