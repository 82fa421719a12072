// ELS's Prometheus metrics, in a registry of their own (injected, so tests stay isolated).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionRegistry } from './connection-registry.js';

/** The metrics ELS records. */
export interface ElsMetrics {
  readonly registry: Registry;
  /** Inbound frames by frame kind (`malformed`, `too_large`, `unsupported` for rejects). */
  readonly framesIn: Counter<'kind'>;
  /** Outbound pushes by connection kind. */
  readonly pushes: Counter<'kind'>;
  /** Time to fan one applied change out to every connection of its environment. */
  readonly pushSeconds: Histogram<'kind'>;
  /** Connections rejected during the handshake, by close code. */
  readonly rejected: Counter<'code'>;
}

/** Creates the metrics; the connection gauge reads the registry when scraped. */
export function createElsMetrics(
  connections: ConnectionRegistry,
  registry = new Registry(),
): ElsMetrics {
  new Gauge({
    name: 'vane_els_connections',
    help: 'Open SDK connections by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const counts = connections.countByKind();
      this.set({ kind: 'server' }, counts.server);
      this.set({ kind: 'client' }, counts.client);
    },
  });
  return {
    registry,
    framesIn: new Counter({
      name: 'vane_els_frames_in_total',
      help: 'Inbound SDK frames by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'vane_els_pushes_total',
      help: 'Pushed SyncResponse frames by connection kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    pushSeconds: new Histogram({
      name: 'vane_els_push_seconds',
      help: 'Time to push one change to every connection of its environment',
      labelNames: ['kind'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'vane_els_rejected_connections_total',
      help: 'Connections closed during the handshake, by close code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
