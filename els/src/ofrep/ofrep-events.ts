// OFREP change notifications (ADR-0008): a Server-Sent Events stream per environment that sends
// `refetchEvaluation` whenever a flag or segment of the environment changes. The stream URL
// carries a signed token naming the environment, since browsers' EventSource sends no headers.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AppliedChange } from '../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';

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
  /** Most open streams. */
  readonly maxStreams: number;
}

/** Streams `refetchEvaluation` events to OFREP web providers. */
export class OfrepEvents {
  readonly #key: Buffer;
  readonly #streams = new Map<string, Set<ServerResponse>>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #log: Logger;
  #count = 0;

  constructor(
    snapshots: SnapshotRegistry,
    private readonly options: OfrepEventsOptions,
    logger: Logger,
  ) {
    this.#log = logger.child({ module: 'ofrep-events' });
    this.#key = options.signingKey ? Buffer.from(options.signingKey) : randomBytes(32);
    this.#unsubscribe = snapshots.onChange((change) => this.#notify(change));
    this.#heartbeat = setInterval(() => {
      for (const set of this.#streams.values()) for (const res of set) res.write(': ping\n\n');
    }, options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** The `requestUri` of the environment's stream (path and signed token). */
  requestUri(envId: string): string {
    return `${OFREP_EVENTS_PATH}?token=${encodeURIComponent(this.#token(envId))}`;
  }

  /** Opens a stream for a request whose token is valid; answers 401 (or 503 when full) if not. */
  open(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): void {
    const envId = this.#verify(url.searchParams.get('token') ?? '');
    if (envId === undefined) {
      res.writeHead(401, { ...cors, 'content-type': 'text/plain' }).end('invalid stream token\n');
      return;
    }
    if (this.#count >= this.options.maxStreams) {
      res.writeHead(503, { ...cors, 'retry-after': '30' }).end();
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
    const set = this.#streams.get(envId) ?? new Set<ServerResponse>();
    this.#streams.set(envId, set);
    set.add(res);
    this.#count++;
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.on('close', () => {
      if (set.delete(res)) this.#count--;
      if (set.size === 0 && this.#streams.get(envId) === set) this.#streams.delete(envId);
    });
  }

  /** Open streams. */
  get size(): number {
    return this.#count;
  }

  /** Ends every stream. */
  stop(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const set of this.#streams.values()) for (const res of set) res.end();
    this.#streams.clear();
    this.#count = 0;
  }

  #notify(change: AppliedChange): void {
    const set = this.#streams.get(change.envId);
    if (set === undefined || set.size === 0) return;
    const data = JSON.stringify({
      type: 'refetchEvaluation',
      etag: String(change.version),
      lastModified: Math.floor(change.version / 1000),
    });
    const text = `id: ${change.version}\nevent: message\ndata: ${data}\n\n`;
    for (const res of set) {
      try {
        res.write(text);
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
