// One logical SDK stream over successive WebSockets: opens, reconnects with backoff after a loss,
// pings, and detects a silent connection. Frames are bytes here; each SDK encodes its own.
import { reconnectDelay } from './reconnect.js';
import type { ReconnectOptions } from './reconnect.js';

/** The part of the WHATWG WebSocket API the SDKs use (browsers' WebSocket and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Creates a socket offering the subprotocols (the secret travels in one of them). */
export type SocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** What the owner of a stream provides. */
export interface StreamHandlers {
  /** A socket opened: send the sync request. */
  onOpen(): void;
  /** A binary message arrived. */
  onMessage(bytes: Uint8Array): void;
  /** The socket closed or failed; `retryInMs` is undefined when the stream stops for good. */
  onDown(code: number, reason: string, retryInMs: number | undefined): void;
}

/** Settings of a stream. */
export interface StreamSettings {
  readonly url: string;
  readonly protocols: string[];
  readonly createSocket: SocketFactory;
  readonly reconnect: ReconnectOptions;
  /** Ping period; the stream is considered dead after twice this without a message. */
  readonly pingIntervalMs: number;
  readonly ping: () => Uint8Array;
}

/** See the module comment. */
export class StreamConnection {
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #openedAt = 0;
  #lastMessageAt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(
    private readonly settings: StreamSettings,
    private readonly handlers: StreamHandlers,
  ) {}

  /** True while a socket is open. */
  get isOpen(): boolean {
    return this.#socket?.readyState === 1;
  }

  /** Opens the first socket. */
  start(): void {
    this.#connect();
  }

  /** Sends a frame; false when no socket is open (the caller keeps what it must resend). */
  send(bytes: Uint8Array): boolean {
    if (!this.isOpen || this.#socket === undefined) return false;
    try {
      this.#socket.send(bytes);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes with 1000 and never reconnects. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      socket.onerror = () => undefined;
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
    }
  }

  #connect(): void {
    if (this.#stopped) return;
    let socket: WebSocketLike;
    try {
      socket = this.settings.createSocket(this.settings.url, this.settings.protocols);
    } catch (error) {
      this.#down(1006, error instanceof Error ? error.message : 'cannot open socket');
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.#openedAt = this.#lastMessageAt = Date.now();
      this.#pingTimer = setInterval(() => this.#ping(), this.settings.pingIntervalMs);
      this.handlers.onOpen();
    };
    socket.onmessage = (event) => {
      this.#lastMessageAt = Date.now();
      const data = event.data;
      if (data instanceof ArrayBuffer) this.handlers.onMessage(new Uint8Array(data));
      else if (ArrayBuffer.isView(data))
        this.handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    };
    socket.onerror = () => undefined; // onclose follows with the code
    socket.onclose = (event) => this.#down(event.code, event.reason);
  }

  #ping(): void {
    if (Date.now() - this.#lastMessageAt > 2 * this.settings.pingIntervalMs) {
      // Nothing heard for two periods: the connection is dead even if TCP has not noticed.
      const socket = this.#socket;
      if (socket !== undefined) {
        socket.onclose = socket.onmessage = null;
        try {
          socket.close(1000);
        } catch {
          // ignore
        }
      }
      this.#down(1006, 'no message for two ping periods');
      return;
    }
    this.send(this.settings.ping());
  }

  #down(code: number, reason: string): void {
    clearInterval(this.#pingTimer);
    this.#socket = undefined;
    if (this.#stopped) return;
    const reset = this.settings.reconnect.resetAfterMs ?? 60_000;
    if (this.#openedAt > 0 && Date.now() - this.#openedAt >= reset) this.#attempt = 0;
    this.#openedAt = 0;
    const delay = reconnectDelay(code, this.#attempt, this.settings.reconnect);
    if (delay === 'stop') {
      this.#stopped = true;
      this.handlers.onDown(code, reason, undefined);
      return;
    }
    this.#attempt++;
    this.handlers.onDown(code, reason, delay);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }
}
