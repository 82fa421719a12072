// The operational HTTP endpoints every server answers, in one format: `/healthz` (the process
// lives), `/readyz` (it should take traffic: 200 or 503, then one `name: state` line per
// dependency) and `/metrics` (its Prometheus registry).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Whether a server should take traffic, with the state of each dependency (e.g. `store: ok`). */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

/** What the endpoints report on. */
export interface Probes {
  readonly registry: Registry;
  /** A rejection reads as not ready, with its message as the `error` line. */
  ready(): Promise<Readiness>;
}

/** The paths answered here. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** The `/readyz` body: `ready` or `not ready`, then `name: state` per check. */
export function readinessText({ ready, checks }: Readiness): string {
  const lines = Object.entries(checks).map(([name, state]) => `${name}: ${state}\n`);
  return `${ready ? 'ready' : 'not ready'}\n${lines.join('')}`;
}

/**
 * Answers a request for one of PROBE_PATHS and returns true; returns false (and answers nothing)
 * for any other path, which the caller serves. Only GET and HEAD are taken (405 otherwise).
 */
export function answerProbe(req: IncomingMessage, res: ServerResponse, probes: Probes): boolean {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!PROBE_PATHS.has(path)) return false;
  const reply = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(code, { 'content-type': type }).end(body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    reply(405, 'method not allowed\n');
  } else if (path === '/healthz') {
    reply(200, 'ok\n');
  } else if (path === '/readyz') {
    probes.ready().then(
      (readiness) => reply(readiness.ready ? 200 : 503, readinessText(readiness)),
      (err: unknown) =>
        reply(503, readinessText({ ready: false, checks: { error: (err as Error).message } })),
    );
  } else {
    probes.registry.metrics().then(
      (text) => reply(200, text, probes.registry.contentType),
      () => reply(500, 'metrics unavailable\n'),
    );
  }
  return true;
}

/**
 * A server of the probe endpoints alone (404 elsewhere); resolves once it listens. `close` also
 * ends kept-alive connections.
 */
export async function startProbeServer(
  probes: Probes,
  port: number,
  host: string,
): Promise<{ readonly port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (!answerProbe(req, res, probes)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
