// A minimal real SDK connection for the embedded tests: a `ws` client on the Vane stream (any
// URL, e.g. through the edge) speaking the binary frames, with sync and frame helpers.
import { WebSocket } from 'ws';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import type { SyncResponse } from '@vane/gen/node/vane/sync/v1/sync';
import { SyncRequest } from '@vane/gen/node/vane/sync/v1/sync';
import type { EndUser } from '@vane/gen/node/vane/model/v1/end_user';

/** A connected SDK stream; frames are queued until read with `next()`. */
export class StreamClient {
  readonly #frames: ServerFrame[] = [];
  readonly #waiters: ((frame: ServerFrame) => void)[] = [];
  readonly closed: Promise<number>;
  #requestId = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = ServerFrame.decode(new Uint8Array(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(frame);
      else this.#frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  /** Opens `url?kind=…` (url like `ws://host:port/sdk/v1/stream`) with the secret. */
  static async connect(
    url: string,
    kind: 'server' | 'client',
    secret: string,
  ): Promise<StreamClient> {
    const ws = new WebSocket(`${url}?kind=${kind}`, ['vane.sync.v1', `vane.secret.${secret}`]);
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: ClientFrame): void {
    this.ws.send(ClientFrame.encode(frame).finish());
  }

  /** The next frame, waiting up to `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<ServerFrame> {
    const queued = this.#frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame in ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** The next sync response (skipping other frames). */
  async nextSync(timeoutMs = 10_000): Promise<SyncResponse> {
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (frame.kind?.$case === 'sync') return frame.kind.value;
    }
  }

  /** Sends a sync request (a client SDK passes its user) and returns the answer. */
  sync(user?: EndUser): Promise<SyncResponse> {
    this.send(
      ClientFrame.fromPartial({
        kind: {
          $case: 'sync',
          value: SyncRequest.fromPartial({ requestId: ++this.#requestId, user }),
        },
      }),
    );
    return this.nextSync();
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(1000);
    await this.closed;
  }
}
