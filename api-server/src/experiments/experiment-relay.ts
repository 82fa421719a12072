// How the change relay treats experiment records: audited, not published.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { envScopedPlace } from '../changes/resource-place.js';
import type { ProjectOfEnv } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { ExperimentDoc } from './experiment-doc.js';

/** The relay kind of the `experiments` collection (named by name, else id). */
export function experimentRelayKind(
  experiments: Collection<ExperimentDoc>,
  projectOfEnv: ProjectOfEnv,
): RelayedKind {
  return {
    collection: experiments,
    resourceType: ResourceType.RESOURCE_TYPE_EXPERIMENT,
    place: envScopedPlace(projectOfEnv, 'name', '_id'),
  };
}
