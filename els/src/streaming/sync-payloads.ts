// Builds the SyncResponse frames: definitions for server SDKs, evaluations for client SDKs.
import type { EndUser } from '@vane/core';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type { DefinitionsPayload, EvaluationsPayload } from '@vane/gen/node/vane/sync/v1/sync';
import type { EvaluationResult as ProtoResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { flagToProto, segmentToProto } from '../mapping/definition-mapping.js';
import { evaluationToProto, resultSignature } from '../mapping/evaluation-mapping.js';
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
    if (wanted === undefined || wanted.has(flag.key)) flags.push(evaluationToProto(flag, result));
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
