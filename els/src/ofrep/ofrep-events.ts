// OFREP change notifications (ADR-0008): a Server-Sent Events stream per environment that sends
// `refetchEvaluation` whenever a flag or segment of the environment changes. The stream URL
// carries a signed token naming the environment, since browsers' EventSource sends no headers.
// Streams are connections of ELS's shared layer: they count against its caps and are bounded in
// unsent bytes like every other connection.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AppliedChange } from '../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { REFUSAL_MESSAGES } from '../streaming/connection-layer.js';
import type { ConnectionLayer } from '../streaming/connection-layer.js';
import { SseConnection } from './sse-connection.js';

/** The SSE path. */
export const OFREP_EVENTS_PATH = '/ofrep/v1/events';

/** Settings of the SSE endpoint. */
export interface OfrepEventsOptions {
  /**
   * Key that signs stream tokens. Every ELS instance behind one address needs the same key;
   * without one, a random key per process is used (tokens then work on this instance only).
   */
  readonly signingKey?: string;
  /** Comment sent this often to keep proxies from closing idle streams, in ms. */
  readonly heartbeatMs: number;
}

/** Streams `refetchEvaluation` events to OFREP web providers. */
export class OfrepEvents {
  readonly #key: Buffer;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #log: Logger;

  constructor(
    snapshots: SnapshotRegistry,
    options: OfrepEventsOptions,
    logger: Logger,
    private readonly layer: ConnectionLayer,
  ) {
    this.#log = logger.child({ module: 'ofrep-events' });
    this.#key = options.signingKey ? Buffer.from(options.signingKey) : randomBytes(32);
    this.#unsubscribe = snapshots.onChange((change) => this.#notify(change));
    this.#heartbeat = setInterval(() => {
      for (const conn of this.#all()) conn.sendText(': ping\n\n');
    }, options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** The `requestUri` of the environment's stream (path and signed token). */
  requestUri(envId: string): string {
    return `${OFREP_EVENTS_PATH}?token=${encodeURIComponent(this.#token(envId))}`;
  }

  /**
   * Opens a stream for a request whose token is valid; answers 401 if not, 503 when ELS is at its
   * connection cap and 429 when the environment is (both with `Retry-After`).
   */
  open(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): void {
    const envId = this.#verify(url.searchParams.get('token') ?? '');
    if (envId === undefined) {
      res.writeHead(401, { ...cors, 'content-type': 'text/plain' }).end('invalid stream token\n');
      return;
    }
    const { connections, settings } = this.layer;
    const conn = new SseConnection(
      res,
      { id: connections.nextId(), envId, kind: 'client', secret: '' },
      settings,
    );
    const refused = connections.tryAdd(conn);
    if (refused !== undefined) {
      res
        .writeHead(refused === 'full' ? 503 : 429, {
          ...cors,
          'retry-after': '30',
          'content-type': 'text/plain',
        })
        .end(`${REFUSAL_MESSAGES[refused]}\n`);
      return;
    }
    res.writeHead(200, {
      ...cors,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 5000\n: connected\n\n');
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.on('close', () => connections.remove(conn));
  }

  /** Open streams. */
  get size(): number {
    return this.layer.connections.count('sse');
  }

  /** Ends every stream. */
  stop(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const conn of this.#all()) {
      conn.res.end();
      this.layer.connections.remove(conn);
    }
  }

  #all(): SseConnection[] {
    return this.layer.connections
      .all()
      .filter((c): c is SseConnection => c instanceof SseConnection);
  }

  #notify(change: AppliedChange): void {
    const streams = this.layer.connections.of<SseConnection>('sse', change.envId);
    if (streams.length === 0) return;
    const data = JSON.stringify({
      type: 'refetchEvaluation',
      etag: String(change.version),
      lastModified: Math.floor(change.version / 1000),
    });
    const text = `id: ${change.version}\nevent: message\ndata: ${data}\n\n`;
    for (const conn of streams) {
      try {
        conn.sendText(text);
      } catch (error) {
        this.#log.debug({ err: error }, 'SSE write failed');
      }
    }
  }

  #sign(envId: string): string {
    return createHmac('sha256', this.#key)
      .update(`ofrep-events:${envId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  #token(envId: string): string {
    return `${Buffer.from(envId).toString('base64url')}.${this.#sign(envId)}`;
  }

  #verify(token: string): string | undefined {
    const [encoded, signature, extra] = token.split('.');
    if (encoded === undefined || signature === undefined || extra !== undefined) return undefined;
    if (encoded.length === 0 || encoded.length > 400) return undefined;
    const envId = Buffer.from(encoded, 'base64url').toString('utf8');
    const expected = Buffer.from(this.#sign(envId));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? envId : undefined;
  }
}
