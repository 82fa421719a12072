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

// One environment's connections, by protocol and kind: a push finds its audience without
// scanning the others (every protocol's pusher runs for every change, mostly with no audience).
type EnvConnections = Map<`${Protocol}:${SecretKind}`, Set<SdkConnection>>;

/** Connections grouped by environment; the only place that tracks who is connected. */
export class ConnectionRegistry {
  readonly #byEnv = new Map<string, EnvConnections>();
  /** Open connections per environment (for the per-environment cap). */
  readonly #envSize = new Map<string, number>();
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
    if (envId !== undefined && perEnv > 0 && (this.#envSize.get(envId) ?? 0) >= perEnv) {
      return 'env_full';
    }
    return undefined;
  }

  /** Adds a connection unless a cap refuses it (checked again here, so caps hold exactly). */
  tryAdd(conn: SdkConnection): Refusal | undefined {
    const refused = this.refusal(conn.envId);
    if (refused !== undefined) return refused;
    if (this.#all.has(conn)) return undefined;
    let env = this.#byEnv.get(conn.envId);
    if (env === undefined) {
      env = new Map();
      this.#byEnv.set(conn.envId, env);
    }
    const group = `${conn.protocol}:${conn.kind}` as const;
    let set = env.get(group);
    if (set === undefined) {
      set = new Set();
      env.set(group, set);
    }
    set.add(conn);
    this.#all.add(conn);
    this.#envSize.set(conn.envId, (this.#envSize.get(conn.envId) ?? 0) + 1);
    return undefined;
  }

  /** Removes a connection (idempotent). */
  remove(conn: SdkConnection): void {
    if (!this.#all.delete(conn)) return;
    const size = (this.#envSize.get(conn.envId) ?? 1) - 1;
    if (size > 0) this.#envSize.set(conn.envId, size);
    else this.#envSize.delete(conn.envId);
    const env = this.#byEnv.get(conn.envId);
    if (env === undefined) return;
    const group = `${conn.protocol}:${conn.kind}` as const;
    const set = env.get(group);
    if (set === undefined) return;
    set.delete(conn);
    if (set.size === 0) env.delete(group);
    if (env.size === 0) this.#byEnv.delete(conn.envId);
  }

  /**
   * The environment's connections of one protocol and kind, or of both kinds (a copy; in the
   * order they were added, server connections first when both kinds are asked for).
   */
  of<C extends SdkConnection>(protocol: Protocol, envId: string, kind?: SecretKind): C[] {
    const env = this.#byEnv.get(envId);
    if (env === undefined) return [];
    if (kind !== undefined) return [...((env.get(`${protocol}:${kind}`) ?? []) as Set<C>)];
    const found: C[] = [];
    for (const k of ['server', 'client'] as const) {
      for (const conn of env.get(`${protocol}:${k}`) ?? []) found.push(conn as C);
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
