// The open connections of this ELS instance, by environment and kind (for pushes and limits).
import type { SecretKind } from '../environments/environment-source.js';
import type { Connection } from './connection.js';

interface EnvConnections {
  readonly server: Set<Connection>;
  readonly client: Set<Connection>;
}

/** Connections grouped by environment; the only place that tracks who is connected. */
export class ConnectionRegistry {
  readonly #byEnv = new Map<string, EnvConnections>();
  readonly #all = new Set<Connection>();

  /** Number of open connections. */
  get size(): number {
    return this.#all.size;
  }

  /** Adds a connection. */
  add(conn: Connection): void {
    let env = this.#byEnv.get(conn.envId);
    if (env === undefined) {
      env = { server: new Set(), client: new Set() };
      this.#byEnv.set(conn.envId, env);
    }
    env[conn.kind].add(conn);
    this.#all.add(conn);
  }

  /** Removes a connection (idempotent). */
  remove(conn: Connection): void {
    this.#all.delete(conn);
    const env = this.#byEnv.get(conn.envId);
    if (env === undefined) return;
    env[conn.kind].delete(conn);
    if (env.server.size === 0 && env.client.size === 0) this.#byEnv.delete(conn.envId);
  }

  /** The environment's connections of one kind (live view; copy before mutating the registry). */
  of(envId: string, kind: SecretKind): ReadonlySet<Connection> {
    return this.#byEnv.get(envId)?.[kind] ?? new Set();
  }

  /** Every open connection. */
  all(): Connection[] {
    return [...this.#all];
  }

  /** Open connections by kind. */
  countByKind(): Record<SecretKind, number> {
    const counts = { server: 0, client: 0 };
    for (const conn of this.#all) counts[conn.kind] += 1;
    return counts;
  }
}
