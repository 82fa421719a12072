import { describe, expect, it } from 'vitest';
import { isInRollout, rolloutOfKey } from './dispatch.js';

describe('dispatch', () => {
  it("reproduces FeatBit's published vectors (DispatchAlgorithmTest.cs)", () => {
    expect(rolloutOfKey('test-value')).toBe(0.14653629204258323);
    expect(rolloutOfKey('qKPKh1S3FolC')).toBe(0.9105919692665339);
    expect(rolloutOfKey('3eacb184-2d79-49df-9ea7-edd4f10e4c6f')).toBe(0.08994403155520558);
  });

  it('hashes key parts like their concatenation', () => {
    expect(rolloutOfKey('test-', 'value')).toBe(rolloutOfKey('test-value'));
    expect(rolloutOfKey('te', 'st-', 'value')).toBe(rolloutOfKey('test-value'));
  });

  it('applies the 100% and 0% shortcuts and inclusive bounds', () => {
    const p = rolloutOfKey('test-value');
    expect(isInRollout('test-value', [0, 1])).toBe(true);
    expect(isInRollout('test-value', [0, 0.999995])).toBe(true);
    expect(isInRollout('test-value', [0, 0])).toBe(false);
    expect(isInRollout('test-value', [p, p])).toBe(true);
    expect(isInRollout('test-value', [0.1, p])).toBe(true);
    expect(isInRollout('test-value', [p, 0.5])).toBe(true);
    expect(isInRollout('test-value', [0.1, 0.14])).toBe(false);
    expect(isInRollout('test-value', [0.15, 1])).toBe(false);
  });
});
