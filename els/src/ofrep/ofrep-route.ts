// OFREP as one `StreamRoute` of ELS's server: the evaluation endpoints and the SSE stream.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EnvironmentSource } from '../environments/environment-source.js';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { ConnectionLayer } from '../streaming/connection-layer.js';
import type { StreamRoute } from '../streaming/stream-server.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { OfrepEvents } from './ofrep-events.js';
import type { OfrepEventsOptions } from './ofrep-events.js';
import { OfrepHttp } from './ofrep-http.js';
import { createOfrepMetrics } from './ofrep-metrics.js';
import type { OfrepHttpOptions } from './ofrep-http.js';

/** Settings of OFREP (all optional; see `OFREP_DEFAULTS`). */
export type OfrepOptions = Partial<OfrepHttpOptions & OfrepEventsOptions>;

/** Defaults: 6,000 requests a minute per API key and address, 64 KiB bodies. */
export const OFREP_DEFAULTS: OfrepHttpOptions & OfrepEventsOptions = {
  rateLimit: 6000,
  rateWindowMs: 60_000,
  maxBodyBytes: 64 * 1024,
  retryAfterSeconds: 5,
  inactivityDelaySec: 120,
  heartbeatMs: 25_000,
};

/** What OFREP reads and reports through. */
export interface OfrepRouteDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  /** ELS's Prometheus registry (a private one if absent). */
  readonly registry?: Registry;
  /** ELS's shared connection layer: event streams count against its caps and send bound. */
  readonly layer: ConnectionLayer;
}

/** The OFREP route: every request under `/ofrep/`. */
export function createOfrepRoute(deps: OfrepRouteDeps, options: OfrepOptions = {}): StreamRoute {
  const settings = { ...OFREP_DEFAULTS, ...options };
  const events = new OfrepEvents(deps.snapshots, settings, deps.logger, deps.layer, deps.source);
  const metrics = createOfrepMetrics(() => events.size, deps.registry);
  const http = new OfrepHttp({ ...deps, events, metrics }, settings);
  return {
    http: (req, res, url) => http.handle(req, res, url),
    stop: () => {
      events.stop();
      return Promise.resolve();
    },
  };
}
