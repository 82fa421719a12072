// A minimal real SDK for tests: a `ws` client speaking the binary frames, with helpers to await
// frames and the close code.
import { WebSocket } from 'ws';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';

/** How the server closed the socket. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** A connected test SDK; frames are queued until read with `next()`. */
export class TestSdk {
  readonly #frames: ServerFrame[] = [];
  readonly #waiters: ((frame: ServerFrame) => void)[] = [];
  /** Resolves when the socket closed. */
  readonly closed: Promise<CloseInfo>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = ServerFrame.decode(new Uint8Array(data));
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(frame);
      else this.#frames.push(frame);
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Opens `/sdk/v1/stream?kind=…` with the secret in the subprotocols; resolves once open. */
  static async connect(
    port: number,
    kind: string,
    secret: string | undefined,
    protocols = ['vane.sync.v1'],
  ): Promise<TestSdk> {
    const offered = secret === undefined ? protocols : [...protocols, `vane.secret.${secret}`];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/sdk/v1/stream?kind=${kind}`, offered);
    const sdk = new TestSdk(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return sdk;
  }

  /** Sends a frame. */
  send(frame: ClientFrame): void {
    this.ws.send(ClientFrame.encode(frame).finish());
  }

  /** Sends raw data (text or binary). */
  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** The next frame, waiting up to `timeoutMs`. */
  next(timeoutMs = 2000): Promise<ServerFrame> {
    const queued = this.#frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame received in time')), timeoutMs);
      this.#waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** Frames received and not read yet. */
  get pending(): number {
    return this.#frames.length;
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(1000);
    await this.closed;
  }
}
