// Pushes applied changes to the environment's synced connections: one PATCH of definitions,
// encoded once, for all server connections; re-evaluated results for each client connection, only
// where a result changed.
import type { Logger } from 'pino';
import { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import type { EvaluationResult as ProtoResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { evaluationToProto } from '@vane/core/proto';
import { resultSignature } from '../mapping/result-signature.js';
import type { AppliedChange, Tombstone } from '../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import type { Connection } from './connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import type { ElsMetrics } from './els-metrics.js';
import { definitionsFrame, evaluationsFrame } from './sync-payloads.js';

/** Subscribes to the snapshot registry's changes; returns the unsubscribe function. */
export function startChangePusher(
  snapshots: SnapshotRegistry,
  connections: ConnectionRegistry,
  metrics: ElsMetrics,
  logger: Logger,
): () => void {
  const log = logger.child({ module: 'change-pusher' });
  return snapshots.onChange((change) => {
    const servers = connections.of<Connection>('vane', change.envId, 'server');
    if (servers.length > 0) {
      const stop = metrics.pushSeconds.startTimer({ kind: 'server' });
      const encoded = ServerFrame.encode(
        definitionsFrame(0, 'patch', change.version, change),
      ).finish();
      // A Buffer over the same bytes, made once: `ws` would wrap a plain Uint8Array per send.
      const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
      // Counted once per push (`inc` hashes its labels on every call), as before one per synced
      // connection, sent or not.
      let pushed = 0;
      for (const conn of servers) {
        if (!conn.synced) continue;
        conn.sendBytes(bytes);
        pushed += 1;
      }
      if (pushed > 0) metrics.pushes.inc({ kind: 'server' }, pushed);
      stop();
    }
    const clients = connections.of<Connection>('vane', change.envId, 'client');
    if (clients.length > 0) {
      const stop = metrics.pushSeconds.startTimer({ kind: 'client' });
      let pushed = 0;
      for (const conn of clients) {
        try {
          if (pushToClient(conn, change, snapshots)) pushed += 1;
        } catch (error) {
          log.error({ err: error, envId: change.envId }, 'client push failed');
        }
      }
      if (pushed > 0) metrics.pushes.inc({ kind: 'client' }, pushed);
      stop();
    }
  });
}

// Re-evaluates the affected flags for the connection's user; sends only what changed.
function pushToClient(
  conn: Connection,
  change: AppliedChange,
  snapshots: SnapshotRegistry,
): boolean {
  const user = conn.user;
  const snapshot = snapshots.peek(change.envId);
  if (!conn.synced || user === undefined || snapshot === undefined) return false;
  const flags: ProtoResult[] = [];
  for (const key of change.affectedFlagKeys) {
    const flag = snapshot.compiled.getFlag(key);
    if (flag === undefined) continue;
    const result = snapshot.compiled.evaluate(key, user);
    const signature = resultSignature(result);
    if (conn.results.get(key) === signature) continue;
    conn.results.set(key, signature);
    flags.push(evaluationToProto(flag.key, flag, result));
  }
  const deletedFlags: Tombstone[] = change.deletedFlags.filter((t) => conn.results.delete(t.key));
  if (flags.length === 0 && deletedFlags.length === 0) return false;
  conn.send(
    evaluationsFrame(0, 'patch', change.version, { userKeyId: user.keyId, flags, deletedFlags }),
  );
  return true;
}
