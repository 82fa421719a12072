// The port through which ELS reads what the api-server stores: SDK secrets and the flags and
// segments of an environment. Read-only: ELS never writes definitions.
import type { FeatureFlag, Segment } from '@vane/core';

/** The kind of an SDK secret: `server` reads definitions, `client` only evaluated results. */
export type SecretKind = 'server' | 'client';

/** What a secret grants: one environment, one connection kind. */
export interface SecretGrant {
  readonly envId: string;
  readonly kind: SecretKind;
}

/** A flag with its sync version (always set, unlike core's optional `version`). */
export type VersionedFlag = FeatureFlag & { readonly version: number };

/** A segment with its sync version. */
export type VersionedSegment = Segment & { readonly version: number };

/** The live definitions of one environment (archived ones included, deleted ones not). */
export interface EnvironmentContents {
  readonly flags: readonly VersionedFlag[];
  readonly segments: readonly VersionedSegment[];
}

/** Thrown by adapters when the store cannot be reached or answered with an error. */
export class SourceUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceUnavailableError';
  }
}

/** Read access to environments, secrets and definitions. */
export interface EnvironmentSource {
  /** The grant of an SDK secret, or undefined when no live environment has it. */
  findSecret(secret: string): Promise<SecretGrant | undefined>;
  /** Every live flag and segment of the environment (empty for an unknown environment). */
  loadEnvironment(envId: string): Promise<EnvironmentContents>;
  /** Resolves when the store answers; rejects with a `SourceUnavailableError` if not. */
  ping(): Promise<void>;
}
