// The `data-sync` payloads of FeatBit's protocol (featbit.md §2.5), built from an environment
// snapshot: definitions for server SDKs, evaluated results for client SDKs.
import type { CompiledEnvironment, EndUser } from '@vane/core';
import { resultSignature } from '../mapping/evaluation-mapping.js';
import type { AppliedChange, EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import {
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
}

/**
 * Definitions since `timestamp` (0: everything). FeatBit has no delete event and its Node SDK
 * keeps archived flags, so a PATCH that would carry a deletion is sent as a FULL instead: a FULL
 * replaces the SDK's store, which drops what was deleted.
 */
export function serverPayload(snapshot: EnvironmentSnapshot, timestamp: number): ServerPayload {
  const view = snapshot.definitionsSince(timestamp);
  if (view.kind === 'full' || view.deletedFlags.length > 0 || view.deletedSegments.length > 0) {
    return fullServerPayload(snapshot);
  }
  return {
    eventType: view.kind,
    featureFlags: view.flags.map((f) => flagToFeatBit(f, snapshot.envId)),
    segments: view.segments.map((s) => segmentToFeatBit(s, snapshot.envId)),
  };
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

/** The server push for one applied change: a PATCH, or a FULL when it deletes something. */
export function serverPush(change: AppliedChange, snapshot: EnvironmentSnapshot): ServerPayload {
  if (change.deletedFlags.length > 0 || change.deletedSegments.length > 0) {
    return serverPayload(snapshot, 0);
  }
  return {
    eventType: 'patch',
    featureFlags: change.flags.map((f) => flagToFeatBit(f, change.envId)),
    segments: change.segments.map((s) => segmentToFeatBit(s, change.envId)),
  };
}

/**
 * Results for `user` since `timestamp` (0 or too old: every flag). Every item's `timestamp` is
 * the snapshot's version, so the browser SDK's cursor is a version this snapshot can patch from.
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
  if (timestamp > 0 && snapshot.canPatch(timestamp)) {
    const removed = snapshot.definitionsSince(timestamp).deletedFlags.map((t) => t.key);
    for (const key of snapshot.flagKeysChangedSince(timestamp)) add(key);
    const live = new Set(flags.map((f) => f.id));
    const gone = removed.filter((k) => !live.has(k));
    for (const key of gone) flags.push(removedClientFlag(key, version));
    return {
      payload: { eventType: 'patch', userKeyId: user.keyId, featureFlags: flags },
      signatures,
      removed: gone,
    };
  }
  for (const key of snapshot.compiled.flagKeys()) add(key);
  return {
    payload: { eventType: 'full', userKeyId: user.keyId, featureFlags: flags },
    signatures,
    removed: [],
  };
}
