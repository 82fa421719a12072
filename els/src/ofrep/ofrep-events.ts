// OFREP change notifications (ADR-0008): a Server-Sent Events stream per environment that sends
// `refetchEvaluation` whenever a flag or segment of the environment changes. The stream URL
// carries a token, since browsers' EventSource sends no headers: the environment and the API key
// that asked for it, sealed (AES-256-GCM) with a key derived from the stream key, so the stream
// stops with its secret: a revoked secret's URL opens nothing, and open streams are closed by
// the shared secret re-check like every other connection.
// Streams are connections of ELS's shared layer: they count against its caps and are bounded in
// unsent bytes like every other connection.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EnvironmentSource } from '../environments/environment-source.js';
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
  readonly #sealKey: Buffer;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #log: Logger;

  constructor(
    snapshots: SnapshotRegistry,
    options: OfrepEventsOptions,
    logger: Logger,
    private readonly layer: ConnectionLayer,
    private readonly source: Pick<EnvironmentSource, 'findSecret'>,
  ) {
    this.#log = logger.child({ module: 'ofrep-events' });
    this.#key = options.signingKey ? Buffer.from(options.signingKey) : randomBytes(32);
    this.#sealKey = createHash('sha256').update('ofrep-events-seal\0').update(this.#key).digest();
    this.#unsubscribe = snapshots.onChange((change) => this.#notify(change));
    this.#heartbeat = setInterval(() => {
      for (const conn of this.#all()) conn.sendText(': ping\n\n');
    }, options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /**
   * The `requestUri` of the environment's stream for a caller holding `secret` (path and sealed
   * token; the same for the same environment and secret, so providers keep their stream).
   */
  requestUri(envId: string, secret: string): string {
    return `${OFREP_EVENTS_PATH}?token=${this.#seal(envId, secret)}`;
  }

  /**
   * Opens a stream for a request whose token is valid; answers 401 if not, 503 when ELS is at its
   * connection cap and 429 when the environment is (both with `Retry-After`).
   */
  open(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): void {
    const token = this.#unseal(url.searchParams.get('token') ?? '');
    if (token === undefined) {
      res.writeHead(401, { ...cors, 'content-type': 'text/plain' }).end('invalid stream token\n');
      return;
    }
    this.source.findSecret(token.secret).then(
      (grant) => {
        if (grant === undefined || grant.envId !== token.envId) {
          res.writeHead(401, { ...cors, 'content-type': 'text/plain' }).end('secret revoked\n');
          return;
        }
        this.#start(req, res, cors, grant.envId, grant.kind, token.secret);
      },
      (error: unknown) => {
        this.#log.warn({ err: error }, 'secret lookup failed');
        res
          .writeHead(503, { ...cors, 'retry-after': '5', 'content-type': 'text/plain' })
          .end('flag store unavailable\n');
      },
    );
  }

  #start(
    req: IncomingMessage,
    res: ServerResponse,
    cors: Record<string, string>,
    envId: string,
    kind: 'server' | 'client',
    secret: string,
  ): void {
    if (res.destroyed) return;
    const { connections, settings } = this.layer;
    const conn = new SseConnection(
      res,
      { id: connections.nextId(), envId, kind, secret },
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

  // Deterministic sealing (the IV is a MAC of the plaintext), so one caller gets one URL.
  #seal(envId: string, secret: string): string {
    const plain = Buffer.from(JSON.stringify([envId, secret]));
    const iv = createHmac('sha256', this.#key).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  #unseal(token: string): { envId: string; secret: string } | undefined {
    if (token.length < 40 || token.length > 1200) return undefined;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 12 + 16 + 1) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(12, raw.length - 16)),
        decipher.final(),
      ]);
      const parsed: unknown = JSON.parse(plain.toString('utf8'));
      if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
      const [envId, secret] = parsed as unknown[];
      return typeof envId === 'string' && typeof secret === 'string'
        ? { envId, secret }
        : undefined;
    } catch {
      return undefined; // forged, truncated or from another key
    }
  }
}
