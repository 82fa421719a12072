// One connection on FeatBit's `/streaming`: JSON text frames `{messageType, data}` over the
// shared WebSocket transport, and FeatBit's close codes for the shared close reasons.
import type { WebSocket } from 'ws';
import type { EndUser } from '@vane/core';
import type {
  CloseReason,
  ConnectionIdentity,
  ConnectionSettings,
} from '../streaming/sdk-connection.js';
import { WsConnection } from '../streaming/ws-connection.js';

/** FeatBit's close code for permanent errors: the SDKs never reconnect after it. */
export const CLOSE_PERMANENT = 4003;
/** Transient server error: the SDKs reconnect. */
export const CLOSE_TRANSIENT = 1011;
/** Server going away (shutdown, idle): the SDKs reconnect. */
export const CLOSE_GOING_AWAY = 1001;
/** Too many connections on this instance: the SDKs reconnect later. */
export const CLOSE_TRY_LATER = 1013;
/** Too many frames, or too many connections of the environment: the SDKs reconnect. */
export const CLOSE_RATE_LIMITED = 4029;
/** The SDK did not read what ELS sent (send buffer over the bound): the SDKs reconnect. */
export const CLOSE_SEND_BUFFER_FULL = 4009;

const CODES: Readonly<Record<CloseReason, number>> = {
  idle: CLOSE_GOING_AWAY,
  shutdown: CLOSE_GOING_AWAY,
  revoked: CLOSE_PERMANENT,
  malformed: CLOSE_PERMANENT,
  rate_limited: CLOSE_RATE_LIMITED,
  slow: CLOSE_SEND_BUFFER_FULL,
};

const DETAILS: Readonly<Record<CloseReason, string>> = {
  idle: 'idle',
  shutdown: 'server shutting down',
  revoked: 'secret revoked',
  malformed: 'too many malformed frames',
  rate_limited: 'rate limited',
  slow: 'send buffer full',
};

/** Settings of a FeatBit connection: the shared ones plus a close-code hook (metrics). */
export interface FeatBitConnectionSettings extends ConnectionSettings {
  /** Told the code of every close ELS makes. */
  readonly onCode?: (code: number) => void;
}

/** An authenticated FeatBit-protocol connection. */
export class FeatBitConnection extends WsConnection {
  /** Client connections: the user of the last `data-sync`. */
  user: EndUser | undefined;
  /** True once a `data-sync` was answered; pushes go only to synced connections. */
  synced = false;
  /** Malformed frames received so far. */
  malformed = 0;
  /** Client connections: signature of the last result sent per flag key. */
  readonly results = new Map<string, string>();

  constructor(
    ws: WebSocket,
    identity: ConnectionIdentity,
    private readonly featbit: FeatBitConnectionSettings,
  ) {
    super('featbit', ws, identity, featbit);
  }

  /** Sends one `{messageType, data}` frame. */
  send(messageType: string, data: unknown): void {
    this.sendText(JSON.stringify({ messageType, data }));
  }

  /** Sends a frame already serialized (shared by many connections). */
  sendText(text: string): void {
    this.deliver(text);
  }

  /** Closes with a FeatBit close code for a protocol-specific reason (counted). */
  closeWith(code: number, reason: string): void {
    this.featbit.onCode?.(code);
    this.close(code, reason);
  }

  protected shut(reason: CloseReason, detail: string): void {
    this.closeWith(CODES[reason], (detail || DETAILS[reason]).slice(0, 120));
  }
}
