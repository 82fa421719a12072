// Ping: answered at once with a Pong carrying both clocks.
import type { Ping } from '@vane/gen/node/vane/sync/v1/frames';
import type { FrameHandler } from './handler-context.js';

/** Answers a Ping with a Pong. */
export const handlePing: FrameHandler<Ping> = (conn, request) => {
  conn.send({
    kind: {
      $case: 'pong',
      value: { clientTimeMs: request.clientTimeMs, serverTimeMs: Date.now() },
    },
  });
  return Promise.resolve();
};
