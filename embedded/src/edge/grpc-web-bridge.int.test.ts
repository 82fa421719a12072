// The gRPC-web bridge on its own, against a small grpc-js server with a server-streaming method
// (no Vane service streams yet, but the bridge must): every message as its own frame, initial
// metadata as HTTP headers, custom trailing metadata in the trailers frame, grpc-timeout as the
// deadline, and cancellation when the browser goes away.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcWebBridge } from './grpc-web-bridge.js';

const raw = (b: Buffer): Buffer => b;
const service: ServiceDefinition = {
  count: {
    path: '/vane.test.v1.CountService/Count',
    requestStream: false,
    responseStream: true,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

let grpc: Server;
let bridge: GrpcWebBridge;
let url: string;
let cancelled = 0;
const closers: (() => void)[] = [];

beforeAll(async () => {
  grpc = new Server();
  grpc.addService(service, {
    // The request is one byte n: answers n messages "0".."n-1" (n = 0: waits until cancelled),
    // with initial metadata x-initial and trailing metadata x-trailing.
    count: (call: ServerWritableStream<Buffer, Buffer>) => {
      const n = call.request[0] ?? 0;
      const initial = new Metadata();
      initial.set('x-initial', 'hello');
      call.sendMetadata(initial);
      if (n === 0) {
        call.on('cancelled', () => cancelled++);
        return;
      }
      for (let i = 0; i < n; i++) call.write(Buffer.from(String(i)));
      const trailing = new Metadata();
      trailing.set('x-trailing', 'bye');
      trailing.set('x-blob-bin', Buffer.from([1, 2, 3]));
      call.end(trailing);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  bridge = new GrpcWebBridge({ '/vane.test.v1.': `127.0.0.1:${port}` });
  const http = createServer((req, res) => void bridge.serve(req, res, req.url ?? '/'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/vane.test.v1.CountService/Count`;
  closers.push(() => http.close());
});

afterAll(() => {
  closers.forEach((c) => c());
  bridge.close();
  grpc.forceShutdown();
});

function frame(bytes: number[]): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, Buffer.from(bytes)]);
}

function unframe(body: Buffer) {
  const messages: string[] = [];
  let trailers = '';
  for (let at = 0; at < body.length;) {
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    if (body[at]! & 0x80) trailers = payload.toString('latin1');
    else messages.push(payload.toString());
    at += 5 + length;
  }
  return { messages, trailers };
}

describe('gRPC-web bridge', () => {
  it('streams every server message as its own frame, then the trailers with their metadata', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto' },
      body: frame([3]),
    });
    expect(res.headers.get('x-initial')).toBe('hello');
    const { messages, trailers } = unframe(Buffer.from(await res.arrayBuffer()));
    expect(messages).toEqual(['0', '1', '2']);
    expect(trailers).toContain('grpc-status: 0\r\n');
    expect(trailers).toContain('x-trailing: bye\r\n');
    expect(trailers).toContain(`x-blob-bin: ${Buffer.from([1, 2, 3]).toString('base64')}\r\n`);
  });

  it('turns grpc-timeout into the deadline', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', 'grpc-timeout': '200m' },
      body: frame([0]),
    });
    const { trailers } = unframe(Buffer.from(await res.arrayBuffer()));
    expect(trailers).toContain(`grpc-status: ${status.DEADLINE_EXCEEDED}\r\n`);
  });

  it('cancels the upstream call when the client goes away', async () => {
    const before = cancelled;
    const abort = new AbortController();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto' },
      body: frame([0]),
      signal: abort.signal,
    });
    expect(res.headers.get('x-initial')).toBe('hello');
    abort.abort();
    await expect.poll(() => cancelled, { timeout: 5000, interval: 20 }).toBe(before + 1);
  });
});
