// The browser client SDK: results that ELS evaluated for one user at a time, over the Protobuf
// WebSocket (`kind=client`), cached per user in localStorage so that a reload renders at once.
// Small by design (see the size budget in README): no generated code, no dependencies.
import { Emitter } from '../shared/emitter.js';
import type { Unsubscribe } from '../shared/emitter.js';
import { defaultDetail, parseValue } from '../shared/evaluation-detail.js';
import type { EvaluationDetail, ReasonKind, ValueType } from '../shared/evaluation-detail.js';
import { EventQueue } from '../shared/event-queue.js';
import type { EventQueueOptions } from '../shared/event-queue.js';
import type { ReconnectOptions } from '../shared/reconnect.js';
import { VaneSdkError, closeError } from '../shared/sdk-error.js';
import { StreamConnection } from '../shared/stream-connection.js';
import type { SocketFactory, WebSocketLike } from '../shared/stream-connection.js';
import { decodeServerFrame, encodeClientFrame } from './wire.js';
import type { WireClientFrame, WireUser } from './wire.js';
import { groupByUser, uuid } from './client-events.js';
import type { QueuedEvent } from './client-events.js';
import { ResultCache } from './result-cache.js';
import type { CacheStorage, HeldResult } from './result-cache.js';

export type { CacheStorage, HeldResult } from './result-cache.js';

/** The user the results are for. */
export interface ClientUser {
  /** Unique key of the user; required, not blank. */
  readonly keyId: string;
  readonly name?: string;
  /** Custom attributes for targeting; sent as text. */
  readonly attributes?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/** Every option of `VaneClient`; `secret` and `user` are required. */
export interface VaneClientOptions {
  /** The environment's client SDK secret. */
  readonly secret: string;
  /** The first user. */
  readonly user: ClientUser;
  /** ELS's base URL (`ws://` or `wss://`); default: the page's host on `/sdk/v1/stream`. */
  readonly url?: string;
  /** Where results are cached per user; `null` disables the cache. Default `localStorage`. */
  readonly storage?: CacheStorage | null;
  readonly reconnect?: ReconnectOptions;
  /** Ping period (default 18000 ms). */
  readonly pingIntervalMs?: number;
  /** Insight events: batching and bounds; `enabled: false` sends none. */
  readonly events?: EventQueueOptions & { readonly enabled?: boolean };
  /** Opens WebSockets (default: the global `WebSocket`). */
  readonly createSocket?: SocketFactory;
}

/** The client's lifecycle, as the server SDK's. */
export type ClientState = 'initializing' | 'ready' | 'stale' | 'closed';

/** Events of `VaneClient.on`. */
export interface ClientEvents extends Record<string, unknown> {
  state: ClientState;
  ready: undefined;
  stale: { readonly code: number; readonly reason: string; readonly retryInMs: number };
  /** Flags whose result for the current user changed. */
  change: { readonly flagKeys: readonly string[] };
  error: VaneSdkError;
}

const KINDS: ReasonKind[] = [
  'Error',
  'Off',
  'PrerequisiteFailed',
  'TargetMatch',
  'RuleMatch',
  'Fallthrough',
  'Archived',
  'Error',
];
const TYPES: (ValueType | undefined)[] = [undefined, 'boolean', 'string', 'number', 'json'];

function toWireUser(user: ClientUser): WireUser {
  const customProperties: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(user.attributes ?? {}))
    if (value != null) customProperties.push({ name, value: String(value) });
  return { keyId: user.keyId, name: user.name ?? '', customProperties };
}

/** See the module comment. */
export class VaneClient {
  readonly #emitter = new Emitter<ClientEvents>();
  readonly #flagListeners = new Emitter<Record<string, string>>();
  readonly #options: VaneClientOptions;
  readonly #stream: StreamConnection;
  readonly #events: EventQueue<QueuedEvent>;
  readonly #storage: CacheStorage | null;
  readonly #cache: ResultCache;
  #user: WireUser;
  #results = new Map<string, HeldResult>();
  #version = 0;
  #state: ClientState = 'initializing';
  #requestId = 0;
  #syncId = 0;
  #syncHow: 'sync' | 'identify' = 'sync';
  #retry: ReturnType<typeof setTimeout> | undefined;
  #waiters: [resolve: () => void, reject: (e: Error) => void][] = [];
  #failure: VaneSdkError | undefined;

