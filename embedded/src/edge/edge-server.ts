// The embedded platform's public HTTP edge: the same URLs as Envoy's public listener in the compose
// stack, so the admin UI and the SDKs use one address in both modes.
//   /vane.admin.v1.*, /vane.analytics.v1.*   gRPC-web (+ CORS) bridged to the gRPC servers
//   /sdk/, /streaming, /ofrep/, /api/public/  ELS's own handlers, in-process (HTTP, SSE, upgrades)
//   everything else                           the admin UI's static files (web/dist), SPA fallback
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import sirv from 'sirv';
import type { ElsHandlers } from '@vane/els';
import { GrpcWebBridge } from './grpc-web-bridge.js';

/** Path prefixes that Envoy and this edge send to ELS. */
export const ELS_PREFIXES = ['/sdk/', '/streaming', '/ofrep/', '/api/public/'] as const;

/** Path prefixes of the gRPC services reachable over gRPC-web. */
export const ADMIN_PREFIX = '/vane.admin.v1.';
export const ANALYTICS_PREFIX = '/vane.analytics.v1.';

/** Where the edge sends each path. */
export interface EdgeOptions {
  readonly host: string;
  readonly port: number;
  /** `host:port` of the admin API's gRPC server. */
  readonly adminGrpc: string;
  /** `host:port` of the analytics gRPC server. */
  readonly analyticsGrpc: string;
  /** ELS's request and upgrade handlers (`RunningEls.handlers`), called in-process. */
  readonly els: ElsHandlers;
  /** The admin UI's build output (`web/dist`). */
  readonly webDist: string;
  readonly logger: Logger;
}

/** A listening edge. */
export interface RunningEdge {
  readonly port: number;
  stop(): Promise<void>;
}

const NO_UI = `Vane is running, but the admin UI is not built.

Build it with:   npm run build --workspace web
then reload this page. The APIs are served here already (gRPC-web, /sdk/v1/stream, /ofrep/).
`;

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Starts the edge; resolves once it listens. */
export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const { logger } = options;
  const bridge = new GrpcWebBridge({
    [ADMIN_PREFIX]: options.adminGrpc,
    [ANALYTICS_PREFIX]: options.analyticsGrpc,
  });
  const index = join(options.webDist, 'index.html');
  // The UI may be built (or rebuilt, with new hashed asset names) while Vane runs: look for it
  // until it is there, and read the folder on each request (`dev`) rather than once.
  let ui: ReturnType<typeof sirv> | undefined;
  const serveUi = (req: IncomingMessage, res: ServerResponse): void => {
    if (!ui && existsSync(index)) ui = sirv(options.webDist, { single: true, dev: true });
    if (!ui) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 200 : 405, {
        'content-type': 'text/plain; charset=utf-8',
      });
      res.end(req.method === 'HEAD' ? undefined : NO_UI);
      return;
    }
    ui(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    });
  };

  const server: Server = createServer((req, res) => {
    const path = pathOf(req);
    if (bridge.handles(path)) {
      bridge.serve(req, res, path).catch((err: unknown) => {
        logger.error({ err, path }, 'edge: gRPC-web bridge failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    } else if (ELS_PREFIXES.some((p) => path.startsWith(p))) {
      options.els.request(req, res);
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else {
      serveUi(req, res);
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req);
    if (ELS_PREFIXES.some((p) => path.startsWith(p))) {
      options.els.upgrade(req, socket, head);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    }
  });
  // Long-lived SDK streams and SSE must not be cut by Node's request timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      bridge.close();
    },
  };
}
