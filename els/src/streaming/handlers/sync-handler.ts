// SyncRequest: FULL or PATCH of definitions (server SDKs) or evaluations (client SDKs).
import { endUserProblem } from '@vane/core';
import { StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { SyncRequest } from '@vane/gen/node/vane/sync/v1/sync';
import { endUserFromProto } from '@vane/core/proto';
import { definitionsFrame, fullDefinitionsBytes, sendEvaluations } from '../sync-payloads.js';
import { snapshotFor } from './handler-context.js';
import type { FrameHandler } from './handler-context.js';

/** Answers a SyncRequest with a SyncResponse; the connection then receives pushes. */
export const handleSync: FrameHandler<SyncRequest> = async (conn, request, ctx) => {
  const requestId = request.requestId;
  if (request.version < 0) {
    conn.sendError(
      StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT,
      'version must not be negative',
      {
        requestId,
      },
    );
    return;
  }
  // A client must name a user within EndUser's limits; a server SDK's user is ignored.
  const userProblem = conn.kind === 'client' ? endUserProblem(request.user) : null;
  if (userProblem !== null) {
    conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT, userProblem, {
      requestId,
    });
    return;
  }
  const snapshot = await snapshotFor(conn, requestId, ctx);
  if (snapshot === undefined) return;
  if (conn.kind === 'server') {
    if (snapshot.canPatch(request.version)) {
      const view = snapshot.definitionsSince(request.version);
      conn.send(definitionsFrame(requestId, view.kind, view.version, view));
    } else {
      conn.sendBytes(fullDefinitionsBytes(snapshot, request.version, requestId));
    }
  } else if (request.user !== undefined) {
    sendEvaluations(conn, snapshot, endUserFromProto(request.user), requestId, request.version);
    ctx.reporter?.userSeen(conn.envId, request.user);
  }
  conn.synced = true;
};
