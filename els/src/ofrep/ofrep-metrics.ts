// Prometheus metrics of OFREP on ELS, registered in ELS's registry.
import { Counter, Gauge, Registry } from 'prom-client';

/** What the OFREP endpoints record. */
export interface OfrepMetrics {
  /** Requests, by endpoint (`single`, `bulk`, `events`) and status. */
  readonly requests: Counter<'endpoint' | 'status'>;
}

/** Registers the metrics; the stream gauge reads `streams()` when scraped. */
export function createOfrepMetrics(
  streams: () => number,
  registry: Registry = new Registry(),
): OfrepMetrics {
  new Gauge({
    name: 'vane_els_ofrep_streams',
    help: 'Open OFREP event streams (SSE)',
    registers: [registry],
    collect() {
      this.set(streams());
    },
  });
  return {
    requests: new Counter({
      name: 'vane_els_ofrep_requests_total',
      help: 'OFREP requests, by endpoint and status',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    }),
  };
}
