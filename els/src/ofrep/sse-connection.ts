// One OFREP event stream (Server-Sent Events over an HTTP response) as a connection of ELS's
// shared layer: unsent bytes are the response's `writableLength`; over the bound the response is
// destroyed (SSE has no close code), and any other close ends the response.
import type { ServerResponse } from 'node:http';
import { SdkConnection } from '../streaming/sdk-connection.js';
import type {
  CloseReason,
  ConnectionIdentity,
  ConnectionSettings,
} from '../streaming/sdk-connection.js';

/** An open `text/event-stream` response. */
export class SseConnection extends SdkConnection {
  constructor(
    readonly res: ServerResponse,
    identity: ConnectionIdentity,
    settings: ConnectionSettings,
  ) {
    // An event stream sends nothing upstream: it is never idle (heartbeats keep proxies open).
    super('sse', identity, { ...settings, idleTimeoutMs: 0 });
  }

  /** Whether the response can still take events. */
  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** Bytes the response and its socket hold for the peer. */
  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  /** Sends an event or comment (text already in SSE framing). */
  sendText(text: string): void {
    this.deliver(text);
  }

  protected write(data: string | Uint8Array): void {
    this.res.write(data);
  }

  protected shut(reason: CloseReason): void {
    // A reader that does not read cannot receive an end either: free its buffer at once.
    if (reason === 'slow') this.res.destroy();
    else this.res.end();
  }
}
