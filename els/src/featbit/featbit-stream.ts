// FeatBit's WebSocket protocol on ELS (featbit.md §2.1–2.6): `/streaming?type=server|client&token=`,
// accept-then-close 4003 for permanent errors and 1011 for transient ones, `{messageType, data}`
// JSON frames handed to one handler per message type (`featbit-handlers.ts`), pushes on changes
// (`featbit-pusher.ts`). Caps, frame rate limits, the idle sweep, the secret re-check and the send
// bound are ELS's shared connection layer, as for Vane's own stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { EnvironmentSource } from '../environments/environment-source.js';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import { REFUSAL_MESSAGES } from '../streaming/connection-layer.js';
import type { ConnectionLayer } from '../streaming/connection-layer.js';
import type { Refusal } from '../streaming/connection-registry.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import {
  CLOSE_GOING_AWAY,
  CLOSE_PERMANENT,
  CLOSE_RATE_LIMITED,
  CLOSE_TRANSIENT,
  CLOSE_TRY_LATER,
  FeatBitConnection,
} from './featbit-connection.js';
import { FEATBIT_HANDLERS } from './featbit-handlers.js';
import type { FeatBitMetrics } from './featbit-metrics.js';
import { startFeatBitPusher } from './featbit-pusher.js';
import { parseConnectionToken } from './featbit-token.js';

export {
  CLOSE_GOING_AWAY,
  CLOSE_PERMANENT,
  CLOSE_RATE_LIMITED,
  CLOSE_SEND_BUFFER_FULL,
  CLOSE_TRANSIENT,
  CLOSE_TRY_LATER,
} from './featbit-connection.js';

/** The path FeatBit's SDKs connect to. */
export const FEATBIT_STREAM_PATH = '/streaming';

/** Settings of the FeatBit stream. */
export interface FeatBitStreamOptions {
  /** Largest accepted token clock difference, both directions, in ms (FeatBit: 30 s). */
  readonly tokenWindowMs: number;
  /** Largest inbound frame in bytes; bigger frames close the connection with 1009. */
  readonly maxFrameBytes: number;
  /** Malformed frames tolerated per connection before it is closed with 4003. */
  readonly maxMalformedFrames: number;
  /** A connection silent for this long is closed with 1001 (the SDKs ping every 18 s). */
  readonly idleTimeoutMs: number;
  readonly now?: () => number;
}

/** Dependencies of the FeatBit stream. */
export interface FeatBitStreamDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  readonly metrics?: FeatBitMetrics;
  /** ELS's shared connection layer. */
  readonly layer: ConnectionLayer;
}

const REFUSAL_CODES: Readonly<Record<Refusal, number>> = {
  full: CLOSE_TRY_LATER,
  env_full: CLOSE_RATE_LIMITED,
};

/** The FeatBit WebSocket endpoint; `upgrade` takes `/streaming` requests. */
export class FeatBitStream {
  readonly #wss: WebSocketServer;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #unsubscribe: () => void;
  #stopping = false;

