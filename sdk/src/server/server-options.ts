// Options of the Node server SDK.
import type { EventQueueOptions } from '../shared/event-queue.js';
import type { ReconnectOptions } from '../shared/reconnect.js';
import type { SocketFactory } from '../shared/stream-connection.js';
import type { BootstrapData } from './bootstrap.js';

/** Where the SDK reports trouble; the default logs nothing. */
export interface VaneLogger {
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

/** Every option of `VaneServerClient`; only `secret` is required (unless `offline`). */
export interface VaneServerOptions {
  /** The environment's server SDK secret. */
  readonly secret?: string;
  /** ELS's base URL (`ws://` or `wss://`); `/sdk/v1/stream?kind=server` is appended. Default `ws://127.0.0.1:7080`. */
  readonly url?: string;
  /** Never connect: evaluate only `bootstrap` data (or nothing: every flag is `FlagNotFound`). */
  readonly offline?: boolean;
  /** Definitions to serve before the first sync, as JSON text or an object (see `BootstrapData`). */
  readonly bootstrap?: string | BootstrapData;
  /** Backoff between reconnection attempts. */
  readonly reconnect?: ReconnectOptions;
  /** Ping period (default 18000 ms); a connection silent for twice this is replaced. */
  readonly pingIntervalMs?: number;
  /** Insight events: batching and bounds; `enabled: false` sends none. */
  readonly events?: EventQueueOptions & { readonly enabled?: boolean };
  /** How long `close()` waits for queued events to be acknowledged (default 5000 ms). */
  readonly closeTimeoutMs?: number;
  /** Opens WebSockets (default: the `ws` package, accepting frames up to 256 MiB). */
  readonly createSocket?: SocketFactory;
  readonly logger?: VaneLogger;
}
