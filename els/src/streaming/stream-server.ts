// The SDK WebSocket endpoint `/sdk/v1/stream?kind=server|client` on a plain HTTP server that also
// serves `/healthz`, `/readyz` and `/metrics`: handshake, authentication and close codes. Frames
// are handed to the FrameDispatcher; caps, the idle sweep, the secret re-check and the send bound
// are the shared connection layer's (`connection-registry.ts`, `connection-supervisor.ts`).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { CloseCode } from '@vane/gen/node/vane/sync/v1/frames';
import { answerProbe } from '@vane/server-kit';
import type { Readiness } from '@vane/server-kit';
import type { EnvironmentSource } from '../environments/environment-source.js';
import { Connection } from './connection.js';
import type { ConnectionRegistry, Refusal } from './connection-registry.js';
import type { ConnectionSettings } from './sdk-connection.js';
import { REFUSAL_MESSAGES } from './connection-layer.js';
import type { ElsMetrics } from './els-metrics.js';
import { HARD_FRAME_BYTES } from './frame-dispatcher.js';
import type { FrameDispatcher } from './frame-dispatcher.js';
import type { SecretCache } from './secret-cache.js';

/** The path SDKs connect to. */
export const STREAM_PATH = '/sdk/v1/stream';
/** The subprotocol ELS selects. */
export const SYNC_PROTOCOL = 'vane.sync.v1';
/** Prefix of the subprotocol that carries the SDK secret. */
export const SECRET_PROTOCOL_PREFIX = 'vane.secret.';

/**
 * Extra endpoints served on the same port (other protocols, e.g. FeatBit's or OFREP). Each
 * method returns true when it took the request, false to let the next route (and finally the
 * built-in endpoints) try.
 */
