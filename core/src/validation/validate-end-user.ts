// The limits of `vane.model.v1.EndUser` (end_user.proto) for a user an SDK sends to be evaluated:
// ELS's stream checks them on SyncRequest, IdentifyRequest and TrackRequest, as the admin API
// does on its writes (there with one violation per field). Repeated attribute names are allowed
// here: when evaluating, the first one wins (the proto's words).
import { isBlank } from '../evaluation/user-value.js';
import { charLength, LIMITS } from './limits.js';

/** A user in either shape (core's `customizedProperties` or the proto's `customProperties`). */
export interface EndUserInput {
  readonly keyId?: string | null;
  readonly customizedProperties?: readonly { name: string; value?: string | null }[] | null;
  readonly customProperties?: readonly { name: string; value?: string | null }[] | null;
}

/** Why the user breaks a limit of `EndUser`, naming the field, or null. */
export function endUserProblem(user: EndUserInput | undefined): string | null {
  const keyId = user?.keyId ?? '';
  if (isBlank(keyId)) return 'user.key_id is required (not blank)';
  if (charLength(keyId) > LIMITS.userKeyLength) {
    return `user.key_id is longer than ${LIMITS.userKeyLength} characters`;
  }
  const props = user?.customProperties ?? user?.customizedProperties ?? [];
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!;
    const n = charLength(p.name);
    if (n === 0 || n > LIMITS.userPropertyNameLength) {
      return `user.custom_properties[${i}].name must be 1–${LIMITS.userPropertyNameLength} characters`;
    }
    if (charLength(p.value ?? '') > LIMITS.userPropertyValueLength) {
      return `user.custom_properties[${i}].value is longer than ${LIMITS.userPropertyValueLength} characters`;
    }
  }
  return null;
}
