// Commands and answers between a bench (load-client.ts) and the load generator child process.

/** Where and how SDK sockets connect. `frames`: base64 ClientFrames, sent on open in turn. */
interface Target {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly frames: readonly string[];
  /** Source address of the sockets (any 127.x.y.z on loopback), to spread ephemeral ports. */
  readonly localAddress?: string;
  /** A socket without an answer after this long counts as failed. */
  readonly timeoutMs: number;
}

/** A command to the load generator. */
export type LoadCommand =
  | { readonly op: 'clock' }
  | (Target & { readonly op: 'connect'; readonly count: number; readonly concurrency?: number })
  | (Target & { readonly op: 'rate'; readonly rate: number; readonly durationMs: number })
  | { readonly op: 'arm' }
  | { readonly op: 'collect'; readonly timeoutMs: number }
  | { readonly op: 'reset' }
  | { readonly op: 'exit' };

/** The outcome of one socket's open and first answer. */
export interface OpenResult {
  readonly ok: boolean;
  /** Open started → first answer (or failure), ms. */
  readonly ms: number;
  /** Size of the first answer. */
  readonly bytes: number;
  readonly reason?: string;
}

/** Answer to `connect` and `rate`. */
export interface ConnectResult {
  readonly ok: number;
  readonly failed: number;
  /** Failures by reason (`timeout`, `closed 4029`, an error message…). */
  readonly reasons: Record<string, number>;
  /** connect: until every socket answered; rate: until the last socket was started. */
  readonly elapsedMs: number;
  /** Per successful socket: open started → sync answer, ms. */
  readonly latenciesMs: readonly number[];
  /** connect: size of each answer. */
  readonly bytes: readonly number[];
  /** Sockets open in the load generator now. */
  readonly open: number;
}

/** Answer to `collect`: per socket, when its message arrived (absolute ms, NaN if never). */
export interface RoundResult {
  readonly arrivals: readonly number[];
  readonly bytes: readonly number[];
  readonly missing: number;
}
