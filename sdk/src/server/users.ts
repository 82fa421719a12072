// The SDK's user shape (plain attributes) → core's `EndUser` (the wire form is core's mapping).
import type { EndUser } from '@vane/core';

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
  // An empty name is no name, as in `vane.model.v1.EndUser`: the same user is evaluated alike here
  // and by ELS for the client SDK.
  return { keyId: user.keyId, name: user.name || null, customizedProperties: props };
}
