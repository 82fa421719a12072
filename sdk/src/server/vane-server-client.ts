// The Node server SDK: holds an environment's flag and segment definitions, kept current over
// ELS's Protobuf WebSocket stream (FULL, then PATCHes), and evaluates locally with @vane/core.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { EvaluationKind, FeatureFlag } from '@vane/core';
import type { EndUser } from '@vane/core';
import { endUserToProto } from '@vane/core/proto';
import { ClientFrame, ServerFrame, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type { DefinitionsPayload } from '@vane/gen/node/vane/sync/v1/sync';
import type {
  TrackedFlagEvaluation,
  TrackedMetric,
  UserEvents,
} from '@vane/gen/node/vane/sync/v1/track';
import { Emitter } from '../shared/emitter.js';
import type { Unsubscribe } from '../shared/emitter.js';
import { defaultDetail, parseValue } from '../shared/evaluation-detail.js';
import type { EvaluationDetail, ReasonKind, ValueType } from '../shared/evaluation-detail.js';
import { EventQueue } from '../shared/event-queue.js';
import { VaneSdkError, closeError } from '../shared/sdk-error.js';
import { StreamConnection } from '../shared/stream-connection.js';
import type { WebSocketLike } from '../shared/stream-connection.js';
import { parseBootstrap } from './bootstrap.js';
import type { BootstrapData } from './bootstrap.js';
import { DefinitionStore } from './definition-store.js';
import type { VaneServerOptions } from './server-options.js';
import { toEndUser } from './users.js';
import type { VaneUser } from './users.js';

/** The SDK's lifecycle: `stale` = was ready, connection lost, serving the last data. */
export type ClientState = 'initializing' | 'ready' | 'stale' | 'closed';

/** Events of `VaneServerClient.on`. */
export interface ServerClientEvents extends Record<string, unknown> {
  /** Every state change. */
  state: ClientState;
  /** Definitions are current (first sync, or after a reconnection). */
  ready: undefined;
  /** The connection was lost; serving the last definitions while reconnecting. */
  stale: { readonly code: number; readonly reason: string; readonly retryInMs: number };
  /** Flags whose definitions changed (including ones deleted, and ones using a changed segment). */
  change: { readonly flagKeys: readonly string[] };
  /** A permanent failure (the SDK stops reconnecting) or a problem worth reporting. */
  error: VaneSdkError;
}

type QueuedEvent = {
  readonly user: EndUser;
  readonly evaluation?: TrackedFlagEvaluation;
  readonly metric?: TrackedMetric;
};

const KINDS: Record<EvaluationKind, ReasonKind> = {
  off: 'Off',
  'prerequisite-failed': 'PrerequisiteFailed',
  targeted: 'TargetMatch',
  rule: 'RuleMatch',
  fallthrough: 'Fallthrough',
  archived: 'Archived',
  'flag-not-found': 'FlagNotFound',
  error: 'Error',
};

const STREAM_PATH = '/sdk/v1/stream';
const MAX_PAYLOAD = 256 * 1024 * 1024;

/** See the module comment; create one per environment and process, and `close()` it on exit. */
export class VaneServerClient {
  readonly #emitter = new Emitter<ServerClientEvents>();
  readonly #options: VaneServerOptions;
  readonly #stream: StreamConnection | undefined;
  readonly #events: EventQueue<QueuedEvent>;
  readonly #store = new DefinitionStore();
  #state: ClientState = 'initializing';
  #requestId = 0;
  #syncRequestId = 0;
  #retrySync: ReturnType<typeof setTimeout> | undefined;
  #failure: VaneSdkError | undefined;

  /** Starts syncing at once (unless offline); throws only for invalid options or bootstrap data. */
  constructor(options: VaneServerOptions) {
    this.#options = options;
    if (options.bootstrap !== undefined) this.#store.load(parseBootstrap(options.bootstrap));
    const online = options.offline !== true;
    if (online && (typeof options.secret !== 'string' || !/^[A-Za-z0-9_-]+$/.test(options.secret)))
      throw new VaneSdkError('INVALID_ARGUMENT', 'secret must be a non-empty [A-Za-z0-9_-] string');
    const base = (options.url ?? 'ws://127.0.0.1:7080').replace(/\/+$/, '');
    if (online && !/^wss?:\/\/[^/]/.test(base))
      throw new VaneSdkError('INVALID_ARGUMENT', 'url must be a ws:// or wss:// URL');
    this.#events = new EventQueue<QueuedEvent>(
      options.events ?? {},
      (batch, id) => this.#sendBatch(batch, id),
      () => this.#nextId(),
    );
    if (!online) {
      this.#events.stop();
      this.#stream = undefined;
      this.#state = 'ready';
      return;
    }
    const url = `${base.endsWith(STREAM_PATH) ? base : base + STREAM_PATH}?kind=server`;
    this.#stream = new StreamConnection(
      {
        url,
        protocols: ['vane.sync.v1', `vane.secret.${options.secret}`],
        createSocket:
          options.createSocket ??
          ((u, p) => new WebSocket(u, p, { maxPayload: MAX_PAYLOAD }) as unknown as WebSocketLike),
        reconnect: options.reconnect ?? {},
        pingIntervalMs: options.pingIntervalMs ?? 18_000,
        ping: () =>
          ClientFrame.encode({
            kind: { $case: 'ping', value: { clientTimeMs: Date.now() } },
          }).finish(),
      },
      {
        onOpen: () => this.#sendSync(),
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

  /** The sync version of the definitions held (0 before any). */
  get version(): number {
    return this.#store.version;
  }

  /** Events dropped because the event queue was full. */
  get droppedEvents(): number {
    return this.#events.dropped;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ServerClientEvents>(
    event: K,
    listener: (payload: ServerClientEvents[K]) => void,
  ): Unsubscribe {
    return this.#emitter.on(event, listener);
  }

  /**
   * Resolves once definitions are loaded (also when already `stale`). Rejects with a
   * `VaneSdkError`: `TIMEOUT` after `timeoutMs`, or the permanent failure, or `CLOSED`.
   */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this.#state === 'ready' || this.#state === 'stale') return Promise.resolve();
    if (this.#state === 'closed')
      return Promise.reject(this.#failure ?? new VaneSdkError('CLOSED', 'the client is closed'));
    return new Promise((resolve, reject) => {
      const off = this.on('state', (state) => {
        if (state === 'ready') finish();
        else if (state === 'closed')
          finish(this.#failure ?? new VaneSdkError('CLOSED', 'the client is closed'));
      });
      const timer = setTimeout(
        () => finish(new VaneSdkError('TIMEOUT', `not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      function finish(error?: VaneSdkError): void {
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve();
      }
    });
  }

  /** A boolean flag's value for `user`, or `defaultValue`. Never throws. */
  boolVariation(flagKey: string, user: VaneUser, defaultValue: boolean): boolean {
    return this.#evaluate('boolean', flagKey, user, defaultValue).value;
  }

  /** A string flag's value for `user`, or `defaultValue`. Never throws. */
  stringVariation(flagKey: string, user: VaneUser, defaultValue: string): string {
    return this.#evaluate('string', flagKey, user, defaultValue).value;
  }

  /** A number flag's value for `user`, or `defaultValue`. Never throws. */
  numberVariation(flagKey: string, user: VaneUser, defaultValue: number): number {
    return this.#evaluate('number', flagKey, user, defaultValue).value;
  }

  /** A JSON flag's parsed value for `user`, or `defaultValue`. Never throws. */
  jsonVariation<T = unknown>(flagKey: string, user: VaneUser, defaultValue: T): T {
    return this.#evaluate('json', flagKey, user, defaultValue).value;
  }

  /** As `boolVariation`, with the reason. */
  boolVariationDetail(
    flagKey: string,
    user: VaneUser,
    defaultValue: boolean,
  ): EvaluationDetail<boolean> {
    return this.#evaluate('boolean', flagKey, user, defaultValue);
  }

  /** As `stringVariation`, with the reason. */
  stringVariationDetail(
    flagKey: string,
    user: VaneUser,
    defaultValue: string,
  ): EvaluationDetail<string> {
    return this.#evaluate('string', flagKey, user, defaultValue);
  }

  /** As `numberVariation`, with the reason. */
  numberVariationDetail(
    flagKey: string,
    user: VaneUser,
    defaultValue: number,
  ): EvaluationDetail<number> {
    return this.#evaluate('number', flagKey, user, defaultValue);
  }

  /** As `jsonVariation`, with the reason. */
  jsonVariationDetail<T = unknown>(
    flagKey: string,
    user: VaneUser,
    defaultValue: T,
  ): EvaluationDetail<T> {
    return this.#evaluate('json', flagKey, user, defaultValue);
  }

  /** A flag's definition as held (undefined when unknown). */
  flagDefinition(flagKey: string): FeatureFlag | undefined {
    return this.#store.env?.getFlag(flagKey);
  }

  /** Keys of every flag held. */
  flagKeys(): string[] {
    return this.#store.env?.flagKeys() ?? [];
  }

  /**
   * Records a metric event (e.g. a conversion) for `user`, sent with the next batch. Returns
   * false (and records nothing) for an invalid user or name.
   */
  track(
    user: VaneUser,
    eventName: string,
    numericValue = 1,
    options: { route?: string } = {},
  ): boolean {
    const endUser = this.#user(user);
    if (endUser === undefined || typeof eventName !== 'string' || eventName.length === 0)
      return false;
    if (eventName.length > 256 || !Number.isFinite(numericValue)) return false;
    if (!this.#eventsOn()) return false;
    this.#events.push({
      user: endUser,
      metric: {
        eventId: randomUUID(),
        timestampMs: Date.now(),
        eventName,
        numericValue,
        type: '',
        route: options.route ?? '',
        appType: 'Vane-Node-Server-SDK',
      },
    });
    return true;
  }

  /** Sends queued events now (if connected); `close()` also does it. */
  flush(): void {
    this.#events.flush();
  }

  /** The definitions held, as bootstrap data (e.g. to start another process offline). */
  toBootstrap(): BootstrapData {
    return this.#store.toBootstrap();
  }

  /**
   * Flushes queued events (waiting up to `closeTimeoutMs` for ELS's acknowledgement), then closes
   * the stream. Evaluation keeps answering from the last definitions.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed' && this.#stream === undefined) return;
    // Queued events wait for an open connection (a reconnection included), up to the timeout.
    if (this.#stream !== undefined && this.#state !== 'closed')
      await this.#events.drain(this.#options.closeTimeoutMs ?? 5000);
    this.#events.stop();
    clearTimeout(this.#retrySync);
    this.#stream?.stop();
    this.#setState('closed');
  }

  #evaluate<T>(
    type: ValueType,
    flagKey: string,
    user: VaneUser,
    defaultValue: T,
  ): EvaluationDetail<T> {
    try {
      const env = this.#store.env;
      if (env === undefined)
        return this.#state === 'initializing'
          ? defaultDetail(flagKey, defaultValue, 'ClientNotReady', 'definitions not loaded yet')
          : defaultDetail(flagKey, defaultValue, 'FlagNotFound', 'flag not found');
      const flag = typeof flagKey === 'string' ? env.getFlag(flagKey) : undefined;
      if (flag === undefined)
        return defaultDetail(flagKey, defaultValue, 'FlagNotFound', 'flag not found');
      if (flag.variationType !== type)
        return defaultDetail(
          flagKey,
          defaultValue,
          'WrongType',
          `flag is ${flag.variationType}, not ${type}`,
        );
      const endUser = this.#user(user);
      if (endUser === undefined)
        return defaultDetail(flagKey, defaultValue, 'Error', 'user needs a non-blank string keyId');
      const result = env.evaluate(flagKey, endUser);
      const kind = KINDS[result.kind];
      if (result.variation === null)
        return defaultDetail(flagKey, defaultValue, kind, result.error?.message ?? result.reason);
      const value = parseValue(type, result.variation.value);
      if (value === undefined)
        return defaultDetail(
          flagKey,
          defaultValue,
          'Error',
          `variation value is not a valid ${type}`,
        );
      if (this.#eventsOn())
        this.#events.push({
          user: endUser,
          evaluation: {
            eventId: randomUUID(),
            timestampMs: Date.now(),
            flagKey,
            variationId: result.variation.id,
            sendToExperiment: result.sendToExperiment,
            reason: result.reason,
          },
        });
      return {
        flagKey,
        value: value as T,
        variationId: result.variation.id,
        kind,
        reason: result.reason,
      };
    } catch (error) {
      return defaultDetail(flagKey, defaultValue, 'Error', `evaluation failed: ${String(error)}`);
    }
  }

  #user(user: VaneUser): EndUser | undefined {
    if (typeof user !== 'object' || user === null) return undefined;
    if (typeof user.keyId !== 'string' || user.keyId.trim() === '') return undefined;
    return toEndUser(user);
  }

  #eventsOn(): boolean {
    return (
      this.#stream !== undefined &&
      this.#options.events?.enabled !== false &&
      this.#state !== 'closed'
    );
  }

  #nextId(): number {
    this.#requestId = (this.#requestId % 0xfffffffe) + 1;
    return this.#requestId;
  }

  #sendSync(): void {
    clearTimeout(this.#retrySync);
    this.#syncRequestId = this.#nextId();
    this.#stream?.send(
      ClientFrame.encode({
        kind: {
          $case: 'sync',
          value: { requestId: this.#syncRequestId, version: this.#store.version },
        },
      }).finish(),
    );
  }

  #sendBatch(batch: readonly QueuedEvent[], requestId: number): boolean {
    const byUser = new Map<string, UserEvents>();
    for (const e of batch) {
      let group = byUser.get(e.user.keyId);
      if (group === undefined) {
        group = { user: endUserToProto(e.user), flagEvaluations: [], metrics: [] };
        byUser.set(e.user.keyId, group);
      }
      if (e.evaluation) group.flagEvaluations.push(e.evaluation);
      if (e.metric) group.metrics.push(e.metric);
    }
    return (
      this.#stream?.send(
        ClientFrame.encode({
          kind: { $case: 'track', value: { requestId, users: [...byUser.values()] } },
        }).finish(),
      ) ?? false
    );
  }

  #onMessage(bytes: Uint8Array): void {
    let frame: ServerFrame;
    try {
      frame = ServerFrame.decode(bytes);
    } catch (error) {
      this.#options.logger?.warn('undecodable frame from ELS ignored', error);
      return;
    }
    const kind = frame.kind;
    if (kind?.$case === 'sync') {
      if (kind.value.payload?.$case !== 'definitions') return;
      this.#applySync(kind.value.kind, kind.value.version, kind.value.payload.value);
    } else if (kind?.$case === 'trackAck') {
      this.#events.ack(kind.value.requestId);
      if (kind.value.rejected.length > 0)
        this.#options.logger?.warn('ELS rejected events', kind.value.rejected);
    } else if (kind?.$case === 'error') {
      const e = kind.value;
      this.#options.logger?.warn(`ELS error ${StreamErrorCode[e.code]}: ${e.message}`);
      const transient =
        e.code === StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED ||
        e.code === StreamErrorCode.STREAM_ERROR_CODE_UNAVAILABLE ||
        e.code === StreamErrorCode.STREAM_ERROR_CODE_INTERNAL;
      if (e.requestId === 0 || e.closing) return;
      if (e.requestId === this.#syncRequestId) {
        if (transient)
          this.#retrySync = setTimeout(() => this.#sendSync(), Math.max(e.retryAfterMs, 1000));
      } else this.#events.fail(e.requestId, transient);
    }
  }

  #applySync(kind: SyncKind, version: number, payload: DefinitionsPayload): void {
    const hadData = this.#store.env !== undefined;
    const changed = this.#store.apply(kind, version, payload);
    if (changed === undefined) return;
    if (this.#state === 'initializing' || this.#state === 'stale') this.#setState('ready');
    if (changed.size > 0 && hadData)
      this.#emitter.emit('change', { flagKeys: [...changed].sort() });
    this.#events.flush();
  }

  #onDown(code: number, reason: string, retryInMs: number | undefined): void {
    this.#events.requeueInFlight();
    if (retryInMs === undefined) {
      this.#failure = closeError(code, reason);
      this.#options.logger?.error(this.#failure.message);
      this.#events.stop();
      this.#emitter.emit('error', this.#failure);
      this.#setState('closed');
      return;
    }
    if (this.#state === 'ready') {
      this.#setState('stale');
      this.#emitter.emit('stale', { code, reason, retryInMs });
    }
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emitter.emit('state', state);
    if (state === 'ready') this.#emitter.emit('ready', undefined);
  }
}
