// A minimal SDK for the end-to-end tests: the Protobuf WebSocket stream (`/sdk/v1/stream`) with
// the frames generated in gen/, as every Vane SDK speaks it. Frames are queued until read.
import { WebSocket } from 'ws';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';

/** A connected stream client. */
export class StreamClient {
  readonly #frames: ServerFrame[] = [];
  readonly #waiters: ((f: ServerFrame) => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = ServerFrame.decode(new Uint8Array(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(frame);
      else this.#frames.push(frame);
    });
  }

  /** Opens the stream as a `server` or `client` SDK with an environment secret. */
  static async connect(
    url: string,
    kind: 'server' | 'client',
    secret: string,
  ): Promise<StreamClient> {
    const ws = new WebSocket(`${url}?kind=${kind}`, ['vane.sync.v1', `vane.secret.${secret}`]);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new StreamClient(ws);
  }

  /** Sends a frame. */
  send(frame: ClientFrame): void {
    this.ws.send(ClientFrame.encode(frame).finish());
  }

  /** The next frame, within `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<ServerFrame> {
    const queued = this.#frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  /** Reads frames until one satisfies `match` (fails after `timeoutMs`). */
  async until<T>(match: (f: ServerFrame) => T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the expected frame did not arrive');
      const frame = await this.next(left);
      if (frame.kind?.$case === 'error') {
        throw new Error(`stream error ${frame.kind.value.code}: ${frame.kind.value.message}`);
      }
      const found = match(frame);
      if (found !== undefined) return found;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.ws.close(1000);
  }
}
