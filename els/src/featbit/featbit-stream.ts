// FeatBit's WebSocket protocol on ELS (featbit.md §2.1–2.6): `/streaming?type=server|client&token=`,
// accept-then-close 4003 for permanent errors and 1011 for transient ones, `{messageType, data}`
// JSON frames (ping/pong, echo, data-sync), identify by a new data-sync, pushes on changes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { EndUser } from '@vane/core';
import type { EnvironmentSource, SecretKind } from '../environments/environment-source.js';
import { endUserToProto, resultSignature } from '../mapping/evaluation-mapping.js';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { AppliedChange } from '../sync/environment-snapshot.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { clientFlagToFeatBit, removedClientFlag, userFromFeatBit } from './featbit-json.js';
import type { FeatBitClientFlag } from './featbit-json.js';
import { clientPayload, serverFrameText, serverPayload, serverPush } from './featbit-payloads.js';
import type { FeatBitMetrics } from './featbit-metrics.js';
import { parseConnectionToken } from './featbit-token.js';

/** FeatBit's close code for permanent errors: the SDKs never reconnect after it. */
export const CLOSE_PERMANENT = 4003;
/** Transient server error: the SDKs reconnect. */
export const CLOSE_TRANSIENT = 1011;
/** Server going away (shutdown, idle): the SDKs reconnect. */
export const CLOSE_GOING_AWAY = 1001;
/** Too many connections: the SDKs reconnect later. */
export const CLOSE_TRY_LATER = 1013;

/** The path FeatBit's SDKs connect to. */
export const FEATBIT_STREAM_PATH = '/streaming';

/** Settings of the FeatBit stream. */
export interface FeatBitStreamOptions {
  /** Largest accepted token clock difference, both directions, in ms (FeatBit: 30 s). */
  readonly tokenWindowMs: number;
  /** Largest inbound frame in bytes; bigger frames close the connection with 1009. */
  readonly maxFrameBytes: number;
  /** Malformed frames tolerated per connection before it is closed with 4003. */
  readonly maxMalformedFrames: number;
  /** A connection silent for this long is closed with 1001 (the SDKs ping every 18 s). */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** Period of the re-check of open connections' secrets (revoked: close 4003). */
  readonly secretRecheckMs: number;
  readonly now?: () => number;
}

/** Dependencies of the FeatBit stream. */
export interface FeatBitStreamDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  readonly metrics?: FeatBitMetrics;
}

interface FeatBitConnection {
  readonly ws: WebSocket;
  readonly secret: string;
  readonly envId: string;
  readonly kind: SecretKind;
  user?: EndUser;
  synced: boolean;
  malformed: number;
  lastSeen: number;
  /** Client connections: signature of the last result sent per flag key. */
  readonly results: Map<string, string>;
}

/** The FeatBit WebSocket endpoint; `upgrade` takes `/streaming` requests. */
export class FeatBitStream {
  readonly #wss: WebSocketServer;
  readonly #byEnv = new Map<string, Set<FeatBitConnection>>();
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #unsubscribe: () => void;
  readonly #sweeper: NodeJS.Timeout;
  readonly #recheck: NodeJS.Timeout;
  #stopping = false;

