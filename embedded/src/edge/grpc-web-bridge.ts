// gRPC-web → gRPC bridge for the embedded edge (what Envoy's grpc_web filter does in the compose
// stack). A request's frames are forwarded as raw bytes to the in-process gRPC server with a
// generic @grpc/grpc-js client (pass-through serializers, no message decoding), and the answer
// goes back as gRPC-web frames followed by the trailers frame (grpc-status, grpc-message,
// grpc-status-details-bin and any other trailing metadata).
//
// Every call is made as a server-streaming call: on the wire a unary call is the same thing (one
// request message, half-close, then responses and trailers), so unary and server-streaming methods
// both work without a method table. gRPC-web has no client streaming: a body with more than one
// message is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Client, Metadata, credentials, status as Status } from '@grpc/grpc-js';
import type { ClientReadableStream, StatusObject } from '@grpc/grpc-js';

/** Largest request body accepted (one message of 4 MiB plus its frame header). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 5;

/** Request headers that belong to HTTP or to gRPC-web itself, never forwarded as gRPC metadata. */
const NOT_METADATA = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'content-type',
  'content-length',
  'accept',
  'accept-encoding',
  'accept-language',
  'origin',
  'referer',
  'user-agent',
  'x-user-agent',
  'x-grpc-web',
  'grpc-timeout',
  'grpc-accept-encoding',
  'grpc-encoding',
  'cookie',
  'pragma',
  'cache-control',
  'priority',
  'dnt',
]);

/** Response metadata never copied to HTTP headers (grpc-js adds these itself). */
const NOT_RESPONSE_HEADERS = new Set(['content-type', 'grpc-encoding', 'grpc-accept-encoding']);

/** CORS headers of every gRPC-web answer (browsers must read the status trailers' headers). */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'access-control-allow-origin': origin ?? '*',
    ...(origin ? { vary: 'origin' } : {}),
    'access-control-expose-headers':
      'grpc-status,grpc-message,grpc-status-details-bin,content-type',
  };
}

/** Answers a CORS preflight for a gRPC-web path. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...corsHeaders(req),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ??
      'authorization,content-type,x-grpc-web,x-user-agent,grpc-timeout',
    'access-control-max-age': '86400',
    'content-length': '0',
  });
  res.end();
}

type Mode = 'binary' | 'text';

/** gRPC-web's framing of the request's content type, or undefined when it is not gRPC-web. */
export function grpcWebMode(contentType: string | undefined): Mode | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/grpc-web' || type === 'application/grpc-web+proto') return 'binary';
  if (type === 'application/grpc-web-text' || type === 'application/grpc-web-text+proto')
    return 'text';
  return undefined;
}

/** Thrown for a request body that is not one well-formed gRPC-web message frame. */
export class MalformedRequestError extends Error {}

/** Decodes a base64 body that may be several padded chunks back to back. */
function decodeText(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]*$/.test(text))
    throw new MalformedRequestError('the gRPC-web-text body is not base64');
  const parts = text.split(/(?<==)(?=[^=])/);
  return Buffer.concat(parts.map((p) => Buffer.from(p, 'base64')));
}

/** The one message of a gRPC-web request body (uncompressed, exactly one data frame). */
export function parseRequestBody(body: Buffer, mode: Mode): Buffer {
  const bytes = mode === 'text' ? decodeText(body) : body;
  if (bytes.length < 5)
    throw new MalformedRequestError(
      `the request body has ${bytes.length} bytes, less than one gRPC-web frame header (5)`,
    );
  const flags = bytes[0]!;
  if (flags & 0x80) throw new MalformedRequestError('the request starts with a trailers frame');
  if (flags & 0x01)
    throw new MalformedRequestError('compressed request messages are not supported');
  const length = bytes.readUInt32BE(1);
  if (5 + length > bytes.length)
    throw new MalformedRequestError(
      `the frame announces ${length} bytes but the body holds ${bytes.length - 5}`,
    );
  if (5 + length < bytes.length)
    throw new MalformedRequestError('gRPC-web has no client streaming: send exactly one message');
  return bytes.subarray(5, 5 + length);
}

/** A frame of the response body. */
function frame(flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Percent-encodes a grpc-message as the gRPC spec asks (printable ASCII except '%' stays). */
function encodeGrpcMessage(message: string): string {
  return Array.from(Buffer.from(message, 'utf8'))
    .map((b) =>
      b >= 0x20 && b <= 0x7e && b !== 0x25
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

/** Metadata as `key: value` lines; binary values base64-encoded. */
function metadataLines(metadata: Metadata): string[] {
  const lines: string[] = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (NOT_RESPONSE_HEADERS.has(key)) continue;
    for (const value of values) {
      lines.push(`${key}: ${Buffer.isBuffer(value) ? value.toString('base64') : value}`);
    }
  }
  return lines;
}

function trailersFrame(status: StatusObject): Buffer {
  const lines = [
    `grpc-status: ${status.code}`,
    `grpc-message: ${encodeGrpcMessage(status.details ?? '')}`,
    ...metadataLines(status.metadata).filter(
      (l) => !l.startsWith('grpc-status:') && !l.startsWith('grpc-message:'),
    ),
  ];
  return frame(0x80, Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
}

/** gRPC metadata from the request's HTTP headers. */
export function requestMetadata(req: IncomingMessage): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_METADATA.has(key) || key.startsWith('sec-')) continue;
    if (key.startsWith('access-control-') || key.startsWith('grpc-')) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (key.endsWith('-bin')) {
        for (const part of item.split(/,\s?/)) metadata.add(key, Buffer.from(part, 'base64'));
      } else {
        metadata.add(key, item);
      }
    }
  }
  return metadata;
}