  /** Loads the cached results of `user`, then connects. Throws only for invalid options. */
  constructor(options: VaneClientOptions) {
    if (!/^[\w-]+$/.test(options.secret ?? ''))
      throw new VaneSdkError('INVALID_ARGUMENT', 'secret must be a non-empty [A-Za-z0-9_-] string');
    this.#user = this.#checkUser(options.user);
    this.#options = options;
    let storage: CacheStorage | null = null;
    try {
      storage = options.storage !== undefined ? options.storage : (globalThis.localStorage ?? null);
    } catch {
      // localStorage denied (e.g. a sandboxed frame): no cache
    }
    this.#storage = storage;
    this.#cache = new ResultCache(this.#storage, options.secret);
    this.#loadCache();
    const loc = globalThis.location;
    const base =
      options.url ??
      `${loc?.protocol === 'https:' ? 'wss' : 'ws'}://${loc?.host ?? '127.0.0.1:7080'}`;
    if (!/^wss?:\/\/[^/]/.test(base))
      throw new VaneSdkError('INVALID_ARGUMENT', 'url must be a ws:// or wss:// URL');
    this.#events = new EventQueue<QueuedEvent>(
      options.events ?? {},
      (batch, id) => this.#send({ track: { requestId: id, users: groupByUser(batch) } }),
      () => this.#nextId(),
    );
    const create: SocketFactory =
      options.createSocket ??
      ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
    this.#stream = new StreamConnection(
      {
        url: `${base.replace(/\/+$/, '').replace(/\/sdk\/v1\/stream$/, '')}/sdk/v1/stream?kind=client`,
        protocols: ['vane.sync.v1', `vane.secret.${options.secret}`],
        createSocket: create,
        reconnect: options.reconnect ?? {},
        pingIntervalMs: options.pingIntervalMs ?? 18_000,
        ping: () => encodeClientFrame({ ping: { clientTimeMs: Date.now() } }),
      },
      {
        onOpen: () => this.#sync('sync'),
        onMessage: (bytes) => this.#onMessage(bytes),
        onDown: (code, reason, retryInMs) => this.#onDown(code, reason, retryInMs),
      },
    );
    this.#stream.start();
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state;
  }

  /** The current user's key. */
  get userKey(): string {
    return this.#user.keyId;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(
    event: K,
    listener: (payload: ClientEvents[K]) => void,
  ): Unsubscribe {
    return this.#emitter.on(event, listener);
  }

  /** Calls `listener` whenever `flagKey`'s result for the current user changes. */
  onFlagChange(flagKey: string, listener: (flagKey: string) => void): Unsubscribe {
    return this.#flagListeners.on(flagKey, listener);
  }

  /** Resolves once ELS answered for the current user; rejects on timeout or permanent failure. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this.#state === 'ready' || this.#state === 'stale') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const off = this.on('state', (s) => {
        if (s === 'ready') done();
        else if (s === 'closed') done(this.#closedError());
      });
      const timer = setTimeout(
        () => done(new VaneSdkError('TIMEOUT', `not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      function done(error?: VaneSdkError): void {
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve();
      }
    });
  }

  /**
   * Switches to another user (or updates the current user's attributes): their cached results
   * apply at once, and the promise resolves when ELS answered for them.
   */
  identify(user: ClientUser): Promise<void> {
    let wire: WireUser;
    try {
      wire = this.#checkUser(user);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const before = this.#results;
    this.#user = wire;
    this.#loadCache();
    // Without a cache for the new user, the previous results stay until ELS answers (no flicker).
    if (this.#results.size === 0) this.#results = before;
    else this.#changed(before, this.#results);
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    // If not sent now, the next connection's SyncRequest carries this user and its answer resolves.
    this.#sync('identify');
    return new Promise((resolve, reject) => this.#waiters.push([resolve, reject]));
  }

  /** A boolean flag's value, or `defaultValue`. Never throws. */
  boolVariation(flagKey: string, defaultValue: boolean): boolean {
    return this.#evaluate('boolean', flagKey, defaultValue).value;
  }

  /** A string flag's value, or `defaultValue`. Never throws. */
  stringVariation(flagKey: string, defaultValue: string): string {
    return this.#evaluate('string', flagKey, defaultValue).value;
  }

  /** A number flag's value, or `defaultValue`. Never throws. */
  numberVariation(flagKey: string, defaultValue: number): number {
    return this.#evaluate('number', flagKey, defaultValue).value;
  }

  /** A JSON flag's parsed value, or `defaultValue`. Never throws. */
  jsonVariation<T = unknown>(flagKey: string, defaultValue: T): T {
    return this.#evaluate('json', flagKey, defaultValue).value;
  }

  /** As `boolVariation`, with the reason. */
  boolVariationDetail(flagKey: string, defaultValue: boolean): EvaluationDetail<boolean> {
    return this.#evaluate('boolean', flagKey, defaultValue);
  }

  /** As `stringVariation`, with the reason. */
  stringVariationDetail(flagKey: string, defaultValue: string): EvaluationDetail<string> {
    return this.#evaluate('string', flagKey, defaultValue);
  }

  /** As `numberVariation`, with the reason. */
  numberVariationDetail(flagKey: string, defaultValue: number): EvaluationDetail<number> {
    return this.#evaluate('number', flagKey, defaultValue);
  }

  /** As `jsonVariation`, with the reason. */
  jsonVariationDetail<T = unknown>(flagKey: string, defaultValue: T): EvaluationDetail<T> {
    return this.#evaluate('json', flagKey, defaultValue);
  }

  /** The raw result held for a flag (undefined when unknown). */
  result(flagKey: string): HeldResult | undefined {
    return this.#results.get(flagKey);
  }

  /** Keys of every flag held for the current user. */
  flagKeys(): string[] {
    return [...this.#results.keys()];
  }

  /** Records a metric event for the current user. Returns false for an invalid name or value. */
  track(eventName: string, numericValue = 1): boolean {
    if (typeof eventName !== 'string' || !eventName || eventName.length > 256) return false;
    if (!Number.isFinite(numericValue) || !this.#eventsOn()) return false;
    this.#events.push({
      user: this.#user,
      id: uuid(),
      at: Date.now(),
      metric: [eventName, numericValue],
    });
    return true;
  }

  /** Sends queued events now (if connected). */
  flush(): void {
    this.#events.flush();
  }

  /** Sends queued events (waiting up to `timeoutMs` for the ack), then closes the stream. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#state === 'closed') return;
    await this.#events.drain(timeoutMs); // waits for a reconnection too, up to the timeout
    this.#events.stop();
    clearTimeout(this.#retry);
    this.#stream.stop();
    this.#setState('closed');
  }

  #evaluate<T>(type: ValueType, flagKey: string, defaultValue: T): EvaluationDetail<T> {
    const r = this.#results.get(flagKey);
    if (r === undefined)
      return defaultDetail(
        flagKey,
        defaultValue,
        this.#state === 'initializing' ? 'ClientNotReady' : 'FlagNotFound',
        'flag not found',
      );
    const held = TYPES[r.variationType];
    if (held !== type)
      return defaultDetail(flagKey, defaultValue, 'WrongType', `flag is ${held}, not ${type}`);
    const kind = KINDS[r.reasonKind] ?? 'Error';
    if (!r.variationId) return defaultDetail(flagKey, defaultValue, kind, r.reason);
    const value = parseValue(type, r.value);
    if (value === undefined)
      return defaultDetail(flagKey, defaultValue, 'Error', `value is not a ${type}`);
    if (this.#eventsOn())
      this.#events.push({ user: this.#user, id: uuid(), at: Date.now(), flag: r });
    return { flagKey, value: value as T, variationId: r.variationId, kind, reason: r.reason };
  }

  #checkUser(user: ClientUser): WireUser {
    if (typeof user?.keyId !== 'string' || !user.keyId.trim())
      throw new VaneSdkError('INVALID_ARGUMENT', 'user needs a non-blank string keyId');
    return toWireUser(user);
  }

  #eventsOn(): boolean {
    return this.#options.events?.enabled !== false && this.#state !== 'closed';
  }

  #nextId(): number {
    return (this.#requestId = (this.#requestId % 0xfffffffe) + 1);
  }

  #send(frame: WireClientFrame): boolean {
    return this.#stream.send(encodeClientFrame(frame));
  }

  #sync(how: 'sync' | 'identify'): void {
    clearTimeout(this.#retry);
    this.#syncHow = how;
    const body = {
      requestId: (this.#syncId = this.#nextId()),
      user: this.#user,
      version: this.#version,
    };
    this.#send(how === 'sync' ? { sync: body } : { identify: body });
  }

  #onMessage(bytes: Uint8Array): void {
    let frame;
    try {
      frame = decodeServerFrame(bytes);
    } catch {
      return; // not ours to crash on; ELS never sends malformed frames
    }
    const sync = frame.sync;
    if (sync?.evaluations) {
      const payload = sync.evaluations;
      if (payload.userKeyId !== this.#user.keyId) return; // for a previous user
      const before = this.#results;
      const next = new Map(sync.kind === 1 ? [] : before);
      if (sync.kind === 1) this.#version = sync.version;
      else this.#version = Math.max(this.#version, sync.version);
      for (const r of payload.flags) next.set(r.flagKey, r);
      for (const t of payload.deletedFlags) next.delete(t.key);
      this.#results = next;
      this.#cache.save(this.#user, this.#version, this.#results);
      this.#changed(before, next);
      // An answer (not a push) for the current user settles every identify made so far.
      if (sync.requestId !== 0) for (const [resolve] of this.#waiters.splice(0)) resolve();
      if (this.#state !== 'ready') this.#setState('ready');
      this.#events.flush();
    } else if (frame.trackAck) this.#events.ack(frame.trackAck.requestId);
    else if (frame.error && frame.error.requestId && !frame.error.closing) {
      // Rate limited (7), unavailable (8) or internal (9): the request may be retried.
      const { requestId, code, retryAfterMs } = frame.error;
      const transient = code >= 7;
      if (requestId !== this.#syncId) this.#events.fail(requestId, transient);
      else if (transient)
        this.#retry = setTimeout(() => this.#sync(this.#syncHow), Math.max(retryAfterMs, 1000));
    }
  }

  #changed(before: Map<string, HeldResult>, after: Map<string, HeldResult>): void {
    const keys: string[] = [];
    for (const [k, r] of after) {
      const old = before.get(k);
      if (!old || old.variationId !== r.variationId || old.value !== r.value) keys.push(k);
    }
    for (const k of before.keys()) if (!after.has(k)) keys.push(k);
    if (!keys.length) return;
    for (const k of keys) this.#flagListeners.emit(k, k);
    this.#emitter.emit('change', { flagKeys: keys });
  }

  #onDown(code: number, reason: string, retryInMs: number | undefined): void {
    this.#events.requeueInFlight();
    if (retryInMs === undefined) {
      this.#failure = closeError(code, reason);
      this.#events.stop();
      this.#emitter.emit('error', this.#failure);
      this.#setState('closed');
    } else if (this.#state === 'ready') {
      this.#setState('stale');
      this.#emitter.emit('stale', { code, reason, retryInMs });
    }
  }

  #loadCache(): void {
    const cached = this.#cache.load(this.#user);
    this.#results = cached.results;
    this.#version = cached.version;
  }

  #closedError(): VaneSdkError {
    return this.#failure ?? new VaneSdkError('CLOSED', 'the client is closed');
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return;
    this.#state = state;
    if (state === 'closed')
      for (const [, reject] of this.#waiters.splice(0)) reject(this.#closedError());
    this.#emitter.emit('state', state);
    if (state === 'ready') this.#emitter.emit('ready', undefined);
  }
}
