// The open connections of this ELS instance, of every protocol, by environment and kind (for
// pushes, the connection caps, the idle sweep and the secret re-check).
import type { SecretKind } from '../environments/environment-source.js';
import type { Protocol, SdkConnection } from './sdk-connection.js';

/** Connection caps of one instance, counted over every protocol. */
export interface ConnectionCaps {
  /** Most open connections. */
  readonly maxConnections: number;
  /** Most open connections of one environment (0: no limit). */
  readonly maxConnectionsPerEnv: number;
}

/** Why a connection may not be added: the instance or its environment is full. */
export type Refusal = 'full' | 'env_full';

/** Connections grouped by environment; the only place that tracks who is connected. */
export class ConnectionRegistry {
  readonly #byEnv = new Map<string, Set<SdkConnection>>();
  readonly #all = new Set<SdkConnection>();
  #lastId = 0;

  constructor(
    private readonly caps: ConnectionCaps = { maxConnections: Infinity, maxConnectionsPerEnv: 0 },
  ) {}

  /** Number of open connections, every protocol. */
  get size(): number {
    return this.#all.size;
  }

  /** A fresh connection id, unique on this instance across protocols. */
  nextId(): number {
    return ++this.#lastId;
  }

  /** Whether one more connection (of `envId`, when known) would be refused, and why. */
  refusal(envId?: string): Refusal | undefined {
    if (this.#all.size >= this.caps.maxConnections) return 'full';
    const perEnv = this.caps.maxConnectionsPerEnv;
    if (envId !== undefined && perEnv > 0 && (this.#byEnv.get(envId)?.size ?? 0) >= perEnv) {
      return 'env_full';
    }
    return undefined;
  }

  /** Adds a connection unless a cap refuses it (checked again here, so caps hold exactly). */
  tryAdd(conn: SdkConnection): Refusal | undefined {
    const refused = this.refusal(conn.envId);
    if (refused !== undefined) return refused;
    let env = this.#byEnv.get(conn.envId);
    if (env === undefined) {
      env = new Set();
      this.#byEnv.set(conn.envId, env);
    }
    env.add(conn);
    this.#all.add(conn);
    return undefined;
  }

  /** Removes a connection (idempotent). */
  remove(conn: SdkConnection): void {
    this.#all.delete(conn);
    const env = this.#byEnv.get(conn.envId);
    if (env === undefined) return;
    env.delete(conn);
    if (env.size === 0) this.#byEnv.delete(conn.envId);
  }

  /** The environment's connections of one protocol and kind (a copy). */
  of<C extends SdkConnection>(protocol: Protocol, envId: string, kind?: SecretKind): C[] {
    const found: C[] = [];
    for (const conn of this.#byEnv.get(envId) ?? []) {
      if (conn.protocol === protocol && (kind === undefined || conn.kind === kind)) {
        found.push(conn as C);
      }
    }
    return found;
  }

  /** Every open connection. */
  all(): SdkConnection[] {
    return [...this.#all];
  }

  /** Open connections of one protocol. */
  count(protocol: Protocol): number {
    let n = 0;
    for (const conn of this.#all) if (conn.protocol === protocol) n += 1;
    return n;
  }

  /** Open connections of one protocol by kind. */
  countByKind(protocol: Protocol = 'vane'): Record<SecretKind, number> {
    const counts = { server: 0, client: 0 };
    for (const conn of this.#all) if (conn.protocol === protocol) counts[conn.kind] += 1;
    return counts;
  }
}
