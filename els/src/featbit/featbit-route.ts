// FeatBit compatibility as one `StreamRoute` of ELS's server: the `/streaming` WebSocket and the
// SDK HTTP endpoints.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EnvironmentSource } from '../environments/environment-source.js';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { ConnectionLayer } from '../streaming/connection-layer.js';
import type { StreamRoute } from '../streaming/stream-server.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { FeatBitHttp } from './featbit-http.js';
import type { FeatBitHttpOptions } from './featbit-http.js';
import { createFeatBitMetrics } from './featbit-metrics.js';
import { FeatBitStream } from './featbit-stream.js';
import type { FeatBitStreamOptions } from './featbit-stream.js';

/** Settings of FeatBit compatibility (all optional; see `FEATBIT_DEFAULTS`). */
export type FeatBitOptions = Partial<FeatBitStreamOptions & FeatBitHttpOptions>;

/**
 * Defaults: FeatBit's 30 s token window, 64 KiB frames, 60 s idle timeout. Connection caps, rate
 * limits, the send bound and the secret re-check are ELS's (`ElsOptions`), shared by every protocol.
 */
export const FEATBIT_DEFAULTS: FeatBitStreamOptions & FeatBitHttpOptions = {
  tokenWindowMs: 30_000,
  maxFrameBytes: 64 * 1024,
  maxMalformedFrames: 10,
  idleTimeoutMs: 60_000,
  maxUserBodyBytes: 64 * 1024,
  maxTrackBodyBytes: 4 * 1024 * 1024,
  retryAfterSeconds: 5,
};

/** What FeatBit compatibility reads and reports through. */
export interface FeatBitRouteDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  /** ELS's Prometheus registry (a private one if absent). */
  readonly registry?: Registry;
  /** ELS's shared connection layer (registry and caps, send bound, rate limits). */
  readonly layer: ConnectionLayer;
}

/** The FeatBit route: WebSocket upgrades on `/streaming`, HTTP on `/api/public/...`. */
export function createFeatBitRoute(
  deps: FeatBitRouteDeps,
  options: FeatBitOptions = {},
): StreamRoute {
  const settings = { ...FEATBIT_DEFAULTS, ...options };
  // The gauge reads the stream lazily, on scrape.
  const metrics = createFeatBitMetrics(() => stream.size, deps.registry);
  const stream = new FeatBitStream({ ...deps, metrics }, settings);
  const http = new FeatBitHttp({ ...deps, metrics }, settings);
  return {
    http: (req, res, url) => http.handle(req, res, url),
    upgrade: (req, socket, head, url) => stream.upgrade(req, socket, head, url),
    stop: () => stream.stop(),
  };
}
