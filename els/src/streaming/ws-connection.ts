// The WebSocket transport shared by Vane's stream and FeatBit's `/streaming`: unsent bytes are
// `ws.bufferedAmount`, and a close whose handshake the peer never completes (it does not read)
// ends with the socket destroyed, so its queued bytes are freed.
import type { WebSocket } from 'ws';
import { SdkConnection } from './sdk-connection.js';
import type { ConnectionIdentity, ConnectionSettings, Protocol } from './sdk-connection.js';

/** After sending a close frame, the socket is destroyed if still open this much later. */
export const CLOSE_GRACE_MS = 5000;

/** An SDK connection over a `ws` WebSocket. */
export abstract class WsConnection extends SdkConnection {
  #grace: NodeJS.Timeout | undefined;

  protected constructor(
    protocol: Protocol,
    readonly ws: WebSocket,
    identity: ConnectionIdentity,
    settings: ConnectionSettings,
  ) {
    super(protocol, identity, settings);
  }

  /** Whether the socket can still take frames. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes `ws` and the socket hold for the peer. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  // `ws` sends strings as text and bytes as binary by itself; no options object per send.
  protected write(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** Closes the socket with a close code; destroys it after `CLOSE_GRACE_MS` if still open. */
  close(code: number, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
    if (this.#grace !== undefined || this.ws.readyState === this.ws.CLOSED) return;
    this.#grace = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.#grace.unref();
    this.ws.once('close', () => clearTimeout(this.#grace));
  }
}
