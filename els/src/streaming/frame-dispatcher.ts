// Turns one inbound WebSocket message into a handler call: size limits, decoding, malformed-frame
// counting and routing by frame kind. Never throws and never lets a handler's rejection escape.
import type { RawData } from 'ws';
import { ClientFrame, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { ElsMetrics } from './els-metrics.js';
import type { Connection } from './connection.js';
import type { FrameRateLimiter } from './rate-limiter.js';
import type { HandlerContext } from './handlers/handler-context.js';
import { handleIdentify } from './handlers/identify-handler.js';
import { handlePing } from './handlers/ping-handler.js';
import { handleSync } from './handlers/sync-handler.js';
import { handleTrack } from './handlers/track-handler.js';

/** Inbound limit per frame (uncompressed); larger frames up to the hard limit are dropped. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Frames over this close the connection with 1009 (enforced by `ws`'s `maxPayload`). */
export const HARD_FRAME_BYTES = 4 * 1024 * 1024;
/** Malformed frames tolerated per connection; one more closes it with 4008. */
export const MAX_MALFORMED_FRAMES = 10;

/** Routes inbound frames of every connection. */
export class FrameDispatcher {
  constructor(
    private readonly ctx: HandlerContext,
    private readonly metrics: ElsMetrics,
    /** Frame rate limits (absent: unlimited). */
    private readonly limiter?: FrameRateLimiter,
  ) {}

  /** Handles one message; resolves when its handler finished (errors are answered, not thrown). */
  async dispatch(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    conn.lastSeen = Date.now();
    const verdict = this.limiter?.check(conn);
    if (verdict !== undefined && !verdict.allowed) {
      this.metrics.framesIn.inc({ kind: 'rate_limited' });
      conn.sendError(
        StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
        verdict.close
          ? 'too many frames while rate limited'
          : 'too many frames; this one was dropped',
        { retryAfterMs: verdict.retryAfterMs, closing: verdict.close },
      );
      if (verdict.close) conn.closeFor('rate_limited');
      return;
    }
    if (!isBinary) return this.#malformed(conn, 'frames must be binary protobuf messages');
    const bytes = toBytes(data);
    if (bytes.length > MAX_FRAME_BYTES) {
      this.metrics.framesIn.inc({ kind: 'too_large' });
      conn.sendError(
        StreamErrorCode.STREAM_ERROR_CODE_FRAME_TOO_LARGE,
        `frame of ${bytes.length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit; it was dropped`,
      );
      return;
    }
    let frame: ClientFrame;
    try {
      frame = ClientFrame.decode(bytes);
    } catch {
      return this.#malformed(conn, 'the bytes are not a valid ClientFrame');
    }
    const kind = frame.kind;
    this.metrics.framesIn.inc({ kind: kind?.$case ?? 'unsupported' });
    try {
      switch (kind?.$case) {
        case 'sync':
          return await handleSync(conn, kind.value, this.ctx);
        case 'identify':
          return await handleIdentify(conn, kind.value, this.ctx);
        case 'track':
          return await handleTrack(conn, kind.value, this.ctx);
        case 'ping':
          return await handlePing(conn, kind.value, this.ctx);
        default:
          conn.sendError(
            StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME,
            'frame kind is unset or unknown',
          );
      }
    } catch (error) {
      this.ctx.logger.error(
        { err: error, envId: conn.envId, frame: kind?.$case },
        'frame handler failed',
      );
      conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_INTERNAL, 'internal error');
    }
  }

  #malformed(conn: Connection, message: string): void {
    this.metrics.framesIn.inc({ kind: 'malformed' });
    conn.malformed += 1;
    if (conn.malformed > MAX_MALFORMED_FRAMES) {
      conn.sendError(
        StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME,
        'too many malformed frames',
        {
          closing: true,
        },
      );
      conn.closeFor('malformed', 'too many malformed frames');
      return;
    }
    conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME, message);
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