export interface StreamRoute {
  /** Plain HTTP requests. */
  http?(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** WebSocket upgrades on a path other than `STREAM_PATH`. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Called once when the server stops, before it closes (e.g. to close its own sockets). */
  stop?(): Promise<void>;
}

/** Dependencies of the stream server. */
export interface StreamServerDeps {
  /** Extra endpoints, tried in order before the built-in ones. */
  readonly routes?: readonly StreamRoute[];
  readonly source: EnvironmentSource;
  /** Cached secret lookups (absent: `source.findSecret` on every connection). */
  readonly secrets?: SecretCache;
  /** Every protocol's connections; its caps apply here. */
  readonly connections: ConnectionRegistry;
  /** Send bound, idle timeout and close hook of every connection of this endpoint. */
  readonly settings: ConnectionSettings;
  readonly dispatcher: FrameDispatcher;
  readonly metrics: ElsMetrics;
  readonly logger: Logger;
  /** Whether ELS should take traffic, with the state of each dependency (`/readyz`). */
  readonly ready: () => Promise<Readiness>;
}

/** Where the stream server listens. */
export interface StreamServerOptions {
  readonly port: number;
  readonly host: string;
}

/** The close code of a cap refusal: the instance is full (1013) or the environment is (4029). */
export const REFUSAL_CODES: Readonly<Record<Refusal, CloseCode>> = {
  full: CloseCode.CLOSE_CODE_TRY_AGAIN_LATER,
  env_full: CloseCode.CLOSE_CODE_RATE_LIMITED,
};

/**
 * What ELS answers, as Node's HTTP server events: a server that routes the SDK paths here (the
 * embedded edge) serves them in-process, with no second hop.
 */
export interface ElsHandlers {
  /** Answers a plain HTTP request (OFREP, FeatBit's HTTP endpoints, SSE, the probes). */
  readonly request: (req: IncomingMessage, res: ServerResponse) => void;
  /** Takes a WebSocket upgrade (Vane's stream, FeatBit's streaming), or ends it with a 404. */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** A running stream server. */
export interface StreamServer {
  readonly port: number;
  /** The handlers of its port, for another server to serve them too. */
  readonly handlers: ElsHandlers;
  /** Closes every connection with 1001 and stops listening. */
  stop(): Promise<void>;
}

/** Starts listening; resolves with the bound port. */
export async function startStreamServer(
  deps: StreamServerDeps,
  options: StreamServerOptions,
): Promise<StreamServer> {
  const log = deps.logger.child({ module: 'stream-server' });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(SYNC_PROTOCOL) ? SYNC_PROTOCOL : false),
  });
  let stopping = false;

  const reject = (ws: WebSocket, code: CloseCode, reason: string): void => {
    deps.metrics.rejected.inc({ code: String(code) });
    ws.close(code, reason);
  };

  const accept = async (ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> => {
    const queued: [RawData, boolean][] = [];
    const queue = (data: RawData, isBinary: boolean): void => void queued.push([data, isBinary]);
    ws.on('message', queue);
    ws.on('error', (error) => log.debug({ err: error }, 'socket error'));
    const kind = url.searchParams.get('kind');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if ((kind !== 'server' && kind !== 'client') || !offered.includes(SYNC_PROTOCOL)) {
      return reject(
        ws,
        CloseCode.CLOSE_CODE_BAD_REQUEST,
        'kind must be server or client, with vane.sync.v1',
      );
    }
    const secret = offered
      .find((p) => p.startsWith(SECRET_PROTOCOL_PREFIX))
      ?.slice(SECRET_PROTOCOL_PREFIX.length);
    if (!secret) return reject(ws, CloseCode.CLOSE_CODE_UNAUTHENTICATED, 'no secret');
    if (stopping) return reject(ws, CloseCode.CLOSE_CODE_GOING_AWAY, 'shutting down');
    const full = deps.connections.refusal();
    if (full !== undefined) return reject(ws, REFUSAL_CODES[full], REFUSAL_MESSAGES[full]);
    let grant;
    try {
      grant = await (deps.secrets?.find(secret) ?? deps.source.findSecret(secret));
    } catch (error) {
      log.warn({ err: error }, 'secret lookup failed');
      return reject(ws, CloseCode.CLOSE_CODE_INTERNAL_ERROR, 'flag store unavailable');
    }
    if (grant === undefined)
      return reject(ws, CloseCode.CLOSE_CODE_UNAUTHENTICATED, 'unknown secret');
    if (grant.kind !== kind)
      return reject(ws, CloseCode.CLOSE_CODE_FORBIDDEN, `secret is not for kind=${kind}`);
    if (ws.readyState !== ws.OPEN) return;
    // A broadcast counts every frame: plain additions, read into the counters when scraped.
    const out = deps.metrics.sent[grant.kind];
    const conn = new Connection(
      ws,
      { id: deps.connections.nextId(), envId: grant.envId, kind: grant.kind, secret },
      {
        ...deps.settings,
        onSent: (bytes) => {
          out.frames += 1;
          out.bytes += bytes;
        },
      },
    );
    const refused = deps.connections.tryAdd(conn);
    if (refused !== undefined) {
      return reject(ws, REFUSAL_CODES[refused], REFUSAL_MESSAGES[refused]);
    }
    ws.on('close', () => deps.connections.remove(conn));
    ws.off('message', queue);
    // Frames of one connection are handled one after another, in order.
    let chain = Promise.resolve();
    const handle = (data: RawData, isBinary: boolean): void => {
      chain = chain.then(() => deps.dispatcher.dispatch(conn, data, isBinary));
    };
    ws.on('message', handle);
    for (const [data, isBinary] of queued) handle(data, isBinary);
  };

  const routes = deps.routes ?? [];
  const handlers: ElsHandlers = {
    request: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (routes.some((route) => route.http?.(req, res, url) === true)) return;
      serveHttp(req, res, deps);
    },
    upgrade: (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAM_PATH) {
        if (routes.some((route) => route.upgrade?.(req, socket, head, url) === true)) return;
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        accept(ws, req, url).catch((error: unknown) => {
          log.error({ err: error }, 'accepting a connection failed');
          ws.close(CloseCode.CLOSE_CODE_INTERNAL_ERROR);
        });
      });
    },
  };
  const server: Server = createServer(handlers.request);
  server.on('upgrade', handlers.upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    handlers,
    stop: async () => {
      stopping = true;
      await Promise.all(routes.map((route) => route.stop?.() ?? Promise.resolve()));
      const closed = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) =>
            ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()),
          ),
      );
      for (const ws of wss.clients)
        ws.close(CloseCode.CLOSE_CODE_GOING_AWAY, 'server shutting down');
      const forced = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 2000);
      await Promise.all(closed);
      clearTimeout(forced);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveHttp(req: IncomingMessage, res: ServerResponse, deps: StreamServerDeps): void {
  if (answerProbe(req, res, { registry: deps.metrics.registry, ready: deps.ready })) return;
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
