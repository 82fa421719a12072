// ELS's Prometheus metrics, in a registry of their own (injected, so tests stay isolated).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionRegistry } from './connection-registry.js';

/** Frames and bytes sent to one kind of connection since the last scrape. */
export interface SentTally {
  frames: number;
  bytes: number;
}

/** The metrics ELS records. */
export interface ElsMetrics {
  readonly registry: Registry;
  /**
   * What the send path counts per frame, as plain numbers: a prom-client `inc` hashes its labels
   * on every call (a bound child too), which a push to thousands of sockets paid per socket. The
   * tallies are added to `framesOut` and `bytesOut` whenever those are read (scrapes).
   */
  readonly sent: Readonly<Record<'server' | 'client', SentTally>>;
  /** Inbound frames by frame kind (`malformed`, `too_large`, `unsupported` for rejects). */
  readonly framesIn: Counter<'kind'>;
  /** Frames sent to SDKs by connection kind (answers, pushes, errors); see `sent`. */
  readonly framesOut: Counter<'kind'>;
  /** Bytes of the frames sent, by connection kind; see `sent`. */
  readonly bytesOut: Counter<'kind'>;
  /** Outbound pushes by connection kind. */
  readonly pushes: Counter<'kind'>;
  /** Time to fan one applied change out to every connection of its environment. */
  readonly pushSeconds: Histogram<'kind'>;
  /** Connections rejected during the handshake, by close code. */
  readonly rejected: Counter<'code'>;
  /**
   * Connections of every protocol closed by ELS after the handshake, by protocol and reason
   * (`idle`, `revoked`, `rate_limited`, `slow`, `malformed`, `shutdown`).
   */
  readonly closed: Counter<'protocol' | 'reason'>;
  /** Change-topic records left behind per partition after the last batch. */
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  /** Seconds from a change's publication to Kafka until ELS applied and pushed it. */
  readonly changeDelaySeconds: Histogram;
  /** Changes applied by catching up from the store (missed by the feed). */
  readonly caughtUp: Counter;
  /** 1 while the change feed is joined to its broker, else 0. */
  readonly feedConnected: Gauge;
  /** 1 while the cache (Redis) answers, else 0. */
  readonly cacheUp: Gauge;
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
  const sent = { server: { frames: 0, bytes: 0 }, client: { frames: 0, bytes: 0 } };
  return {
    registry,
    sent,
    framesIn: new Counter({
      name: 'vane_els_frames_in_total',
      help: 'Inbound SDK frames by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    framesOut: new Counter({
      name: 'vane_els_frames_out_total',
      help: 'Frames sent to SDKs by connection kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const kind of ['server', 'client'] as const) {
          if (sent[kind].frames > 0) this.inc({ kind }, sent[kind].frames);
          sent[kind].frames = 0;
        }
      },
    }),
    bytesOut: new Counter({
      name: 'vane_els_bytes_out_total',
      help: 'Bytes of the frames sent to SDKs, by connection kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const kind of ['server', 'client'] as const) {
          if (sent[kind].bytes > 0) this.inc({ kind }, sent[kind].bytes);
          sent[kind].bytes = 0;
        }
      },
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
    closed: new Counter({
      name: 'vane_els_closed_connections_total',
      help: 'SDK connections (every protocol) closed by ELS after the handshake, by reason',
      labelNames: ['protocol', 'reason'],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'vane_els_consumer_lag',
      help: 'Change-topic records not yet consumed, per partition (after the last batch)',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
    changeDelaySeconds: new Histogram({
      name: 'vane_els_change_delay_seconds',
      help: 'From publication of a change to Kafka until ELS applied and pushed it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    caughtUp: new Counter({
      name: 'vane_els_caught_up_changes_total',
      help: 'Changes applied by catching up from the store instead of the feed',
      registers: [registry],
    }),
    feedConnected: new Gauge({
      name: 'vane_els_feed_connected',
      help: '1 while the change consumer is joined to Kafka',
      registers: [registry],
    }),
    cacheUp: new Gauge({
      name: 'vane_els_cache_up',
      help: '1 while Redis answers',
      registers: [registry],
    }),
  };
}
