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

/** A deleted flag or segment (as `vane.model.v1.Tombstone`): id, key and the deletion's version. */
export interface DeletedItem {
  readonly id: string;
  readonly key: string;
  readonly version: number;
}

/**
 * What changed in an environment after a version: live items (archived included) and tombstones
 * of deletions the store still holds, both with a version above it, and the ids of every live
 * item, so that a deletion the store already purged shows as an id that is gone.
 */
export interface EnvironmentChanges {
  readonly flags: readonly VersionedFlag[];
  readonly segments: readonly VersionedSegment[];
  readonly deletedFlags: readonly DeletedItem[];
  readonly deletedSegments: readonly DeletedItem[];
  readonly liveFlagIds: readonly string[];
  readonly liveSegmentIds: readonly string[];
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
  /**
   * What changed after `since` (see `EnvironmentChanges`): how ELS catches up after a restart,
   * a Kafka outage or lag. Optional: without it ELS derives the changes from `loadEnvironment`
   * (`changesFromContents`).
   */
  changesSince?(envId: string, since: number): Promise<EnvironmentChanges>;
  /** Resolves when the store answers; rejects with a `SourceUnavailableError` if not. */
  ping(): Promise<void>;
}

/** The changes after `since` derived from a full load (for sources without `changesSince`). */
export function changesFromContents(
  contents: EnvironmentContents,
  since: number,
): EnvironmentChanges {
  return {
    flags: contents.flags.filter((f) => f.version > since),
    segments: contents.segments.filter((s) => s.version > since),
    deletedFlags: [],
    deletedSegments: [],
    liveFlagIds: contents.flags.map((f) => f.id),
    liveSegmentIds: contents.segments.map((s) => s.id),
  };
}
