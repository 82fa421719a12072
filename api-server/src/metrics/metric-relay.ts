// How the change relay treats metric records: audited, not published.
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { envScopedPlace } from '../changes/resource-place.js';
import type { ProjectOfEnv } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { MetricDoc } from './metric-doc.js';

/** The relay kind of the `metrics` collection. */
export function metricRelayKind(
  metrics: Collection<MetricDoc>,
  projectOfEnv: ProjectOfEnv,
): RelayedKind {
  return {
    collection: metrics,
    resourceType: ResourceType.RESOURCE_TYPE_METRIC,
    place: envScopedPlace(projectOfEnv, 'name'),
  };
}
