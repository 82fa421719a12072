// How the change relay treats access tokens (audited) and their last-use times (relayed to empty
// their outboxes, but not audited: they are system writes, like end users).
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { RelayedKind } from '../changes/change-relay.js';
import { stateField } from '../changes/resource-place.js';
import type { Collection } from '../store/document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';
import type { TokenUsageDoc } from './token-usage.js';

/** The relay kinds of the `access_tokens` collection and of its usage collection. */
export function tokenRelayKinds(
  tokens: Collection<AccessTokenDoc>,
  usage: Collection<TokenUsageDoc>,
): RelayedKind[] {
  const type = ResourceType.RESOURCE_TYPE_ACCESS_TOKEN;
  return [
    {
      collection: tokens,
      resourceType: type,
      place: (s) => ({ projectId: '', envId: '', key: stateField(s, 'name') }),
    },
    {
      collection: usage,
      resourceType: type,
      place: (s) => ({ projectId: '', envId: '', key: stateField(s, '_id') }),
      audit: false,
    },
  ];
}
