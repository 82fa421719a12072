// The conformance suite of the `InsightBus` port (memory and Kafka adapters): order, redelivery
// of a rejected batch, commit-after-handler across a restart, and lag.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLL } from '@vane/scripts/rig';
import type { BusRecord, BusSubscription, InsightBus } from './insight-bus.js';

const text = (r: BusRecord): string => new TextDecoder().decode(r.value);
const record = (s: string) => ({ key: s.split('-')[0] ?? s, value: new TextEncoder().encode(s) });

/** Registers the conformance tests; `makeBus` returns a bus on fresh, empty topics. */
export function insightBusConformance(
  name: string,
  makeBus: () => Promise<InsightBus>,
  dropBus: (bus: InsightBus) => Promise<void> = (b) => b.close(),
): void {
  describe(`InsightBus conformance: ${name}`, () => {
    let bus: InsightBus;
    const subscriptions: BusSubscription[] = [];
    beforeEach(async () => {
      bus = await makeBus();
    });
    afterEach(async () => {
      for (const s of subscriptions.splice(0)) await s.close();
      await dropBus(bus);
    });

    it('delivers every record, in order per key, to a new group from the beginning', async () => {
      const sent = Array.from({ length: 30 }, (_, i) => `k${i % 3}-${String(i).padStart(2, '0')}`);
      await bus.publish(sent.slice(0, 10).map(record));
      await bus.publish(sent.slice(10).map(record));
      const got: string[] = [];
      subscriptions.push(
        await bus.subscribe(`g-${randomUUID()}`, (batch) => {
          got.push(...batch.map(text));
          return Promise.resolve();
        }),
      );
      await expect.poll(() => got.length, POLL).toBeGreaterThanOrEqual(sent.length);
      expect([...got].sort()).toEqual([...sent].sort());
      for (const key of ['k0', 'k1', 'k2']) {
        const mine = got.filter((s) => s.startsWith(`${key}-`));
        expect(mine).toEqual([...mine].sort());
      }
    });

    it('delivers a rejected batch again', async () => {
      await bus.publish(['a-1', 'a-2', 'a-3'].map(record));
      let failures = 0;
      const got: string[] = [];
      subscriptions.push(
        await bus.subscribe(`g-${randomUUID()}`, (batch) => {
          if (failures === 0) {
            failures += 1;
            return Promise.reject(new Error('store down'));
          }
          got.push(...batch.map(text));
          return Promise.resolve();
        }),
      );
      await expect.poll(() => new Set(got).size === 3, POLL).toBe(true);
      expect(failures).toBe(1);
      expect([...new Set(got)].sort()).toEqual(['a-1', 'a-2', 'a-3']);
    });

    it('commits only after the handler resolved: a new subscription resumes from there', async () => {
      const groupId = `g-${randomUUID()}`;
      await bus.publish(['a-1', 'a-2'].map(record));
      const first: string[] = [];
      const s1 = await bus.subscribe(groupId, (batch) => {
        first.push(...batch.map(text));
        return Promise.resolve();
      });
      await expect.poll(() => first.length, POLL).toBe(2);
      await expect.poll(() => bus.lag(groupId), POLL).toBe(0);
      await s1.close();

      // Handled but never acknowledged: must come again.
      await bus.publish(['a-3'].map(record));
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const second: string[] = [];
      const s2 = await bus.subscribe(groupId, (batch) => {
        second.push(...batch.map(text));
        return second.includes('a-3') ? Promise.reject(new Error('crash')) : held;
      });
      await expect.poll(() => second.includes('a-3'), POLL).toBe(true);
      await s2.close();
      release();
      expect(await bus.lag(groupId)).toBe(1);

      const third: string[] = [];
      subscriptions.push(
        await bus.subscribe(groupId, (batch) => {
          third.push(...batch.map(text));
          return Promise.resolve();
        }),
      );
      await expect.poll(() => third.includes('a-3'), POLL).toBe(true);
      expect(third.filter((s) => s !== 'a-3')).toEqual([]);
      await expect.poll(() => bus.lag(groupId), POLL).toBe(0);
    });

    it('accepts dead letters', async () => {
      await bus.deadLetter([
        {
          record: { partition: 0, offset: '7', key: 'k', value: new Uint8Array([1, 2]) },
          reason: 'bad',
        },
      ]);
    });
  });
}
