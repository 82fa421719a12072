// The timers every connection is under, whatever its protocol: the idle sweep (a connection
// silent for its idle timeout is closed) and the periodic secret re-check (a revoked secret closes
// its connections).
import type { Logger } from 'pino';
import type { ConnectionRegistry } from './connection-registry.js';
import { recheckSecrets } from './secret-cache.js';
import type { SecretCache } from './secret-cache.js';

/** Periods of the supervisor's timers. */
export interface SupervisorOptions {
  /** Period of the idle sweep in ms (a quarter of the shortest idle timeout is a good choice). */
  readonly sweepMs: number;
  /** Period of the secret re-check in ms. */
  readonly secretRecheckMs: number;
}

/** Closes idle connections (every connection with an idle timeout) once. */
export function sweepIdle(connections: ConnectionRegistry, now = Date.now()): number {
  let closed = 0;
  for (const conn of connections.all()) {
    const timeout = conn.idleTimeoutMs;
    if (timeout > 0 && conn.lastSeen < now - timeout) {
      conn.closeFor('idle');
      closed += 1;
    }
  }
  return closed;
}

/** Starts both timers; returns the function that stops them. */
export function superviseConnections(
  connections: ConnectionRegistry,
  secrets: SecretCache,
  options: SupervisorOptions,
  logger: Logger,
): () => void {
  const log = logger.child({ module: 'connections' });
  const sweeper = setInterval(() => sweepIdle(connections), Math.max(50, options.sweepMs));
  sweeper.unref();
  let rechecking = false;
  const recheck = setInterval(() => {
    if (rechecking) return;
    rechecking = true;
    recheckSecrets(connections, secrets, log)
      .catch((err: unknown) => log.error({ err }, 'secret re-check failed'))
      .finally(() => (rechecking = false));
  }, options.secretRecheckMs);
  recheck.unref();
  return () => {
    clearInterval(sweeper);
    clearInterval(recheck);
  };
}
