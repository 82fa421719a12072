import { describe, expect, it } from 'vitest';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import type { EventSink, OutgoingEvent } from './event-sink.js';
import { SdkReporter } from './sdk-reports.js';

class RecordingSink implements EventSink {
  readonly events: OutgoingEvent[] = [];
  send(events: readonly OutgoingEvent[]): void {
    this.events.push(...events);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const alice = { keyId: 'alice', name: 'Alice', customProperties: [{ name: 'plan', value: 'pro' }] };

describe('SdkReporter', () => {
  it('publishes a seen user once per dedup window, per environment', () => {
    let now = 1_000;
    const sink = new RecordingSink();
    const reporter = new SdkReporter(sink, {
      userDedupMs: 100,
      clock: () => now,
      topicPrefix: 'p.',
    });
    reporter.userSeen('env1', alice);
    reporter.userSeen('env1', alice);
    reporter.userSeen('env2', alice);
    now += 101;
    reporter.userSeen('env1', alice);
    expect(sink.events.map((e) => [e.topic, e.key])).toEqual([
      ['p.vane.end-users', 'env1:alice'],
      ['p.vane.end-users', 'env2:alice'],
      ['p.vane.end-users', 'env1:alice'],
    ]);
    const decoded = EndUserSeen.decode(sink.events[0]!.value);
    expect(decoded.user?.customProperties).toEqual(alice.customProperties);
  });

  it('turns tracked evaluations and metrics into InsightEvents with unique ids, keyed by user', () => {
    const sink = new RecordingSink();
    const reporter = new SdkReporter(sink, { clock: () => 5_000 });
    reporter.track(
      'env1',
      {
        user: alice,
        flagEvaluations: [
          {
            eventId: '',
            timestampMs: 4_000,
            flagKey: 'f',
            variationId: 'v1',
            sendToExperiment: true,
            reason: 'default',
          },
          {
            eventId: '',
            timestampMs: 0,
            flagKey: 'f',
            variationId: 'v2',
            sendToExperiment: false,
            reason: 'default',
          },
        ],
        metrics: [
          {
            eventId: '',
            timestampMs: 4_500,
            eventName: 'checkout',
            numericValue: 2,
            type: 'CustomEvent',
            route: '',
            appType: 'test',
          },
        ],
      },
      alice,
    );
    const [user, ...insights] = sink.events;
    expect(user?.topic).toBe('vane.end-users');
    expect(insights.map((e) => [e.topic, e.key])).toEqual([
      ['vane.insights', 'env1:alice'],
      ['vane.insights', 'env1:alice'],
      ['vane.insights', 'env1:alice'],
    ]);
    const decoded = insights.map((e) => InsightEvent.decode(e.value));
    expect(new Set(decoded.map((d) => d.eventId)).size).toBe(3);
    expect(decoded.map((d) => d.timestamp?.getTime())).toEqual([4_000, 5_000, 4_500]);
    expect(decoded[0]?.kind?.$case === 'flagEvaluation' && decoded[0].kind.value.userKeyId).toBe(
      'alice',
    );
    expect(decoded[2]?.kind?.$case === 'metric' && decoded[2].kind.value.numericValue).toBe(2);
  });
});
