// A WebSocket client on a raw TCP socket, for tests that need what `ws` hides: it does the
// handshake, sends masked frames, can stop reading its socket (as a slow or hostile SDK does), and
// afterwards reads what arrived up to the server's close frame.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** What the client read once it resumed. */
export interface RawRead {
  /** Text and binary messages, in order. */
  readonly messages: Buffer[];
  /** The close frame's code, or undefined when the socket ended without one. */
  readonly closeCode: number | undefined;
}

/** A connected raw WebSocket client. */
export class RawWsClient {
  #buffer = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {}

  /** Connects and completes the upgrade on `path` with extra request headers. */
  static async open(
    port: number,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<RawWsClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const client = new RawWsClient(socket);
    const head = await new Promise<string>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        got = Buffer.concat([got, chunk]);
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        client.#buffer = got.subarray(end + 4);
        resolve(got.subarray(0, end).toString('latin1'));
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head}`);
    socket.on('error', () => undefined);
    return client;
  }

  /** Sends a text message (masked, as clients must). */
  sendText(text: string): void {
    this.#send(0x1, Buffer.from(text, 'utf8'));
  }

  /** Sends a binary message. */
  sendBinary(bytes: Uint8Array): void {
    this.#send(0x2, Buffer.from(bytes));
  }

  /** Reads until the first text or binary message, then stops reading again. */
  firstMessage(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const parse = (): boolean => {
        for (;;) {
          const frame = readFrame(this.#buffer);
          if (frame === undefined) return false;
          this.#buffer = this.#buffer.subarray(frame.length);
          if (frame.opcode === 0x1 || frame.opcode === 0x2) {
            this.socket.off('data', onData);
            this.socket.pause();
            resolve(frame.payload);
            return true;
          }
          if (frame.opcode === 0x8) reject(new Error('closed before a message'));
        }
      };
      const onData = (chunk: Buffer): void => {
        this.#buffer = Buffer.concat([this.#buffer, chunk]);
        parse();
      };
      if (parse()) return;
      this.socket.on('data', onData);
      this.socket.resume();
    });
  }

  /** Resumes reading and resolves with every message up to the close frame (or the socket's end). */
  readToClose(): Promise<RawRead> {
    const messages: Buffer[] = [];
    return new Promise((resolve) => {
      let done = false;
      const finish = (closeCode: number | undefined): void => {
        if (done) return;
        done = true;
        this.socket.destroy();
        resolve({ messages, closeCode });
      };
      const parse = (): void => {
        for (;;) {
          const frame = readFrame(this.#buffer);
          if (frame === undefined) return;
          this.#buffer = this.#buffer.subarray(frame.length);
          if (frame.opcode === 0x8) return finish(frame.payload.readUInt16BE(0));
          if (frame.opcode === 0x1 || frame.opcode === 0x2) messages.push(frame.payload);
        }
      };
      this.socket.on('data', (chunk: Buffer) => {
        this.#buffer = Buffer.concat([this.#buffer, chunk]);
        parse();
      });
      this.socket.once('close', () => finish(undefined));
      parse();
      this.socket.resume();
    });
  }

  /** Destroys the socket. */
  destroy(): void {
    this.socket.destroy();
  }

  #send(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const len = payload.length;
    const head =
      len < 126
        ? Buffer.from([0x80 | opcode, 0x80 | len])
        : len < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), u64(len)]);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    this.socket.write(Buffer.concat([head, mask, masked]));
  }
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

// One unmasked server frame at the start of `buf`, or undefined when incomplete.
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = (buf[0] ?? 0) & 0x0f;
  let len = (buf[1] ?? 0) & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (buf.length < offset + len) return undefined;
  return { opcode, payload: buf.subarray(offset, offset + len), length: offset + len };
}