/** The deadline of a `grpc-timeout` header (e.g. `5S`, `100m`), or undefined. */
export function deadlineOf(header: string | string[] | undefined): Date | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  const match = /^(\d{1,8})([HMSmun])$/.exec(raw ?? '');
  if (!match) return undefined;
  const unitMs = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 }[
    match[2] as 'H' | 'M' | 'S' | 'm' | 'u' | 'n'
  ];
  return new Date(Date.now() + Number(match[1]) * unitMs);
}

/** Reads a request body up to `limit` bytes; undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const identity = (b: Buffer): Buffer => b;

/** Bridges gRPC-web requests to the gRPC servers named by service-path prefix. */
export class GrpcWebBridge {
  readonly #routes: { prefix: string; client: Client }[];

  /** `upstreams` maps a path prefix (e.g. `/vane.admin.v1.`) to a gRPC address `host:port`. */
  constructor(upstreams: Record<string, string>) {
    this.#routes = Object.entries(upstreams).map(([prefix, address]) => ({
      prefix,
      client: new Client(address, credentials.createInsecure(), {
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
      }),
    }));
  }

  /** Whether `path` is a gRPC method path this bridge forwards. */
  handles(path: string): boolean {
    return this.#routes.some((r) => path.startsWith(r.prefix));
  }

  /** Serves one gRPC-web request (POST with a gRPC-web content type) or its CORS preflight. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'OPTIONS') return answerPreflight(req, res);
    const cors = corsHeaders(req);
    const mode = grpcWebMode(req.headers['content-type']);
    if (req.method !== 'POST' || !mode) {
      req.resume();
      res.writeHead(req.method !== 'POST' ? 405 : 415, {
        ...cors,
        'content-type': 'text/plain; charset=utf-8',
        ...(req.method !== 'POST' ? { allow: 'POST, OPTIONS' } : {}),
      });
      res.end(
        `${path} is a gRPC method: call it with POST and content type application/grpc-web+proto or application/grpc-web-text\n`,
      );
      return;
    }
    const route = this.#routes.find((r) => path.startsWith(r.prefix))!;
    const contentType =
      mode === 'text' ? 'application/grpc-web-text+proto' : 'application/grpc-web+proto';
    const encode = (b: Buffer): Buffer => (mode === 'text' ? Buffer.from(b.toString('base64')) : b);
    const fail = (code: Status, message: string): void => {
      res.writeHead(200, { ...cors, 'content-type': contentType });
      res.end(encode(trailersFrame({ code, details: message, metadata: new Metadata() })));
    };

    // A text body is a third larger than the bytes it carries.
    const body = await readBody(
      req,
      mode === 'text' ? Math.ceil((MAX_REQUEST_BYTES * 4) / 3) + 4 : MAX_REQUEST_BYTES,
    );
    if (body === undefined) {
      return fail(
        Status.RESOURCE_EXHAUSTED,
        `request message larger than ${MAX_REQUEST_BYTES - 5} bytes`,
      );
    }
    let message: Buffer;
    try {
      message = parseRequestBody(body, mode);
    } catch (err) {
      if (err instanceof MalformedRequestError)
        return fail(Status.INTERNAL, `malformed gRPC-web request: ${err.message}`);
      throw err;
    }

    const deadline = deadlineOf(req.headers['grpc-timeout']);
    const call: ClientReadableStream<Buffer> = route.client.makeServerStreamRequest(
      path,
      identity,
      identity,
      message,
      requestMetadata(req),
      deadline ? { deadline } : {},
    );
    let headersSent = false;
    const sendHeaders = (metadata?: Metadata): void => {
      if (headersSent) return;
      headersSent = true;
      const headers: Record<string, string | string[]> = { ...cors, 'content-type': contentType };
      if (metadata) {
        for (const line of metadataLines(metadata)) {
          const at = line.indexOf(': ');
          const key = line.slice(0, at);
          const existing = headers[key];
          const value = line.slice(at + 2);
          headers[key] = existing === undefined ? value : [existing, value].flat();
        }
      }
      res.writeHead(200, headers);
      // A stream may wait before its first message: the client sees the headers now.
      res.flushHeaders();
    };
    // The browser went away: cancel the upstream call.
    res.on('close', () => {
      if (!res.writableFinished) call.cancel();
    });
    call.on('metadata', (metadata: Metadata) => sendHeaders(metadata));
    call.on('data', (chunk: Buffer) => {
      sendHeaders();
      res.write(encode(frame(0x00, chunk)));
    });
    // The trailers go out once every message is written: after 'end' (or 'error', which a
    // non-OK status raises instead of 'end') and the status.
    const drained = new Promise<void>((resolve) => {
      call.on('end', resolve);
      call.on('error', () => resolve());
    });
    const status = await new Promise<StatusObject>((resolve) => call.on('status', resolve));
    await drained;
    sendHeaders();
    res.end(encode(trailersFrame(status)));
  }

  close(): void {
    for (const r of this.#routes) r.client.close();
  }
}
