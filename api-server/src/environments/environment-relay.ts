// How the change relay treats environment records: audited, not published.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { stateField } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { EnvironmentDoc } from '@vane/server-kit/documents';

/** The relay kind of the `environments` collection. */
export function environmentRelayKind(environments: Collection<EnvironmentDoc>): RelayedKind {
  return {
    collection: environments,
    resourceType: ResourceType.RESOURCE_TYPE_ENVIRONMENT,
    place: (s) => ({
      projectId: stateField(s, 'projectId'),
      envId: stateField(s, '_id'),
      key: stateField(s, 'key'),
    }),
  };
}
