// How the change relay treats end users seen by SDKs: system writes, relayed (to empty their
// outboxes) but not audited.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { envScopedPlace } from '../changes/resource-place.js';
import type { ProjectOfEnv } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { EndUserDoc } from './end-user-doc.js';

/** The relay kind of the `end_users` collection. */
export function endUserRelayKind(
  endUsers: Collection<EndUserDoc>,
  projectOfEnv: ProjectOfEnv,
): RelayedKind {
  return {
    collection: endUsers,
    resourceType: ResourceType.RESOURCE_TYPE_END_USER,
    place: envScopedPlace(projectOfEnv, 'keyId'),
    audit: false,
  };
}
