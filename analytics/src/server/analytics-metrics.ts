// Prometheus metrics of one analytics instance, on a registry of its own (never the global one),
// so that several instances in one process (tests, embedded mode) do not collide.
import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';

/** The metrics of the ingest path (the gRPC call metrics are server-kit's `grpcCallMetrics`). */
export interface AnalyticsMetrics {
  readonly registry: Registry;
  /** Events handed to the store (after in-batch de-duplication). */
  readonly ingestedEvents: Counter;
  /** Successful store inserts. */
  readonly batches: Counter;
  /** Duration of successful store inserts, seconds. */
  readonly batchSeconds: Histogram;
  /** Failed store inserts (each is retried). */
  readonly insertFailures: Counter;
  /** Events dropped as duplicates of another event in the same batch. */
  readonly duplicatesDropped: Counter;
  /** Messages sent to the dead-letter topic. */
  readonly deadLettered: Counter;
}

/** Creates the registry and metrics; `lag` (if given) feeds the consumer-lag gauge on scrape. */
export function createAnalyticsMetrics(
  lag?: () => Promise<number | undefined>,
  withDefaultMetrics = false,
): AnalyticsMetrics {
  const registry = new Registry();
  if (withDefaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'vane_analytics_' });
  const registers = [registry];
  if (lag) {
    new Gauge({
      name: 'vane_analytics_consumer_lag',
      help: 'Insight messages not yet committed by the consumer group',
      registers,
      async collect() {
        const value = await lag().catch(() => undefined);
        if (value !== undefined) this.set(value);
      },
    });
  }
  return {
    registry,
    ingestedEvents: new Counter({
      name: 'vane_analytics_ingested_events_total',
      help: 'Insight events written to the store',
      registers,
    }),
    batches: new Counter({
      name: 'vane_analytics_batches_total',
      help: 'Batches written to the store',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'vane_analytics_batch_seconds',
      help: 'Time to write one batch to the store',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    insertFailures: new Counter({
      name: 'vane_analytics_insert_failures_total',
      help: 'Failed batch writes (retried with backoff)',
      registers,
    }),
    duplicatesDropped: new Counter({
      name: 'vane_analytics_duplicates_dropped_total',
      help: 'Events dropped as duplicates within a batch (the store drops the others)',
      registers,
    }),
    deadLettered: new Counter({
      name: 'vane_analytics_dead_lettered_total',
      help: 'Poison messages sent to the dead-letter topic',
      registers,
    }),
  };
}
