// What every SDK connection has in common, whatever protocol it speaks (Vane's stream, FeatBit's
// `/streaming`, OFREP's event stream): identity, the secret it authenticated with, activity, and
// the bound on unsent bytes. Protocol code subclasses it for framing and close codes only.
import type { SecretKind } from '../environments/environment-source.js';

/** The protocols ELS serves on its port. */
export type Protocol = 'vane' | 'featbit' | 'sse';

/**
 * Why ELS closes a connection after its handshake; each protocol maps a reason to its close code
 * (see els/README.md, "Connections").
 */
export type CloseReason = 'idle' | 'revoked' | 'rate_limited' | 'slow' | 'malformed' | 'shutdown';

/** Limits and hooks every connection is created with. */
export interface ConnectionSettings {
  /** Most bytes queued and unsent before ELS stops sending and closes the connection. */
  readonly maxBufferedBytes: number;
  /** A connection that sent nothing for this long is closed (0: never; streams without input). */
  readonly idleTimeoutMs: number;
  /** Told once per connection when ELS closes it (metrics). */
  readonly onClose?: (conn: SdkConnection, reason: CloseReason) => void;
}

/** The identity of a connection: which environment, with which kind of secret. */
export interface ConnectionIdentity {
  readonly id: number;
  readonly envId: string;
  readonly kind: SecretKind;
  /** The secret it authenticated with ('' when unknown: never re-checked). */
  readonly secret: string;
}

/** An authenticated SDK connection of one environment and kind. */
export abstract class SdkConnection {
  readonly id: number;
  readonly envId: string;
  readonly kind: SecretKind;
  readonly secret: string;
  /** When the SDK last sent anything, in ms since the epoch. */
  lastSeen = Date.now();
  #closedFor: CloseReason | undefined;

  protected constructor(
    readonly protocol: Protocol,
    identity: ConnectionIdentity,
    protected readonly settings: ConnectionSettings,
  ) {
    this.id = identity.id;
    this.envId = identity.envId;
    this.kind = identity.kind;
    this.secret = identity.secret;
  }

  /** Whether the connection can still take data. */
  abstract get open(): boolean;

  /** Bytes queued for the peer and not yet handed to the network. */
  abstract get bufferedBytes(): number;

  /** Idle timeout of this connection in ms (0: never idle). */
  get idleTimeoutMs(): number {
    return this.settings.idleTimeoutMs;
  }

  /** Why ELS closed it, once it did. */
  get closedFor(): CloseReason | undefined {
    return this.#closedFor;
  }

  /** Closes the connection for a reason, with the protocol's code for it (once; later calls are no-ops). */
  closeFor(reason: CloseReason, detail = ''): void {
    if (this.#closedFor !== undefined) return;
    this.#closedFor = reason;
    this.settings.onClose?.(this, reason);
    this.shut(reason, detail);
  }

  /**
   * Hands data to the transport unless the unsent bytes already exceed the bound, in which case
   * the connection is closed with reason `slow` instead. Returns whether the data was queued.
   */
  protected deliver(data: string | Uint8Array): boolean {
    if (!this.open || this.#closedFor !== undefined) return false;
    if (this.bufferedBytes > this.settings.maxBufferedBytes) {
      this.closeFor('slow', 'send buffer full');
      return false;
    }
    this.write(data);
    return true;
  }

  /** Writes to the transport (no checks). */
  protected abstract write(data: string | Uint8Array): void;

  /** Closes the transport with the protocol's code for `reason`. */
  protected abstract shut(reason: CloseReason, detail: string): void;
}
