// Test harness: a real ELS (`startEls`) on in-memory adapters, with helpers to change flags the
// way the api-server does (store first, then a `FlagChanged` on the broker) and to restart ELS on
// the same port. Tests only.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import type { FeatureFlag } from '@vane/core';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import { MemoryChangeFeed, MemoryEnvironmentSource, MemoryEventSink, startEls } from '@vane/els';
import type { EventSink, RunningEls } from '@vane/els';
import { flagToProto } from '@vane/core/proto';

/** The harness environment's id and secrets. */
export const HARNESS_ENV = {
  id: 'env-sdk',
  server: 'sdk-server-secret',
  client: 'sdk-client-secret',
} as const;

/** A boolean flag served `on` to everyone, `off` when disabled. */
export function boolFlag(
  key: string,
  version: number,
  enabled = true,
): FeatureFlag & { version: number } {
  return {
    id: `id-${key}`,
    key,
    name: key,
    variationType: 'boolean',
    variations: [
      { id: 'on', name: 'on', value: 'true' },
      { id: 'off', name: 'off', value: 'false' },
    ],
    isEnabled: enabled,
    disabledVariationId: 'off',
    targetUsers: [],
    rules: [],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
    },
    exptIncludeAllTargets: false,
    isArchived: false,
    version,
  };
}

/** A running ELS plus the memory adapters it reads. */
export class ElsHarness {
  readonly source = new MemoryEnvironmentSource();
  readonly broker = new MemoryBroker();
  #els: RunningEls | undefined;
  #version = Date.now();
  #port = 0;

  #events: EventSink | undefined;
  #topicPrefix = '';

  private constructor() {
    this.source.putSecret(HARNESS_ENV.server, { envId: HARNESS_ENV.id, kind: 'server' });
    this.source.putSecret(HARNESS_ENV.client, { envId: HARNESS_ENV.id, kind: 'client' });
  }

  /** Starts ELS on a free port; events go to `events` (default: the in-process broker). */
  static async start(
    options: { events?: EventSink | 'none'; topicPrefix?: string } = {},
  ): Promise<ElsHarness> {
    const h = new ElsHarness();
    h.#topicPrefix = options.topicPrefix ?? '';
    h.#events =
      options.events === 'none' ? undefined : (options.events ?? new MemoryEventSink(h.broker));
    await h.resume();
    return h;
  }

  /** The port ELS listens on (kept across restarts). */
  get port(): number {
    return this.#port;
  }

  /** `ws://127.0.0.1:<port>`. */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** A fresh version, greater than every previous one. */
  nextVersion(): number {
    this.#version = Math.max(this.#version + 1, Date.now());
    return this.#version;
  }

  /** Stores a flag without telling ELS (as before ELS loads the environment). */
  seed(flag: FeatureFlag): FeatureFlag & { version: number } {
    const stored = { ...flag, envId: HARNESS_ENV.id, version: flag.version ?? this.nextVersion() };
    this.source.putFlag(HARNESS_ENV.id, stored);
    return stored;
  }

  /** Stores a flag with a new version and publishes the change, as the api-server does. */
  changeFlag(flag: FeatureFlag): FeatureFlag & { version: number } {
    const stored = { ...flag, envId: HARNESS_ENV.id, version: this.nextVersion() };
    this.source.putFlag(HARNESS_ENV.id, stored);
    const value = FlagChanged.encode({
      eventId: randomUUID(),
      envId: HARNESS_ENV.id,
      version: stored.version,
      change: { $case: 'flag', value: flagToProto(stored) },
    }).finish();
    this.broker.publish(topicName(TOPICS.flagChanges, this.#topicPrefix), [
      { key: HARNESS_ENV.id, value },
    ]);
    return stored;
  }

  /** Deletes a flag and publishes the tombstone. */
  deleteFlag(flag: FeatureFlag): void {
    const version = this.nextVersion();
    this.source.removeFlag(HARNESS_ENV.id, flag.id);
    const value = FlagChanged.encode({
      eventId: randomUUID(),
      envId: HARNESS_ENV.id,
      version,
      change: { $case: 'deleted', value: { id: flag.id, key: flag.key, version } },
    }).finish();
    this.broker.publish(topicName(TOPICS.flagChanges, this.#topicPrefix), [
      { key: HARNESS_ENV.id, value },
    ]);
  }

  /** Every InsightEvent ELS published to the in-process broker so far. */
  async insights(): Promise<InsightEvent[]> {
    const events: InsightEvent[] = [];
    const sub = this.broker.subscribe(
      topicName(TOPICS.insights, this.#topicPrefix),
      { groupId: `read-${randomUUID()}`, fromBeginning: true },
      (batch) => {
        for (const r of batch) events.push(InsightEvent.decode(r.value));
        return Promise.resolve();
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    await sub.close();
    return events;
  }

  /** Stops ELS (SDK connections are closed with 1001); `resume()` starts it on the same port. */
  async stop(): Promise<void> {
    await this.#els?.stop();
    this.#els = undefined;
  }

  /** (Re)starts ELS, on the port of the previous run if there was one. */
  async resume(): Promise<void> {
    this.#els = await startEls(
      {
        source: this.source,
        feed: new MemoryChangeFeed(this.broker),
        logger: pino({ level: 'silent' }),
        ...(this.#events ? { events: this.#events } : {}),
      },
      { port: this.#port, topicPrefix: this.#topicPrefix },
    );
    this.#port = this.#els.port;
  }
}
