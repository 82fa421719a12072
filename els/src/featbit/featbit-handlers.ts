// One handler per FeatBit message type (featbit.md §2.4–2.6): `ping`, `echo`, `data-sync`.
// Unknown types are dropped, as FeatBit does.
import type { Logger } from 'pino';
import type { EndUser } from '@vane/core';
import { endUserToProto } from '@vane/core/proto';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { userFromFeatBit } from './featbit-json.js';
import { clientPayload, patchFrames, serverFrameText, serverPayload } from './featbit-payloads.js';
import type { FeatBitMetrics } from './featbit-metrics.js';
import { CLOSE_PERMANENT, CLOSE_TRANSIENT } from './featbit-connection.js';
import type { FeatBitConnection } from './featbit-connection.js';

/** What the handlers read and report through. */
export interface FeatBitHandlerContext {
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  readonly metrics?: FeatBitMetrics;
}

/** Handles the `data` of one message on one connection. */
export type FeatBitHandler = (
  conn: FeatBitConnection,
  data: unknown,
  ctx: FeatBitHandlerContext,
) => Promise<void>;

/** `ping` → `pong {}`. */
export const handlePing: FeatBitHandler = (conn) => {
  conn.send('pong', {});
  return Promise.resolve();
};

/** `echo` → the same data back. */
export const handleEcho: FeatBitHandler = (conn, data) => {
  conn.send('echo', data);
  return Promise.resolve();
};

/**
 * `data-sync` → definitions since `timestamp` (server SDKs) or the results for `user` (client
 * SDKs; a new user re-identifies the connection). Always answered, an empty `patch` included.
 */
export const handleDataSync: FeatBitHandler = async (conn, data, ctx) => {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const ts = body.timestamp;
  const timestamp = typeof ts === 'number' && Number.isFinite(ts) && ts > 0 ? ts : 0;
  let user: EndUser | undefined;
  if (conn.kind === 'client') {
    const parsed = userFromFeatBit(body.user);
    if (typeof parsed === 'string') {
      conn.closeWith(CLOSE_PERMANENT, `invalid data-sync: ${parsed}`.slice(0, 120));
      return;
    }
    user = parsed;
  }
  let snapshot;
  try {
    snapshot = await ctx.snapshots.get(conn.envId);
  } catch (error) {
    ctx.logger.warn({ err: error, envId: conn.envId }, 'environment unavailable');
    conn.closeWith(CLOSE_TRANSIENT, 'flag store unavailable');
    return;
  }
  if (user === undefined) {
    const payload = serverPayload(snapshot, timestamp);
    for (const frame of patchFrames(payload)) conn.sendText(serverFrameText(frame));
    ctx.metrics?.syncs.inc({ type: 'server', event: payload.eventType });
  } else {
    conn.user = user;
    const evaluated = clientPayload(snapshot, user, timestamp);
    if (evaluated.complete) conn.results.clear();
    for (const [key, sig] of evaluated.signatures) conn.results.set(key, sig);
    for (const key of evaluated.removed) conn.results.delete(key);
    conn.send('data-sync', evaluated.payload);
    ctx.metrics?.syncs.inc({ type: 'client', event: evaluated.payload.eventType });
    ctx.reporter?.userSeen(conn.envId, endUserToProto(user));
  }
  conn.synced = true;
};

/** The handler of each message type (lower case). */
export const FEATBIT_HANDLERS: Readonly<Record<string, FeatBitHandler>> = {
  ping: handlePing,
  echo: handleEcho,
  'data-sync': handleDataSync,
};
