// TrackRequest: validates the batch, forwards the accepted events (InsightEvents to
// `vane.insights`, the users to `vane.end-users`) through the reporter, and acknowledges.
import { endUserProblem } from '@vane/core';
import { StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { RejectedEvent, TrackRequest } from '@vane/gen/node/vane/sync/v1/track';
import { endUserToProto } from '@vane/core/proto';
import type { FrameHandler } from './handler-context.js';

/** Most events in one TrackRequest. */
export const MAX_TRACK_EVENTS = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a TrackRequest and answers with a TrackAck. */
export const handleTrack: FrameHandler<TrackRequest> = (conn, request, ctx) => {
  const requestId = request.requestId;
  const invalid = (message: string): Promise<void> => {
    conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT, message, { requestId });
    return Promise.resolve();
  };
  if (conn.kind === 'client' && !conn.synced) {
    conn.sendError(
      StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME,
      'track before the first sync',
      {
        requestId,
      },
    );
    return Promise.resolve();
  }
  const total = request.users.reduce((n, u) => n + u.flagEvaluations.length + u.metrics.length, 0);
  if (total > MAX_TRACK_EVENTS)
    return invalid(`users: at most ${MAX_TRACK_EVENTS} events per frame`);
  let accepted = 0;
  const rejected: RejectedEvent[] = [];
  for (const group of request.users) {
    const userKey = group.user?.keyId || (conn.kind === 'client' ? conn.user?.keyId : undefined);
    // A user given with the events must keep EndUser's limits; its events are rejected if not.
    const userProblem = group.user?.keyId ? endUserProblem(group.user) : null;
    const events = [
      ...group.flagEvaluations.map((e) => ({
        id: e.eventId,
        problem: e.flagKey === '' ? 'flag_key is empty' : '',
      })),
      ...group.metrics.map((e) => ({
        id: e.eventId,
        problem:
          e.eventName === '' || e.eventName.length > 256
            ? 'event_name must be 1-256 characters'
            : '',
      })),
    ];
    for (const event of events) {
      const reason = !userKey
        ? 'user.key_id is required'
        : userProblem !== null
          ? userProblem
          : event.id !== '' && !UUID.test(event.id)
            ? 'event_id is not a UUID'
            : event.problem;
      if (reason === '') accepted += 1;
      else rejected.push({ eventId: event.id, reason });
    }
    const user = group.user?.keyId
      ? group.user
      : conn.kind === 'client' && conn.user
        ? endUserToProto(conn.user)
        : undefined;
    if (user && userProblem === null && ctx.reporter) {
      // The same rules as the ack: only accepted events are published.
      const validId = (id: string): boolean => id === '' || UUID.test(id);
      ctx.reporter.track(
        conn.envId,
        {
          user,
          flagEvaluations: group.flagEvaluations.filter(
            (e) => e.flagKey !== '' && validId(e.eventId),
          ),
          metrics: group.metrics.filter(
            (m) => m.eventName !== '' && m.eventName.length <= 256 && validId(m.eventId),
          ),
        },
        user,
      );
    }
  }
  conn.send({ kind: { $case: 'trackAck', value: { requestId, accepted, rejected } } });
  return Promise.resolve();
};
