// The conformance suite of the api-server's bus ports, `ChangePublisher` and `MessageSource`, run
// against the in-process adapters (`memory-bus.test.ts`) and the Kafka ones
// (`kafka-bus.int.test.ts`): what the change relay and the end-user consumer rely on.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLL } from '@vane/scripts/rig';
import type { ChangePublisher, IncomingMessage, MessageSource } from './change-publisher.js';

/** A publisher and a source on one broker, and a way to get fresh, empty topics on it. */
export interface BusUnderTest {
  readonly publisher: ChangePublisher;
  readonly source: MessageSource;
  /** A new topic no one has used (created on the broker where that is needed). */
  topic(): Promise<string>;
  close(): Promise<void>;
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (m: IncomingMessage): string => new TextDecoder().decode(m.value);
// `k1-03` is the fourth message of key `k1`.
const message = (topic: string, s: string) => ({ topic, key: s.split('-')[0]!, value: encode(s) });

/** Registers the conformance tests; `make` returns adapters on a fresh broker connection. */
export function describeChangeBus(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`ChangePublisher and MessageSource conformance: ${name}`, () => {
    let bus: BusUnderTest;
    const subscriptions: { close(): Promise<void> }[] = [];
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      for (const s of subscriptions.splice(0)) await s.close();
      await bus.close();
    });

    /** Subscribes and collects every delivered message (a rejected batch is not collected). */
    async function collect(
      topic: string,
      groupId: string,
      accept: (batch: readonly IncomingMessage[]) => boolean = () => true,
    ): Promise<{ got: IncomingMessage[]; stop(): Promise<void> }> {
      const got: IncomingMessage[] = [];
      const sub = await bus.source.subscribe(topic, groupId, async (batch) => {
        if (!accept(batch)) throw new Error('handler failed');
        got.push(...batch);
      });
      subscriptions.push(sub);
      return {
        got,
        stop: async () => {
          subscriptions.splice(subscriptions.indexOf(sub), 1);
          await sub.close();
        },
      };
    }

    it('publishes nothing for an empty list', async () => {
      await expect(bus.publisher.publish([])).resolves.toBeUndefined();
    });

    it('delivers what was acknowledged to a new group from the beginning, in order per key', async () => {
      const topic = await bus.topic();
      const sent = Array.from({ length: 24 }, (_, i) => `k${i % 3}-${String(i).padStart(2, '0')}`);
      await bus.publisher.publish(sent.slice(0, 12).map((s) => message(topic, s)));
      await bus.publisher.publish(sent.slice(12).map((s) => message(topic, s)));
      const { got } = await collect(topic, `g-${randomUUID()}`);
      await expect.poll(() => new Set(got.map(text)).size, POLL).toBe(sent.length);
      // At-least-once: a rebalance may deliver a message again; its first delivery counts.
      const first = got.filter((m, i) => got.findIndex((o) => text(o) === text(m)) === i);
      expect(first.map(text).sort()).toEqual([...sent].sort());
      for (const key of ['k0', 'k1', 'k2']) {
        const mine = first.filter((m) => m.key === key);
        expect(mine.map(text)).toEqual(mine.map(text).sort());
        const offsets = mine.map((m) => BigInt(m.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(mine.map((m) => m.offset)).size).toBe(mine.length);
      }
    });

    it('gives every group every message', async () => {
      const topic = await bus.topic();
      await bus.publisher.publish(['a-1', 'a-2'].map((s) => message(topic, s)));
      const first = await collect(topic, `g-${randomUUID()}`);
      const second = await collect(topic, `g-${randomUUID()}`);
      const seen = (c: { got: IncomingMessage[] }) => [...new Set(c.got.map(text))];
      await expect.poll(() => [seen(first).length, seen(second).length], POLL).toEqual([2, 2]);
      expect(seen(second)).toEqual(seen(first));
    });

    it('delivers a batch whose handler rejected again', async () => {
      const topic = await bus.topic();
      await bus.publisher.publish(['a-1', 'a-2', 'a-3'].map((s) => message(topic, s)));
      let failures = 0;
      const { got } = await collect(topic, `g-${randomUUID()}`, () => (failures += 1) > 1);
      await expect.poll(() => new Set(got.map(text)).size, POLL).toBe(3);
      expect(failures).toBeGreaterThan(1);
      expect([...new Set(got.map(text))].sort()).toEqual(['a-1', 'a-2', 'a-3']);
    });

    it('commits after each handled batch: the group resumes after what it handled', async () => {
      const topic = await bus.topic();
      const groupId = `g-${randomUUID()}`;
      await bus.publisher.publish(['a-1', 'a-2'].map((s) => message(topic, s)));
      const first = await collect(topic, groupId);
      await expect.poll(() => first.got.length, POLL).toBe(2);
      await first.stop();
      await bus.publisher.publish([message(topic, 'a-3')]);
      const second = await collect(topic, groupId);
      await expect.poll(() => second.got.length, POLL).toBeGreaterThanOrEqual(1);
      expect(second.got.map(text)).toEqual(['a-3']);
    });
  });
}
