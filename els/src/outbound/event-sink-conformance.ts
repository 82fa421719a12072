// The conformance suite of the `EventSink` port, run against the MemoryBroker adapter
// (`event-sink.test.ts`) and the Kafka one (`kafka-event-sink.int.test.ts`): what the frame
// handlers rely on when they hand over end users, evaluations and metrics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLL } from '@vane/scripts/rig';
import type { EventSink } from './event-sink.js';

/** A delivered event as a reader of the topic sees it. */
export interface SeenEvent {
  readonly key: string;
  readonly value: string;
}

/** A sink, fresh topics on its broker, and a reader of everything a topic holds. */
export interface SinkUnderTest {
  readonly sink: EventSink;
  /** A new topic no one has used (created on the broker where that is needed). */
  topic(): Promise<string>;
  /** Collects every event of the topic from its beginning into `seen`, until `stop`. */
  watch(topic: string): Promise<{ readonly seen: SeenEvent[]; stop(): Promise<void> }>;
  /** Releases the broker connections (the sink is closed by the tests or before this). */
  close(): Promise<void>;
}

const event = (topic: string, s: string) => ({
  topic,
  key: s.split('-')[0]!,
  value: new TextEncoder().encode(s),
});

/** Registers the conformance tests; `make` returns a sink on a fresh broker connection. */
export function describeEventSink(name: string, make: () => Promise<SinkUnderTest>): void {
  describe(`EventSink conformance: ${name}`, () => {
    let bus: SinkUnderTest;
    const watchers: { stop(): Promise<void> }[] = [];
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      for (const w of watchers.splice(0)) await w.stop();
      await bus.sink.close();
      await bus.close();
    });

    const watch = async (topic: string) => {
      const w = await bus.watch(topic);
      watchers.push(w);
      return w.seen;
    };

    it('accepts events without waiting; flush resolves once they were delivered', async () => {
      const topic = await bus.topic();
      const sent = Array.from({ length: 30 }, (_, i) => `u${i % 3}-${String(i).padStart(2, '0')}`);
      expect(bus.sink.send(sent.slice(0, 10).map((s) => event(topic, s)))).toBeUndefined();
      bus.sink.send(sent.slice(10).map((s) => event(topic, s)));
      await bus.sink.flush();
      const seen = await watch(topic);
      await expect.poll(() => seen.length, POLL).toBeGreaterThanOrEqual(sent.length);
      expect(seen.map((e) => e.value).sort()).toEqual([...sent].sort());
      for (const key of ['u0', 'u1', 'u2']) {
        const mine = seen.filter((e) => e.key === key).map((e) => e.value);
        expect(mine).toEqual([...mine].sort());
      }
    });

    it('delivers events to several topics, each with its key', async () => {
      const [a, b] = [await bus.topic(), await bus.topic()];
      bus.sink.send([event(a, 'k1-a'), event(b, 'k2-b'), event(a, 'k1-c')]);
      await bus.sink.flush();
      const [seenA, seenB] = [await watch(a), await watch(b)];
      await expect.poll(() => [seenA.length, seenB.length], POLL).toEqual([2, 1]);
      expect(seenA).toEqual([
        { key: 'k1', value: 'k1-a' },
        { key: 'k1', value: 'k1-c' },
      ]);
      expect(seenB).toEqual([{ key: 'k2', value: 'k2-b' }]);
    });

    it('flushes what it holds on close', async () => {
      const topic = await bus.topic();
      bus.sink.send(['e-1', 'e-2'].map((s) => event(topic, s)));
      await bus.sink.close();
      const seen = await watch(topic);
      await expect.poll(() => seen.length, POLL).toBe(2);
      expect(seen.map((e) => e.value)).toEqual(['e-1', 'e-2']);
    });

    it('has nothing to flush when nothing was sent', async () => {
      await expect(bus.sink.flush()).resolves.toBeUndefined();
    });
  });
}
