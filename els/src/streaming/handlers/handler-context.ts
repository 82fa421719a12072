// What every frame handler receives besides the connection and the request.
import type { Logger } from 'pino';
import { StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import { SourceUnavailableError } from '../../environments/environment-source.js';
import type { EnvironmentSnapshot } from '../../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../../sync/snapshot-registry.js';
import type { SdkReporter } from '../../outbound/sdk-reports.js';
import type { Connection } from '../connection.js';

/** Shared dependencies of the frame handlers. */
export interface HandlerContext {
  readonly snapshots: SnapshotRegistry;
  readonly logger: Logger;
  /** Milliseconds an SDK should wait before retrying when the store is unavailable. */
  readonly retryAfterMs: number;
  /** Publishes end users and tracked events (absent: they are only acknowledged). */
  readonly reporter?: SdkReporter;
}

/** Handles one decoded frame of one kind. Never throws for bad input: it answers with an error. */
export type FrameHandler<T> = (conn: Connection, request: T, ctx: HandlerContext) => Promise<void>;

/**
 * The connection's snapshot, or undefined after answering `UNAVAILABLE` (store down) or
 * `INTERNAL` (anything else, logged).
 */
export async function snapshotFor(
  conn: Connection,
  requestId: number,
  ctx: HandlerContext,
): Promise<EnvironmentSnapshot | undefined> {
  try {
    return await ctx.snapshots.get(conn.envId);
  } catch (error) {
    if (error instanceof SourceUnavailableError) {
      ctx.logger.warn({ err: error, envId: conn.envId }, 'environment could not be loaded');
      conn.sendError(
        StreamErrorCode.STREAM_ERROR_CODE_UNAVAILABLE,
        'the flag store is unavailable',
        {
          requestId,
          retryAfterMs: ctx.retryAfterMs,
        },
      );
    } else {
      ctx.logger.error({ err: error, envId: conn.envId }, 'environment load failed');
      conn.sendError(StreamErrorCode.STREAM_ERROR_CODE_INTERNAL, 'internal error', { requestId });
    }
    return undefined;
  }
}
