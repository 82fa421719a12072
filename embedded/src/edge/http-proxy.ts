// Reverse proxy from the embedded edge to ELS for the SDK paths (what Envoy's routes to the `els`
// cluster do in the compose stack): plain HTTP requests with their bodies streamed both ways (so
// server-sent events pass through unbuffered), and WebSocket upgrades spliced as raw sockets.
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** Hop-by-hop headers: they describe one connection and are not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const listed = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  );
  for (const [key, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(key) && !listed.has(key)) headers[key] = value;
  }
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${peer}` : peer;
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}

/** Proxies to one upstream HTTP server. */
export class HttpProxy {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly logger: Logger,
  ) {}

  /** Forwards one HTTP request and streams the answer back as it comes. */
  web(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      {
        host: this.host,
        port: this.port,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req),
      },
      (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        // Server-sent events and other long answers go out as soon as they arrive.
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (err) => {
      this.logger.warn({ err, path: req.url }, 'edge: upstream request failed');
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('the evaluation server is not reachable\n');
      } else {
        res.destroy();
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Splices an upgrade request (WebSocket) onto a new connection to the upstream. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const upstream: Socket = connect({ host: this.host, port: this.port });
    const headers = forwardedHeaders(req);
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
    for (const [key, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${key}: ${v}`);
    }
    lines.push('connection: Upgrade', `upgrade: ${String(req.headers.upgrade ?? 'websocket')}`);
    upstream.on('connect', () => {
      upstream.setNoDelay(true);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    let refused = false;
    upstream.on('error', (err) => {
      this.logger.warn({ err, path: req.url }, 'edge: upstream upgrade failed');
      if (socket.writable && upstream.bytesRead === 0) {
        refused = true;
        socket.end(
          'HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nthe evaluation server is not reachable\n',
        );
      } else {
        socket.destroy();
      }
    });
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (!refused) socket.destroy();
    });
  }
}
