import { md5Int32 } from './md5.js';

// FeatBit's percentage-rollout hashing (featbit.md §3.4): the first four MD5 bytes of the
// UTF-8 key, read as a little-endian int32 and divided by -2^31, give a value in [0, 1].

const INT32_MIN = -2147483648;

/** The dispatch percentage in [0, 1] of the key `a + b + c` (parts avoid concatenation). */
export function rolloutOfKey(a: string, b = '', c = ''): number {
  return Math.abs(md5Int32(a, b, c) / INT32_MIN);
}

/** True for FeatBit's "100%" shortcut: the range starts at 0 and ends within 1e-5 of 1. */
export function isFullRange(min: number, max: number): boolean {
  return min === 0 && 1 - max < 1e-5;
}

/** True for FeatBit's "0%" shortcut: the range is exactly [0, 0]. */
export function isEmptyRange(min: number, max: number): boolean {
  return min === 0 && max === 0;
}

/** FeatBit's IsInRollout: the shortcuts, then min <= percentage <= max (both inclusive). */
export function isInRollout(key: string, rollout: readonly [number, number]): boolean {
  const [min, max] = rollout;
  if (isFullRange(min, max)) return true;
  if (isEmptyRange(min, max)) return false;
  const p = rolloutOfKey(key);
  return p >= min && p <= max;
}