  constructor(
    private readonly deps: FeatBitStreamDeps,
    private readonly options: FeatBitStreamOptions,
  ) {
    this.#log = deps.logger.child({ module: 'featbit-stream' });
    this.#now = options.now ?? Date.now;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
    });
    this.#unsubscribe = startFeatBitPusher(
      deps.snapshots,
      deps.layer.connections,
      this.#log,
      deps.metrics,
    );
  }

  /** Open FeatBit connections. */
  get size(): number {
    return this.deps.layer.connections.count('featbit');
  }

  /** Takes WebSocket upgrades whose path starts with `/streaming`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (!url.pathname.startsWith(FEATBIT_STREAM_PATH)) return false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#accept(ws, url).catch((error: unknown) => {
        this.#log.error({ err: error }, 'accepting a FeatBit connection failed');
        ws.close(CLOSE_TRANSIENT, 'internal error');
      });
    });
    return true;
  }

  /** Closes every connection with 1001 and stops pushing. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe();
    const closed = [...this.#wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) =>
          ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()),
        ),
    );
    for (const ws of this.#wss.clients) ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    const forced = setTimeout(() => {
      for (const ws of this.#wss.clients) ws.terminate();
    }, 2000);
    await Promise.all(closed);
    clearTimeout(forced);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #accept(ws: WebSocket, url: URL): Promise<void> {
    const queued: RawData[] = [];
    const queue = (data: RawData): void => void queued.push(data);
    ws.on('message', queue);
    ws.on('error', (error) => this.#log.debug({ err: error }, 'socket error'));
    const refuse = (code: number, reason: string): void => {
      this.#log.debug({ code, reason }, 'FeatBit connection refused');
      this.deps.metrics?.closed.inc({ code: String(code) });
      ws.close(code, reason);
    };
    const type = url.searchParams.get('type');
    const token = url.searchParams.get('token');
    const version = url.searchParams.get('version');
    if (type !== 'server' && type !== 'client') {
      return refuse(CLOSE_PERMANENT, 'type must be server or client');
    }
    if (version !== null && version !== '' && version !== '1' && version !== '2') {
      return refuse(CLOSE_PERMANENT, 'unsupported version');
    }
    if (!token) return refuse(CLOSE_PERMANENT, 'token required');
    const parsed = parseConnectionToken(token, this.#now(), this.options.tokenWindowMs);
    if (!parsed.ok) return refuse(CLOSE_PERMANENT, `invalid token: ${parsed.message}`);
    if (this.#stopping) return refuse(CLOSE_GOING_AWAY, 'shutting down');
    const { connections, settings } = this.deps.layer;
    const full = connections.refusal();
    if (full !== undefined) return refuse(REFUSAL_CODES[full], REFUSAL_MESSAGES[full]);
    let grant;
    let secret = '';
    try {
      for (const candidate of parsed.token.secrets) {
        grant = await this.deps.source.findSecret(candidate);
        secret = candidate;
        if (grant !== undefined) break;
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'secret lookup failed');
      return refuse(CLOSE_TRANSIENT, 'flag store unavailable');
    }
    if (grant === undefined) return refuse(CLOSE_PERMANENT, 'unknown secret');
    if (grant.kind !== type) return refuse(CLOSE_PERMANENT, `secret is not for type=${type}`);
    if (ws.readyState !== ws.OPEN) return;
    const conn = new FeatBitConnection(
      ws,
      { id: connections.nextId(), envId: grant.envId, kind: grant.kind, secret },
      {
        ...settings,
        idleTimeoutMs: this.options.idleTimeoutMs,
        onCode: (code) => this.deps.metrics?.closed.inc({ code: String(code) }),
      },
    );
    const refused = connections.tryAdd(conn);
    if (refused !== undefined) return refuse(REFUSAL_CODES[refused], REFUSAL_MESSAGES[refused]);
    ws.on('close', () => connections.remove(conn));
    ws.off('message', queue);
    let chain = Promise.resolve();
    const handle = (data: RawData, isBinary: boolean): void => {
      // Counted on arrival, so a flood is dropped before it queues any work.
      if (!this.#admitFrame(conn)) return;
      chain = chain.then(() =>
        this.#onFrame(conn, data, isBinary).catch((error: unknown) => {
          this.#log.error({ err: error }, 'FeatBit frame failed');
          conn.closeWith(CLOSE_TRANSIENT, 'internal error');
        }),
      );
    };
    ws.on('message', handle);
    for (const data of queued) handle(data, false);
  }

  // The shared frame rate limits. FeatBit has no error frame: a frame over them is dropped, and
  // a connection that keeps sending while limited is closed with 4029.
  #admitFrame(conn: FeatBitConnection): boolean {
    conn.lastSeen = Date.now();
    if (!conn.open) return false;
    const verdict = this.deps.layer.limiter?.check(conn);
    if (verdict === undefined || verdict.allowed) return true;
    if (verdict.close) conn.closeFor('rate_limited');
    return false;
  }

  // Framing, then the message type's handler.
  async #onFrame(conn: FeatBitConnection, data: RawData, isBinary: boolean): Promise<void> {
    if (!conn.open) return;
    const message = isBinary ? undefined : parseFrame(data);
    if (message === undefined) {
      conn.malformed++;
      if (conn.malformed > this.options.maxMalformedFrames) conn.closeFor('malformed');
      return;
    }
    const handler = FEATBIT_HANDLERS[message.messageType.toLowerCase()];
    if (handler === undefined) return;
    await handler(conn, message.data, this.deps);
  }
}

interface Frame {
  readonly messageType: string;
  readonly data: unknown;
}

// A `{messageType, data}` object, or undefined for anything else.
function parseFrame(data: RawData): Frame | undefined {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { messageType } = parsed as Record<string, unknown>;
  if (typeof messageType !== 'string' || !('data' in parsed)) return undefined;
  return { messageType, data: (parsed as Record<string, unknown>).data };
}
