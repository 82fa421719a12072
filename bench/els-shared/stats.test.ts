import { describe, expect, it } from 'vitest';
import { fmt, percentile, ratio, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p % at or below it', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  it('p99 of 1..1000 is 990, and a single value is every percentile', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile([42], 1)).toBe(42);
    expect(percentile([42], 99)).toBe(42);
  });

  it('does not reorder its input, is NaN when empty, rejects p outside 0..100', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('leaves out NaN (frames never received) and reports n, p50, p99, max', () => {
    const values = new Float64Array([10, Number.NaN, 30, 20]);
    expect(summarize(values)).toEqual({ n: 3, p50: 20, p99: 30, max: 30 });
  });
});

describe('formatting', () => {
  it('formats ratios and numbers', () => {
    expect(ratio(150, 100)).toBe('1.50×');
    expect(ratio(1, 0)).toBe('–');
    expect(ratio(Number.NaN, 1)).toBe('–');
    expect(fmt(12345.678, 1)).toBe('12,345.7');
    expect(fmt(Number.NaN)).toBe('–');
  });
});
