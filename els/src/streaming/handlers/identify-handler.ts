// IdentifyRequest: switch a client connection to another user and answer with its evaluations.
import { endUserProblem } from '@vane/core';
import { StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { IdentifyRequest } from '@vane/gen/node/vane/sync/v1/sync';
import { endUserFromProto } from '@vane/core/proto';
import { sendEvaluations } from '../sync-payloads.js';
import { snapshotFor } from './handler-context.js';
import type { FrameHandler } from './handler-context.js';

/** Answers an IdentifyRequest with a SyncResponse for the new user; pushes follow that user. */
export const handleIdentify: FrameHandler<IdentifyRequest> = async (conn, request, ctx) => {
  const requestId = request.requestId;
  if (conn.kind !== 'client') {
    conn.sendError(
      StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME,
      'identify is for client connections',
      {
        requestId,
      },
    );
    return;
  }
  if (!conn.synced) {
    conn.sendError(
      StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME,
      'identify before the first sync',
      {
        requestId,
      },
    );
    return;
  }
  const userProblem = endUserProblem(request.user);
  if (userProblem !== null || request.user === undefined) {
    conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT, userProblem ?? '', {
      requestId,
    });
    return;
  }
  const snapshot = await snapshotFor(conn, requestId, ctx);
  if (snapshot === undefined) return;
  sendEvaluations(
    conn,
    snapshot,
    endUserFromProto(request.user),
    requestId,
    Math.max(0, request.version),
  );
  ctx.reporter?.userSeen(conn.envId, request.user);
};
