// Pushes applied changes to the environment's synced FeatBit connections: one `patch` (or `full`)
// text for all server connections, and per client only the results that changed.
import type { Logger } from 'pino';
import { resultSignature } from '../mapping/result-signature.js';
import type { ConnectionRegistry } from '../streaming/connection-registry.js';
import type { AppliedChange } from '../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { clientFlagToFeatBit, removedClientFlag } from './featbit-json.js';
import type { FeatBitClientFlag } from './featbit-json.js';
import type { FeatBitConnection } from './featbit-connection.js';
import type { FeatBitMetrics } from './featbit-metrics.js';
import { serverFrameText, serverPush } from './featbit-payloads.js';

/** Subscribes to the snapshot registry's changes; returns the unsubscribe function. */
export function startFeatBitPusher(
  snapshots: SnapshotRegistry,
  connections: ConnectionRegistry,
  logger: Logger,
  metrics?: FeatBitMetrics,
): () => void {
  return snapshots.onChange((change) => {
    const conns = connections.of<FeatBitConnection>('featbit', change.envId);
    const snapshot = snapshots.peek(change.envId);
    if (conns.length === 0 || snapshot === undefined) return;
    let serverText: string | undefined;
    let serverEvent: string | undefined;
    for (const conn of conns) {
      if (!conn.synced) continue;
      try {
        if (conn.kind === 'server') {
          if (serverText === undefined) {
            const payload = serverPush(change);
            serverText = serverFrameText(payload);
            serverEvent = payload.eventType;
          }
          conn.sendText(serverText);
          metrics?.syncs.inc({ type: 'server', event: serverEvent ?? 'patch' });
        } else if (pushToClient(conn, change, snapshots)) {
          metrics?.syncs.inc({ type: 'client', event: 'patch' });
        }
      } catch (error) {
        logger.error({ err: error, envId: change.envId }, 'FeatBit push failed');
      }
    }
  });
}

// Re-evaluates the affected flags for the connection's user; sends only what changed.
function pushToClient(
  conn: FeatBitConnection,
  change: AppliedChange,
  snapshots: SnapshotRegistry,
): boolean {
  const user = conn.user;
  const snapshot = snapshots.peek(change.envId);
  if (user === undefined || snapshot === undefined) return false;
  const flags: FeatBitClientFlag[] = [];
  for (const key of change.affectedFlagKeys) {
    const flag = snapshot.compiled.getFlag(key);
    if (flag === undefined) continue;
    const result = snapshot.compiled.evaluate(key, user);
    const signature = resultSignature(result);
    if (conn.results.get(key) === signature) continue;
    conn.results.set(key, signature);
    flags.push(
      clientFlagToFeatBit(flag, result, snapshot.version) ??
        removedClientFlag(key, snapshot.version),
    );
  }
  for (const t of change.deletedFlags) {
    if (conn.results.delete(t.key)) flags.push(removedClientFlag(t.key, snapshot.version));
  }
  if (flags.length === 0) return false;
  conn.send('data-sync', { eventType: 'patch', userKeyId: user.keyId, featureFlags: flags });
  return true;
}
