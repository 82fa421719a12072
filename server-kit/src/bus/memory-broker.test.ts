import { describe, expect, it } from 'vitest';
import { MemoryBroker } from './memory-broker.js';
import type { BrokerRecord } from './memory-broker.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (r: BrokerRecord): string => new TextDecoder().decode(r.value);

/** How `expect.poll` waits for a delivery: briefly, failing the test after 2 s. */
const POLL = { timeout: 2000, interval: 5 };

describe('MemoryBroker', () => {
  it('delivers records in order to every group, from the beginning when asked', async () => {
    const broker = new MemoryBroker();
    broker.publish('t', [{ key: 'a', value: bytes('1') }]);
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = broker.subscribe('t', { groupId: 'A', fromBeginning: true }, async (batch) => {
      seenA.push(...batch.map(text));
    });
    const b = broker.subscribe('t', { groupId: 'B' }, async (batch) => {
      seenB.push(...batch.map(text));
    });
    broker.publish('t', [
      { key: 'a', value: bytes('2') },
      { key: 'b', value: bytes('3') },
    ]);
    await expect.poll(() => seenA.length === 3 && seenB.length === 2, POLL).toBe(true);
    expect(seenA).toEqual(['1', '2', '3']);
    expect(seenB).toEqual(['2', '3']);
    await Promise.all([a.close(), b.close()]);
  });

  it('redelivers a batch whose handler failed, and commits only after success', async () => {
    const broker = new MemoryBroker();
    let attempts = 0;
    const seen: string[] = [];
    const sub = broker.subscribe('t', { groupId: 'g', retryDelayMs: 1 }, async (batch) => {
      attempts += 1;
      if (attempts === 1) throw new Error('transient');
      seen.push(...batch.map(text));
    });
    broker.publish('t', [{ key: 'k', value: bytes('x') }]);
    await expect.poll(() => seen.length, POLL).toBe(1);
    expect(attempts).toBe(2);
    expect(broker.committedOffset('t', 'g')).toBe(1);
    await sub.close();
  });

  it('resumes a group from its committed offset after close', async () => {
    const broker = new MemoryBroker();
    const first: string[] = [];
    const sub1 = broker.subscribe(
      't',
      { groupId: 'g' },
      async (b) => void first.push(...b.map(text)),
    );
    broker.publish('t', [{ key: 'k', value: bytes('1') }]);
    await expect.poll(() => first.length, POLL).toBe(1);
    await sub1.close();
    broker.publish('t', [{ key: 'k', value: bytes('2') }]);
    const second: string[] = [];
    const sub2 = broker.subscribe(
      't',
      { groupId: 'g' },
      async (b) => void second.push(...b.map(text)),
    );
    await expect.poll(() => second.length, POLL).toBe(1);
    expect(second).toEqual(['2']);
    await sub2.close();
  });

  it('refuses a second live subscription of the same group', async () => {
    const broker = new MemoryBroker();
    const sub = broker.subscribe('t', { groupId: 'g' }, async () => {});
    expect(() => broker.subscribe('t', { groupId: 'g' }, async () => {})).toThrow(/already/);
    await sub.close();
  });
});
