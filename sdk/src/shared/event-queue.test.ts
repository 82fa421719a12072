import { afterEach, describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

const queues: EventQueue<number>[] = [];
afterEach(() => queues.splice(0).forEach((q) => q.stop()));

function queue(connected: { open: boolean }, sent: [number, number[]][], options = {}) {
  let id = 0;
  const q = new EventQueue<number>(
    { flushIntervalMs: 60_000, maxBatchSize: 3, ...options },
    (batch, requestId) => {
      if (!connected.open) return false;
      sent.push([requestId, [...batch]]);
      return true;
    },
    () => ++id,
  );
  queues.push(q);
  return q;
}

describe('EventQueue', () => {
  it('sends full batches at once and keeps them until acknowledged', () => {
    const sent: [number, number[]][] = [];
    const q = queue({ open: true }, sent);
    [1, 2, 3, 4].forEach((e) => q.push(e));
    expect(sent).toEqual([[1, [1, 2, 3]]]);
    expect(q.size).toBe(4);
    q.flush();
    expect(sent).toEqual([
      [1, [1, 2, 3]],
      [2, [4]],
    ]);
    expect(q.ack(1)).toBe(true);
    expect(q.ack(99)).toBe(false);
    expect(q.size).toBe(1);
  });

  it('puts unacknowledged batches back in order when the connection drops', () => {
    const sent: [number, number[]][] = [];
    const conn = { open: true };
    const q = queue(conn, sent);
    [1, 2, 3].forEach((e) => q.push(e));
    conn.open = false;
    [4, 5].forEach((e) => q.push(e));
    q.requeueInFlight();
    conn.open = true;
    q.flush();
    expect(sent.slice(1)).toEqual([
      [2, [1, 2, 3]],
      [3, [4, 5]],
    ]);
  });

  it('retries a refused batch (rate limited) and drops a rejected one (invalid)', () => {
    const sent: [number, number[]][] = [];
    const q = queue({ open: true }, sent, { maxBatchSize: 2 });
    [1, 2].forEach((e) => q.push(e));
    expect(q.fail(1, true)).toBe(true);
    q.flush();
    expect(sent).toEqual([
      [1, [1, 2]],
      [2, [1, 2]],
    ]);
    expect(q.fail(2, false)).toBe(true);
    expect(q.fail(2, false)).toBe(false);
    expect(q.dropped).toBe(2);
    expect(q.size).toBe(0);
  });

  it('drops the oldest beyond maxQueueSize and counts them', () => {
    const q = queue({ open: false }, [], { maxQueueSize: 4 });
    [1, 2, 3, 4, 5, 6].forEach((e) => q.push(e));
    expect(q.dropped).toBe(2);
    expect(q.size).toBe(4);
  });

  it('caps batches at 1000 events (ELS limit) whatever maxBatchSize says', () => {
    const sent: [number, number[]][] = [];
    const q = queue({ open: true }, sent, { maxBatchSize: 5000, maxQueueSize: 5000 });
    for (let i = 0; i < 2500; i++) q.push(i);
    q.flush();
    expect(sent.map(([, batch]) => batch.length)).toEqual([1000, 1000, 500]);
  });

  it('drain resolves once everything is acknowledged, or false after the timeout', async () => {
    const sent: [number, number[]][] = [];
    const q = queue({ open: true }, sent);
    q.push(1);
    const drained = q.drain(5000);
    expect(sent).toEqual([[1, [1]]]);
    q.ack(1);
    expect(await drained).toBe(true);
    q.push(2);
    expect(await q.drain(20)).toBe(false);
  });
});
