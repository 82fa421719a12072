// The SDK's user shape (plain attributes) → core's `EndUser` and the wire `EndUser`.
import type { EndUser } from '@vane/core';
import type { EndUser as ProtoEndUser } from '@vane/gen/node/vane/model/v1/end_user';

/** An attribute value; numbers and booleans are sent as text, as targeting compares text. */
export type AttributeValue = string | number | boolean | null | undefined;

/** The end user a flag is evaluated for. */
export interface VaneUser {
  /** Unique key of the user in the environment (FeatBit `keyId`); required, not blank. */
  readonly keyId: string;
  /** Display name; conditions can test it as `name`. */
  readonly name?: string;
  /** Custom attributes for targeting; `null`/`undefined` values are left out. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** Core's form of a user, as the evaluator reads it. */
export function toEndUser(user: VaneUser): EndUser {
  const props: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(user.attributes ?? {})) {
    if (value !== null && value !== undefined) props.push({ name, value: String(value) });
  }
  return { keyId: user.keyId, name: user.name ?? null, customizedProperties: props };
}

/** The wire form of a user, for track batches. */
export function toProtoUser(user: EndUser): ProtoEndUser {
  return {
    keyId: user.keyId,
    name: user.name ?? '',
    customProperties: (user.customizedProperties ?? []).map((p) => ({
      name: p.name,
      value: p.value ?? '',
    })),
  };
}
