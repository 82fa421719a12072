// The HTTP side of an instance: `/healthz` (alive), `/readyz` (the store answers and the consumer
// runs) and `/metrics` (Prometheus text format of the instance's registry).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What the HTTP server reports on. */
export interface HttpProbes {
  readonly registry: Registry;
  /** Resolves when ready; rejects (with a reason) when not. */
  readonly ready: () => Promise<void>;
}

/** Starts the server on `port` (0 = any); resolves with the server and the bound port. */
export async function startHttpServer(
  probes: HttpProbes,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      probes.ready().then(
        () => send(200, 'ready\n'),
        (err: unknown) => send(503, `not ready: ${(err as Error).message}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      probes.registry.metrics().then(
        (text) => send(200, text, probes.registry.contentType),
        () => send(500, 'metrics failed\n'),
      );
      return;
    }
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
