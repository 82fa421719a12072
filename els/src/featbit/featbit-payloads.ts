// The `data-sync` payloads of FeatBit's protocol (featbit.md §2.5), built from an environment
// snapshot: definitions for server SDKs, evaluated results for client SDKs.
import type { CompiledEnvironment, EndUser } from '@vane/core';
import { resultSignature } from '../mapping/result-signature.js';
import type { AppliedChange, EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import {
  archivedFlagToFeatBit,
  archivedSegmentToFeatBit,
  clientFlagToFeatBit,
  flagToFeatBit,
  removedClientFlag,
  segmentToFeatBit,
} from './featbit-json.js';
import type { FeatBitClientFlag, FeatBitFlag, FeatBitSegment } from './featbit-json.js';

/** The server SDK payload. */
export interface ServerPayload {
  eventType: 'full' | 'patch';
  featureFlags: FeatBitFlag[];
  segments: FeatBitSegment[];
}

/** The client SDK payload. */
export interface ClientPayload {
  eventType: 'full' | 'patch';
  userKeyId: string;
  featureFlags: FeatBitClientFlag[];
}

/** A client payload with the signature of every result it carries (to push only changes later). */
export interface EvaluatedPayload {
  readonly payload: ClientPayload;
  readonly signatures: ReadonlyMap<string, string>;
  readonly removed: readonly string[];
  /** Whether the payload carries every result (then it replaces what the connection held). */
  readonly complete: boolean;
}

/**
 * The reply to a server SDK's `data-sync`, as FeatBit's server makes it: a FULL for `timestamp`
 * 0, otherwise a PATCH with every item newer than `timestamp`. FeatBit's SDKs accept a FULL only
 * when it is newer than what they hold, so a cursor is never answered with one. A deletion
 * travels as an archived item (FeatBit has no delete event); items in version order.
 */
export function serverPayload(snapshot: EnvironmentSnapshot, timestamp: number): ServerPayload {
  if (timestamp <= 0) return fullServerPayload(snapshot);
  const view = snapshot.newerThan(timestamp);
  const envId = snapshot.envId;
  return {
    eventType: 'patch',
    featureFlags: byUpdatedAt([
      ...view.flags.map((f) => flagToFeatBit(f, envId)),
      ...view.deletedFlags.map((t) => archivedFlagToFeatBit(t, envId)),
    ]),
    segments: byUpdatedAt([
      ...view.segments.map((s) => segmentToFeatBit(s, envId)),
      ...view.deletedSegments.map((t) => archivedSegmentToFeatBit(t, envId)),
    ]),
  };
}

// ISO-8601 times of one format sort as text.
const olderFirst = (a: { updatedAt: string }, b: { updatedAt: string }): number =>
  a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0;

function byUpdatedAt<T extends { updatedAt: string }>(items: T[]): T[] {
  return items.sort(olderFirst);
}

/**
 * A server PATCH as one frame per item, oldest first (an empty PATCH stays one frame). FeatBit's
 * Go SDK (v1.1.2) refuses an item not newer than the last one it applied, in map order, and
 * drops the rest of the message; the Python SDK also drops the rest after a refusal. One item per
 * frame, in version order, is applied by every SDK.
 */
export function patchFrames(payload: ServerPayload): ServerPayload[] {
  if (payload.eventType !== 'patch' || payload.featureFlags.length + payload.segments.length < 2) {
    return [payload];
  }
  const items: (FeatBitFlag | FeatBitSegment)[] = [...payload.featureFlags, ...payload.segments];
  const flags = new Set<unknown>(payload.featureFlags);
  return items.sort(olderFirst).map((item) => ({
    eventType: 'patch',
    featureFlags: flags.has(item) ? [item as FeatBitFlag] : [],
    segments: flags.has(item) ? [] : [item as FeatBitSegment],
  }));
}

// The FULL server payload of each compiled environment, built once per version and shared by
// every FeatBit server SDK that needs one (a change replaces the compiled environment). Callers
// must not modify it; `serverFrameText` serializes it once too.
const fullPayloads = new WeakMap<
  CompiledEnvironment,
  { readonly version: number; readonly payload: ServerPayload }
>();

function fullServerPayload(snapshot: EnvironmentSnapshot): ServerPayload {
  const cached = fullPayloads.get(snapshot.compiled);
  if (cached !== undefined && cached.version === snapshot.version) return cached.payload;
  const view = snapshot.definitionsSince(0);
  const payload: ServerPayload = {
    eventType: 'full',
    featureFlags: view.flags.map((f) => flagToFeatBit(f, snapshot.envId)),
    segments: view.segments.map((s) => segmentToFeatBit(s, snapshot.envId)),
  };
  fullPayloads.set(snapshot.compiled, { version: snapshot.version, payload });
  return payload;
}

const frameTexts = new WeakMap<ServerPayload, string>();

/** The `data-sync` frame text of a server payload (serialized once for a shared FULL). */
export function serverFrameText(payload: ServerPayload): string {
  let text = frameTexts.get(payload);
  if (text === undefined) {
    text = JSON.stringify({ messageType: 'data-sync', data: payload });
    if (payload.eventType === 'full') frameTexts.set(payload, text);
  }
  return text;
}

/** The server push for one applied change: a PATCH (deletions as archived items). */
export function serverPush(change: AppliedChange): ServerPayload {
  return {
    eventType: 'patch',
    featureFlags: [
      ...change.flags.map((f) => flagToFeatBit(f, change.envId)),
      ...change.deletedFlags.map((t) => archivedFlagToFeatBit(t, change.envId)),
    ],
    segments: [
      ...change.segments.map((s) => segmentToFeatBit(s, change.envId)),
      ...change.deletedSegments.map((t) => archivedSegmentToFeatBit(t, change.envId)),
    ],
  };
}

/**
 * Results for `user` since `timestamp`: a FULL for 0, otherwise a PATCH (as FeatBit's server;
 * see `serverPayload`) with the results that may have changed, or every result when the
 * snapshot cannot tell (`timestamp` before its floor). Every item's `timestamp` is the
 * snapshot's version, so the browser SDK's cursor is a version this snapshot can patch from.
 */
export function clientPayload(
  snapshot: EnvironmentSnapshot,
  user: EndUser,
  timestamp: number,
): EvaluatedPayload {
  const version = snapshot.version;
  const signatures = new Map<string, string>();
  const flags: FeatBitClientFlag[] = [];
  const add = (key: string): void => {
    const flag = snapshot.compiled.getFlag(key);
    if (flag === undefined || flag.isArchived === true) return;
    const result = snapshot.compiled.evaluate(key, user);
    const item = clientFlagToFeatBit(flag, result, version);
    signatures.set(key, resultSignature(result));
    if (item !== undefined) flags.push(item);
  };
  const partial = timestamp > 0 && snapshot.canPatch(timestamp);
  const keys = partial ? snapshot.flagKeysChangedSince(timestamp) : snapshot.compiled.flagKeys();
  for (const key of keys) add(key);
  let gone: string[] = [];
  if (timestamp > 0) {
    const live = new Set(flags.map((f) => f.id));
    gone = snapshot
      .newerThan(timestamp)
      .deletedFlags.map((t) => t.key)
      .filter((k) => !live.has(k));
    for (const key of gone) flags.push(removedClientFlag(key, version));
  }
  return {
    payload: {
      eventType: timestamp > 0 ? 'patch' : 'full',
      userKeyId: user.keyId,
      featureFlags: flags,
    },
    signatures,
    removed: gone,
    complete: !partial,
  };
}
