// Turns what SDKs report into the Kafka payloads of `vane.events.v1`: EndUserSeen (deduplicated
// per environment and user for a few minutes, as FeatBit does) and one InsightEvent per flag
// evaluation or metric, each with a unique id.
import { randomUUID } from 'node:crypto';
import { TOPICS, topicName } from '@vane/core';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import type { EndUser } from '@vane/gen/node/vane/model/v1/end_user';
import type { UserEvents } from '@vane/gen/node/vane/sync/v1/track';
import type { EventSink, OutgoingEvent } from './event-sink.js';

/** Options of the reporter. */
export interface SdkReporterOptions {
  readonly topicPrefix?: string;
  /** How long a seen user is not published again, in ms (default 3 minutes). */
  readonly userDedupMs?: number;
  /** Most remembered users (default 100,000). */
  readonly maxRememberedUsers?: number;
  readonly clock?: () => number;
}

/** Publishes end users and insight events for the frame handlers. */
export class SdkReporter {
  readonly #seen = new Map<string, number>();
  readonly #clock: () => number;

  constructor(
    private readonly sink: EventSink,
    private readonly options: SdkReporterOptions = {},
  ) {
    this.#clock = options.clock ?? Date.now;
  }

  /** Publishes the user unless it was published for this environment within the dedup window. */
  userSeen(envId: string, user: EndUser): void {
    const event = this.#userEvent(envId, user);
    if (event) this.sink.send([event]);
  }

  /** Publishes the accepted events of one TrackRequest user group (and the user). */
  track(envId: string, group: UserEvents, user: EndUser): void {
    const now = this.#clock();
    const key = `${envId}:${user.keyId}`;
    const topic = topicName(TOPICS.insights, this.options.topicPrefix ?? '');
    const events: OutgoingEvent[] = [];
    const base = (eventId: string, ts: number) => ({
      eventId: eventId || randomUUID(),
      envId,
      timestamp: new Date(ts > 0 ? ts : now),
      receivedAt: new Date(now),
    });
    for (const e of group.flagEvaluations) {
      if (e.flagKey === '') continue;
      const value = InsightEvent.encode({
        ...base(e.eventId, e.timestampMs),
        kind: {
          $case: 'flagEvaluation',
          value: {
            flagKey: e.flagKey,
            flagId: '',
            variationId: e.variationId,
            sendToExperiment: e.sendToExperiment,
            userKeyId: user.keyId,
            userName: user.name,
            reason: e.reason,
          },
        },
      }).finish();
      events.push({ topic, key, value });
    }
    for (const m of group.metrics) {
      if (m.eventName === '') continue;
      const value = InsightEvent.encode({
        ...base(m.eventId, m.timestampMs),
        kind: {
          $case: 'metric',
          value: {
            eventName: m.eventName,
            numericValue: m.numericValue,
            type: m.type,
            route: m.route,
            appType: m.appType,
            userKeyId: user.keyId,
            userName: user.name,
          },
        },
      }).finish();
      events.push({ topic, key, value });
    }
    const seen = this.#userEvent(envId, user);
    this.sink.send(seen ? [seen, ...events] : events);
  }

  #userEvent(envId: string, user: EndUser): OutgoingEvent | undefined {
    if (!user.keyId) return undefined;
    const now = this.#clock();
    const key = `${envId}:${user.keyId}`;
    const until = this.#seen.get(key);
    if (until !== undefined && until > now) return undefined;
    if (this.#seen.size >= (this.options.maxRememberedUsers ?? 100_000)) this.#seen.clear();
    this.#seen.set(key, now + (this.options.userDedupMs ?? 180_000));
    const value = EndUserSeen.encode({
      eventId: randomUUID(),
      envId,
      user,
      seenAt: new Date(now),
    }).finish();
    return { topic: topicName(TOPICS.endUsers, this.options.topicPrefix ?? ''), key, value };
  }
}
