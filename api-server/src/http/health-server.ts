// The operational HTTP endpoint: liveness, readiness and Prometheus metrics.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What the endpoint reports. */
export interface HealthChecks {
  /** True when the process should take traffic (dependencies reachable). */
  ready(): Promise<boolean>;
  readonly registry: Registry;
}

/** Serves `/healthz` (alive), `/readyz` (ready) and `/metrics`; resolves with the bound port. */
export async function startHealthServer(
  checks: HealthChecks,
  port: number,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type }).end(body);
    };
    if (path === '/healthz') return reply(200, 'ok\n');
    if (path === '/readyz') {
      checks.ready().then(
        (ok) => reply(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
        () => reply(503, 'not ready\n'),
      );
      return;
    }
    if (path === '/metrics') {
      checks.registry.metrics().then(
        (text) => reply(200, text, checks.registry.contentType),
        () => reply(500, 'metrics unavailable\n'),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