  constructor(
    private readonly deps: FeatBitStreamDeps,
    private readonly options: FeatBitStreamOptions,
  ) {
    this.#log = deps.logger.child({ module: 'featbit-stream' });
    this.#now = options.now ?? Date.now;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
    });
    this.#unsubscribe = deps.snapshots.onChange((change) => this.#push(change));
    this.#sweeper = setInterval(
      () => {
        const cutoff = Date.now() - options.idleTimeoutMs;
        for (const conns of this.#byEnv.values()) {
          for (const c of conns) if (c.lastSeen < cutoff) this.#close(c, CLOSE_GOING_AWAY, 'idle');
        }
      },
      Math.max(50, Math.floor(options.idleTimeoutMs / 4)),
    );
    this.#sweeper.unref();
    this.#recheck = setInterval(() => void this.#recheckSecrets(), options.secretRecheckMs);
    this.#recheck.unref();
  }

  // Closes the connections whose secret no longer grants their environment and kind.
  async #recheckSecrets(): Promise<void> {
    for (const conns of [...this.#byEnv.values()]) {
      for (const conn of [...conns]) {
        try {
          const grant = await this.deps.source.findSecret(conn.secret);
          if (grant === undefined || grant.envId !== conn.envId || grant.kind !== conn.kind) {
            this.#close(conn, CLOSE_PERMANENT, 'secret revoked');
          }
        } catch {
          // The store is unavailable: keep serving, check again next time.
        }
      }
    }
  }

  /** Open FeatBit connections. */
  get size(): number {
    let n = 0;
    for (const conns of this.#byEnv.values()) n += conns.size;
    return n;
  }

  /** Takes WebSocket upgrades whose path starts with `/streaming`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (!url.pathname.startsWith(FEATBIT_STREAM_PATH)) return false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#accept(ws, url).catch((error: unknown) => {
        this.#log.error({ err: error }, 'accepting a FeatBit connection failed');
        ws.close(CLOSE_TRANSIENT, 'internal error');
      });
    });
    return true;
  }

  /** Closes every connection with 1001 and stops pushing. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#sweeper);
    clearInterval(this.#recheck);
    this.#unsubscribe();
    const closed = [...this.#wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) =>
          ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()),
        ),
    );
    for (const ws of this.#wss.clients) ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    const forced = setTimeout(() => {
      for (const ws of this.#wss.clients) ws.terminate();
    }, 2000);
    await Promise.all(closed);
    clearTimeout(forced);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #close(conn: FeatBitConnection, code: number, reason: string): void {
    this.deps.metrics?.closed.inc({ code: String(code) });
    conn.ws.close(code, reason);
  }

  async #accept(ws: WebSocket, url: URL): Promise<void> {
    const queued: RawData[] = [];
    const queue = (data: RawData): void => void queued.push(data);
    ws.on('message', queue);
    ws.on('error', (error) => this.#log.debug({ err: error }, 'socket error'));
    const refuse = (code: number, reason: string): void => {
      this.#log.debug({ code, reason }, 'FeatBit connection refused');
      this.deps.metrics?.closed.inc({ code: String(code) });
      ws.close(code, reason);
    };
    const type = url.searchParams.get('type');
    const token = url.searchParams.get('token');
    const version = url.searchParams.get('version');
    if (type !== 'server' && type !== 'client') {
      return refuse(CLOSE_PERMANENT, 'type must be server or client');
    }
    if (version !== null && version !== '' && version !== '1' && version !== '2') {
      return refuse(CLOSE_PERMANENT, 'unsupported version');
    }
    if (!token) return refuse(CLOSE_PERMANENT, 'token required');
    const parsed = parseConnectionToken(token, this.#now(), this.options.tokenWindowMs);
    if (!parsed.ok) return refuse(CLOSE_PERMANENT, `invalid token: ${parsed.message}`);
    if (this.#stopping) return refuse(CLOSE_GOING_AWAY, 'shutting down');
    if (this.size >= this.options.maxConnections) {
      return refuse(CLOSE_TRY_LATER, 'connection limit reached');
    }
    let grant;
    let secret = '';
    try {
      for (const candidate of parsed.token.secrets) {
        grant = await this.deps.source.findSecret(candidate);
        secret = candidate;
        if (grant !== undefined) break;
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'secret lookup failed');
      return refuse(CLOSE_TRANSIENT, 'flag store unavailable');
    }
    if (grant === undefined) return refuse(CLOSE_PERMANENT, 'unknown secret');
    if (grant.kind !== type) return refuse(CLOSE_PERMANENT, `secret is not for type=${type}`);
    if (ws.readyState !== ws.OPEN) return;
    const conn: FeatBitConnection = {
      ws,
      secret,
      envId: grant.envId,
      kind: grant.kind,
      synced: false,
      malformed: 0,
      lastSeen: Date.now(),
      results: new Map(),
    };
    const conns = this.#byEnv.get(conn.envId) ?? new Set<FeatBitConnection>();
    this.#byEnv.set(conn.envId, conns);
    conns.add(conn);
    ws.on('close', () => {
      conns.delete(conn);
      if (conns.size === 0 && this.#byEnv.get(conn.envId) === conns) this.#byEnv.delete(conn.envId);
    });
    ws.off('message', queue);
    let chain = Promise.resolve();
    const handle = (data: RawData, isBinary: boolean): void => {
      chain = chain.then(() =>
        this.#onFrame(conn, data, isBinary).catch((error: unknown) => {
          this.#log.error({ err: error }, 'FeatBit frame failed');
          this.#close(conn, CLOSE_TRANSIENT, 'internal error');
        }),
      );
    };
    ws.on('message', handle);
    for (const data of queued) handle(data, false);
  }

  async #onFrame(conn: FeatBitConnection, data: RawData, isBinary: boolean): Promise<void> {
    conn.lastSeen = Date.now();
    const message = isBinary ? undefined : parseFrame(data);
    if (message === undefined) {
      conn.malformed++;
      if (conn.malformed > this.options.maxMalformedFrames) {
        this.#close(conn, CLOSE_PERMANENT, 'too many malformed frames');
      }
      return;
    }
    switch (message.messageType.toLowerCase()) {
      case 'ping':
        return send(conn, 'pong', {});
      case 'echo':
        return send(conn, 'echo', message.data);
      case 'data-sync':
        return this.#dataSync(conn, message.data);
      default:
        // Unknown types are dropped, as FeatBit does.
        return;
    }
  }

  async #dataSync(conn: FeatBitConnection, data: unknown): Promise<void> {
    const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    const ts = body.timestamp;
    const timestamp = typeof ts === 'number' && Number.isFinite(ts) && ts > 0 ? ts : 0;
    let user: EndUser | undefined;
    if (conn.kind === 'client') {
      const parsed = userFromFeatBit(body.user);
      if (typeof parsed === 'string') {
        this.#close(conn, CLOSE_PERMANENT, `invalid data-sync: ${parsed}`.slice(0, 120));
        return;
      }
      user = parsed;
    }
    let snapshot;
    try {
      snapshot = await this.deps.snapshots.get(conn.envId);
    } catch (error) {
      this.#log.warn({ err: error, envId: conn.envId }, 'environment unavailable');
      this.#close(conn, CLOSE_TRANSIENT, 'flag store unavailable');
      return;
    }
    if (user === undefined) {
      const payload = serverPayload(snapshot, timestamp);
      sendText(conn, serverFrameText(payload));
      this.deps.metrics?.syncs.inc({ type: 'server', event: payload.eventType });
    } else {
      conn.user = user;
      const evaluated = clientPayload(snapshot, user, timestamp);
      if (evaluated.payload.eventType === 'full') conn.results.clear();
      for (const [key, sig] of evaluated.signatures) conn.results.set(key, sig);
      for (const key of evaluated.removed) conn.results.delete(key);
      send(conn, 'data-sync', evaluated.payload);
      this.deps.metrics?.syncs.inc({ type: 'client', event: evaluated.payload.eventType });
      this.deps.reporter?.userSeen(conn.envId, endUserToProto(user));
    }
    conn.synced = true;
  }

  #push(change: AppliedChange): void {
    const conns = this.#byEnv.get(change.envId);
    const snapshot = this.deps.snapshots.peek(change.envId);
    if (conns === undefined || snapshot === undefined) return;
    let serverFrame: string | undefined;
    let serverPayloadOf: ReturnType<typeof serverPush> | undefined;
    for (const conn of conns) {
      if (!conn.synced) continue;
      try {
        if (conn.kind === 'server') {
          serverPayloadOf ??= serverPush(change, snapshot);
          serverFrame ??= serverFrameText(serverPayloadOf);
          sendText(conn, serverFrame);
          this.deps.metrics?.syncs.inc({ type: 'server', event: serverPayloadOf.eventType });
        } else {
          this.#pushToClient(conn, change);
        }
      } catch (error) {
        this.#log.error({ err: error, envId: change.envId }, 'FeatBit push failed');
      }
    }
  }

  // Re-evaluates the affected flags for the connection's user; sends only what changed.
  #pushToClient(conn: FeatBitConnection, change: AppliedChange): void {
    const user = conn.user;
    const snapshot = this.deps.snapshots.peek(change.envId);
    if (user === undefined || snapshot === undefined) return;
    const flags: FeatBitClientFlag[] = [];
    for (const key of change.affectedFlagKeys) {
      const flag = snapshot.compiled.getFlag(key);
      if (flag === undefined) continue;
      const result = snapshot.compiled.evaluate(key, user);
      const signature = resultSignature(result);
      if (conn.results.get(key) === signature) continue;
      conn.results.set(key, signature);
      flags.push(
        clientFlagToFeatBit(flag, result, snapshot.version) ??
          removedClientFlag(key, snapshot.version),
      );
    }
    for (const t of change.deletedFlags) {
      if (conn.results.delete(t.key)) flags.push(removedClientFlag(t.key, snapshot.version));
    }
    if (flags.length === 0) return;
    send(conn, 'data-sync', { eventType: 'patch', userKeyId: user.keyId, featureFlags: flags });
    this.deps.metrics?.syncs.inc({ type: 'client', event: 'patch' });
  }
}

interface Frame {
  readonly messageType: string;
  readonly data: unknown;
}

// A `{messageType, data}` object, or undefined for anything else.
function parseFrame(data: RawData): Frame | undefined {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { messageType } = parsed as Record<string, unknown>;
  if (typeof messageType !== 'string' || !('data' in parsed)) return undefined;
  return { messageType, data: (parsed as Record<string, unknown>).data };
}

function frame(messageType: string, data: unknown): string {
  return JSON.stringify({ messageType, data });
}

function send(conn: FeatBitConnection, messageType: string, data: unknown): void {
  sendText(conn, frame(messageType, data));
}

function sendText(conn: FeatBitConnection, text: string): void {
  if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(text);
}
