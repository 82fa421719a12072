// How the change relay treats project records: audited, not published.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { stateField } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { ProjectDoc } from './project-doc.js';

/** The relay kind of the `projects` collection. */
export function projectRelayKind(projects: Collection<ProjectDoc>): RelayedKind {
  return {
    collection: projects,
    resourceType: ResourceType.RESOURCE_TYPE_PROJECT,
    place: (s) => ({ projectId: stateField(s, '_id'), envId: '', key: stateField(s, 'key') }),
  };
}
