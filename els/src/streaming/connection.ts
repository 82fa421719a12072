// One SDK connection on Vane's stream (`/sdk/v1/stream`) and what ELS remembers about it.
import type { WebSocket } from 'ws';
import type { EndUser } from '@vane/core';
import { CloseCode, ServerFrame, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { ConnectionIdentity, ConnectionSettings, CloseReason } from './sdk-connection.js';
import { WsConnection } from './ws-connection.js';

/** Details of an error frame. */
export interface ErrorDetails {
  readonly requestId?: number;
  readonly retryAfterMs?: number;
  readonly closing?: boolean;
}

/** Settings of a Vane connection: the shared ones plus a per-frame hook (metrics). */
export interface VaneConnectionSettings extends ConnectionSettings {
  /** Called with the size of every frame sent. */
  readonly onSent?: (bytes: number) => void;
}

/** An authenticated connection speaking `vane.sync.v1`. */
export class Connection extends WsConnection {
  /** Client connections: the user results are evaluated for (set by sync/identify). */
  user: EndUser | undefined;
  /** Client connections: signature of the last result sent per flag key. */
  readonly results = new Map<string, string>();
  /** True once the first SyncRequest was answered; pushes go only to synced connections. */
  synced = false;
  /** Malformed frames received so far. */
  malformed = 0;

  constructor(
    ws: WebSocket,
    identity: ConnectionIdentity,
    private readonly vane: VaneConnectionSettings,
  ) {
    super('vane', ws, identity, vane);
  }

  /** Sends one frame, encoding it for this connection only. */
  send(frame: ServerFrame): void {
    this.sendBytes(ServerFrame.encode(frame).finish());
  }

  /** Sends bytes already encoded as a ServerFrame (a push shared by many connections). */
  sendBytes(bytes: Uint8Array): void {
    if (this.deliver(bytes)) this.vane.onSent?.(bytes.length);
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

  protected shut(reason: CloseReason, detail: string): void {
    switch (reason) {
      case 'idle':
        return this.close(CloseCode.CLOSE_CODE_GOING_AWAY, detail || 'idle');
      case 'shutdown':
        return this.close(CloseCode.CLOSE_CODE_GOING_AWAY, detail || 'server shutting down');
      case 'revoked':
        this.sendErrorBeforeClose(
          StreamErrorCode.STREAM_ERROR_CODE_UNAUTHENTICATED,
          'the secret was revoked or rotated',
        );
        return this.close(CloseCode.CLOSE_CODE_UNAUTHENTICATED, detail || 'secret revoked');
      case 'rate_limited':
        return this.close(CloseCode.CLOSE_CODE_RATE_LIMITED, detail || 'rate limited');
      case 'malformed':
        return this.close(CloseCode.CLOSE_CODE_TOO_MANY_MALFORMED_FRAMES, detail);
      case 'slow':
        return this.close(CloseCode.CLOSE_CODE_SEND_BUFFER_FULL, detail || 'send buffer full');
    }
  }

  // The notice goes out unless the buffer is already over the bound (then it could not arrive).
  private sendErrorBeforeClose(code: StreamErrorCode, message: string): void {
    if (!this.open || this.bufferedBytes > this.vane.maxBufferedBytes) return;
    const frame = ServerFrame.encode({
      kind: {
        $case: 'error',
        value: { requestId: 0, code, message, retryAfterMs: 0, closing: true },
      },
    }).finish();
    this.write(frame);
    this.vane.onSent?.(frame.length);
  }
}
