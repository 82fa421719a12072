// The conformance suite of the `ChangeFeed` port, run against the MemoryBroker adapter
// (`change-feed.test.ts`) and the Kafka one (`kafka-change-feed.int.test.ts`): what the change
// consumer relies on. A feed starts at the end of its topics, so each test first publishes
// warm-up records until the subscription receives one (a Kafka group fixes its start offsets
// while it joins), then the records it checks.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POLL } from '@vane/scripts/rig';
import type { ChangeFeed, ChangeRecord, FeedObserver, FeedSubscription } from './change-feed.js';

/** A feed, fresh topics on its broker, and a way to publish to them as the api-server does. */
export interface FeedUnderTest {
  readonly feed: ChangeFeed;
  /** A new topic no one has used (created on the broker where that is needed). */
  topic(): Promise<string>;
  /** Publishes the values to the topic, in order. */
  publish(topic: string, values: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const text = (r: ChangeRecord): string => new TextDecoder().decode(r.value);

/** Registers the conformance tests; `make` returns a feed on a fresh broker connection. */
export function describeChangeFeed(name: string, make: () => Promise<FeedUnderTest>): void {
  describe(`ChangeFeed conformance: ${name}`, () => {
    let bus: FeedUnderTest;
    const subscriptions: FeedSubscription[] = [];
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      for (const s of subscriptions.splice(0)) await s.close();
      await bus.close();
    });

    /** Subscribes under a new group; resolves once a warm-up record came through each topic. */
    async function listen(topics: readonly string[], observer?: FeedObserver) {
      const got: ChangeRecord[] = [];
      const sub = await bus.feed.subscribe(
        topics,
        `els-${randomUUID()}`,
        async (records) => {
          got.push(...records);
        },
        observer,
      );
      subscriptions.push(sub);
      let round = 0;
      await vi.waitFor(
        async () => {
          round += 1;
          for (const topic of topics) await bus.publish(topic, [`warm-up-${round}`]);
          const warm = topics.filter((t) =>
            got.some((r) => r.topic === t && text(r).startsWith('warm-up')),
          );
          expect(warm).toEqual(topics);
        },
        { ...POLL, interval: 200 },
      );
      const checked = (topic: string): string[] =>
        got.filter((r) => r.topic === topic && !text(r).startsWith('warm-up')).map(text);
      return { got, sub, checked };
    }

    it('delivers new records of every topic, in order per topic, naming their topic', async () => {
      const [a, b] = [await bus.topic(), await bus.topic()];
      const { got, checked } = await listen([a, b]);
      const first = Array.from({ length: 20 }, (_, i) => `a-${String(i).padStart(2, '0')}`);
      await bus.publish(a, first.slice(0, 10));
      await bus.publish(b, ['b-1', 'b-2']);
      await bus.publish(a, first.slice(10));
      await expect.poll(() => [checked(a).length, checked(b).length], POLL).toEqual([20, 2]);
      expect(checked(a)).toEqual(first);
      expect(checked(b)).toEqual(['b-1', 'b-2']);
      for (const r of got) if (r.timestamp !== undefined) expect(r.timestamp).toBeGreaterThan(0);
    });

    it('starts at the end of its topics: earlier records are not delivered', async () => {
      const topic = await bus.topic();
      await bus.publish(topic, ['before']);
      const { checked } = await listen([topic]);
      await bus.publish(topic, ['after']);
      await expect.poll(() => checked(topic), POLL).toContain('after');
      expect(checked(topic)).toEqual(['after']);
    });

    it('broadcasts: every group receives every record', async () => {
      const topic = await bus.topic();
      const one = await listen([topic]);
      const two = await listen([topic]);
      await bus.publish(topic, ['x-1', 'x-2', 'x-3']);
      await expect
        .poll(() => [one.checked(topic).length, two.checked(topic).length], POLL)
        .toEqual([3, 3]);
      expect(two.checked(topic)).toEqual(one.checked(topic));
    });

    it('tells the observer it joined, and delivers nothing more once closed', async () => {
      const topic = await bus.topic();
      const status: boolean[] = [];
      const closed = await listen([topic], { onStatus: (up) => status.push(up) });
      expect(status).toContain(true);
      const open = await listen([topic]);
      await closed.sub.close();
      subscriptions.splice(subscriptions.indexOf(closed.sub), 1);
      await bus.publish(topic, ['late']);
      await expect.poll(() => open.checked(topic), POLL).toContain('late');
      expect(closed.checked(topic)).toEqual([]);
    });
  });
}
