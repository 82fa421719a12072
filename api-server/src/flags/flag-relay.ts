// How the change relay treats flag records: audited, and published as FlagChanged.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { flagChangedMessage } from '../changes/change-events.js';
import type { RelayedKind } from '../changes/change-relay.js';
import { envScopedPlace } from '../changes/resource-place.js';
import type { ProjectOfEnv } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { FlagDoc } from '@vane/server-kit/documents';

/** The relay kind of the `flags` collection, publishing on topics with `topicPrefix`. */
export function flagRelayKind(
  flags: Collection<FlagDoc>,
  projectOfEnv: ProjectOfEnv,
  topicPrefix: string,
): RelayedKind {
  return {
    collection: flags,
    resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
    place: envScopedPlace(projectOfEnv, 'key'),
    event: async (record) => flagChangedMessage(record, topicPrefix),
  };
}
