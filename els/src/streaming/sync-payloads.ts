// Builds the SyncResponse frames: definitions for server SDKs, evaluations for client SDKs.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { CompiledEnvironment, EndUser } from '@vane/core';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind, SyncResponse } from '@vane/gen/node/vane/sync/v1/sync';
import type { DefinitionsPayload, EvaluationsPayload } from '@vane/gen/node/vane/sync/v1/sync';
import type { EvaluationResult as ProtoResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { evaluationToProto, flagToProto, segmentToProto } from '@vane/core/proto';
import { resultSignature } from '../mapping/result-signature.js';
import type { DefinitionsView, Tombstone } from '../sync/environment-snapshot.js';
import type { EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import type { Connection } from './connection.js';

/** A SyncResponse frame around a definitions payload. */
export function definitionsFrame(
  requestId: number,
  kind: 'full' | 'patch',
  version: number,
  view: Omit<DefinitionsView, 'kind' | 'version'>,
): ServerFrame {
  const payload: DefinitionsPayload = {
    flags: view.flags.map(flagToProto),
    segments: view.segments.map(segmentToProto),
    deletedFlags: [...view.deletedFlags],
    deletedSegments: [...view.deletedSegments],
  };
  return syncFrame(requestId, kind, version, { $case: 'definitions', value: payload });
}

// Field tags of the two fields written around a cached body: `ServerFrame.sync` (field 1,
// length-delimited) and `SyncResponse.request_id` (field 1, varint).
const SERVER_FRAME_SYNC_TAG = (1 << 3) | 2;
const SYNC_RESPONSE_REQUEST_ID_TAG = (1 << 3) | 0;

// The encoded FULL SyncResponse (without its request id) of each compiled environment: every
// server SDK that asks for a FULL of the same version gets the same bytes, so they are mapped and
// encoded once per change, not once per SDK. A change replaces the compiled environment, so an
// entry dies with the version it describes.
const fullBodies = new WeakMap<CompiledEnvironment, { version: number; body: Uint8Array }>();

/**
 * The encoded ServerFrame answering a server SDK's sync from `since` when that is a FULL (the
 * snapshot cannot patch from it): the cached SyncResponse body with the request id written in
 * front of it (Protobuf fields may come in any order).
 */
export function fullDefinitionsBytes(
  snapshot: EnvironmentSnapshot,
  since: number,
  requestId: number,
): Uint8Array {
  const compiled = snapshot.compiled;
  let cached = fullBodies.get(compiled);
  if (cached === undefined || cached.version !== snapshot.version) {
    const view = snapshot.definitionsSince(since);
    if (view.kind !== 'full') throw new Error(`a sync from version ${since} is not a FULL`);
    const frame = definitionsFrame(0, 'full', view.version, view);
    if (frame.kind?.$case !== 'sync') throw new Error('definitionsFrame built no sync frame');
    cached = { version: view.version, body: SyncResponse.encode(frame.kind.value).finish() };
    fullBodies.set(compiled, cached);
  }
  const writer = new BinaryWriter().uint32(SERVER_FRAME_SYNC_TAG).fork();
  if (requestId !== 0) writer.uint32(SYNC_RESPONSE_REQUEST_ID_TAG).uint32(requestId);
  return writer.raw(cached.body).join().finish();
}

/** A SyncResponse frame around an evaluations payload. */
export function evaluationsFrame(
  requestId: number,
  kind: 'full' | 'patch',
  version: number,
  payload: EvaluationsPayload,
): ServerFrame {
  return syncFrame(requestId, kind, version, { $case: 'evaluations', value: payload });
}

/**
 * Answers a client connection's sync or identify: evaluates every active flag for the user
 * (remembering each result, so later pushes send only what changed) and sends all of them for a
 * FULL, or those that may have changed since `since` for a PATCH.
 */
export function sendEvaluations(
  conn: Connection,
  snapshot: EnvironmentSnapshot,
  user: EndUser,
  requestId: number,
  since: number,
): void {
  const view = snapshot.definitionsSince(since);
  const wanted = view.kind === 'full' ? undefined : new Set(snapshot.flagKeysChangedSince(since));
  conn.user = user;
  conn.results.clear();
  const flags: ProtoResult[] = [];
  for (const { flag, result } of snapshot.compiled.evaluateAll(user)) {
    conn.results.set(flag.key, resultSignature(result));
    if (wanted === undefined || wanted.has(flag.key))
      flags.push(evaluationToProto(flag.key, flag, result));
  }
  const deletedFlags: Tombstone[] = [...view.deletedFlags];
  conn.send(
    evaluationsFrame(requestId, view.kind, view.version, {
      userKeyId: user.keyId,
      flags,
      deletedFlags,
    }),
  );
}

function syncFrame(
  requestId: number,
  kind: 'full' | 'patch',
  version: number,
  payload: NonNullable<Extract<ServerFrame['kind'], { $case: 'sync' }>['value']['payload']>,
): ServerFrame {
  return {
    kind: {
      $case: 'sync',
      value: {
        requestId,
        kind: kind === 'full' ? SyncKind.SYNC_KIND_FULL : SyncKind.SYNC_KIND_PATCH,
        version,
        payload,
      },
    },
  };
}
