// One SDK WebSocket connection and what ELS remembers about it.
import type { WebSocket } from 'ws';
import type { EndUser } from '@vane/core';
import { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import type { StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { SecretKind } from '../environments/environment-source.js';

/** Details of an error frame. */
export interface ErrorDetails {
  readonly requestId?: number;
  readonly retryAfterMs?: number;
  readonly closing?: boolean;
}

/** An authenticated SDK connection of one environment and kind. */
export class Connection {
  /** Client connections: the user results are evaluated for (set by sync/identify). */
  user: EndUser | undefined;
  /** Client connections: signature of the last result sent per flag key. */
  readonly results = new Map<string, string>();
  /** True once the first SyncRequest was answered; pushes go only to synced connections. */
  synced = false;
  /** Malformed frames received so far. */
  malformed = 0;
  /** When the SDK last sent anything, in ms since the epoch. */
  lastSeen = Date.now();

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly envId: string,
    readonly kind: SecretKind,
    /** The secret it authenticated with ('' when unknown: never re-checked). */
    readonly secret: string = '',
    /** Called with the size of every frame sent (metrics). */
    private readonly onSent?: (bytes: number) => void,
  ) {}

  /** Whether the socket can still take frames. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one frame, encoding it for this connection only. */
  send(frame: ServerFrame): void {
    this.sendBytes(ServerFrame.encode(frame).finish());
  }

  /** Sends bytes already encoded as a ServerFrame (a push shared by many connections). */
  sendBytes(bytes: Uint8Array): void {
    if (!this.open) return;
    this.ws.send(bytes, { binary: true });
    this.onSent?.(bytes.length);
  }

  /** Sends a StreamError frame. */
  sendError(code: StreamErrorCode, message: string, details: ErrorDetails = {}): void {
    this.send({
      kind: {
        $case: 'error',
        value: {
          requestId: details.requestId ?? 0,
          code,
          message,
          retryAfterMs: details.retryAfterMs ?? 0,
          closing: details.closing ?? false,
        },
      },
    });
  }

  /** Closes the socket with a close code (see `CloseCode`). */
  close(code: number, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
  }
}
