import { describe, expect, it } from 'vitest';
import { PERMANENT_CLOSE_CODES, reconnectDelay } from './reconnect.js';

const options = { initialDelayMs: 1000, maxDelayMs: 60_000, goingAwayJitterMs: 5000 };

describe('reconnectDelay', () => {
  it('stops on a normal close and on every permanent close code', () => {
    for (const code of [1000, ...PERMANENT_CLOSE_CODES])
      expect(reconnectDelay(code, 0, options)).toBe('stop');
  });

  it('grows exponentially with equal jitter, bounded by maxDelayMs', () => {
    const low = (attempt: number) => reconnectDelay(1006, attempt, options, () => 0);
    const high = (attempt: number) => reconnectDelay(1006, attempt, options, () => 0.999999);
    expect([0, 1, 2, 3].map(low)).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map(high)).toEqual([999, 1999, 3999, 7999]);
    expect(low(20)).toBe(30_000);
    expect(high(500)).toBe(59_999);
  });

  it('spreads the first attempt after a restart (1001) over 0..goingAwayJitterMs', () => {
    expect(reconnectDelay(1001, 0, options, () => 0)).toBe(0);
    expect(reconnectDelay(1001, 0, options, () => 0.5)).toBe(2500);
    expect(reconnectDelay(1001, 1, options, () => 0)).toBe(1000); // later attempts back off
  });

  it('waits at least 30 s after a rate-limit close (4029)', () => {
    expect(reconnectDelay(4029, 0, options, () => 0)).toBe(30_000);
  });
});
