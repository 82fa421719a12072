// Prometheus metrics of FeatBit's protocol on ELS, registered in ELS's registry.
import { Counter, Gauge, Registry } from 'prom-client';

/** What the FeatBit endpoints record. */
export interface FeatBitMetrics {
  /** Connections closed by ELS (refusals included), by close code. */
  readonly closed: Counter<'code'>;
  /** `data-sync` messages sent (answers and pushes), by SDK type and event type. */
  readonly syncs: Counter<'type' | 'event'>;
  /** HTTP requests, by endpoint and status. */
  readonly requests: Counter<'endpoint' | 'status'>;
}

/** Registers the metrics; the connection gauge reads `connections()` when scraped. */
export function createFeatBitMetrics(
  connections: () => number,
  registry: Registry = new Registry(),
): FeatBitMetrics {
  new Gauge({
    name: 'vane_els_featbit_connections',
    help: 'Open FeatBit-protocol WebSocket connections',
    registers: [registry],
    collect() {
      this.set(connections());
    },
  });
  return {
    closed: new Counter({
      name: 'vane_els_featbit_closed_total',
      help: 'FeatBit-protocol connections closed by ELS, by close code',
      labelNames: ['code'],
      registers: [registry],
    }),
    syncs: new Counter({
      name: 'vane_els_featbit_syncs_total',
      help: 'FeatBit data-sync messages sent (answers and pushes), by SDK type and event type',
      labelNames: ['type', 'event'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'vane_els_featbit_http_requests_total',
      help: 'FeatBit SDK HTTP requests, by endpoint and status',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    }),
  };
}
