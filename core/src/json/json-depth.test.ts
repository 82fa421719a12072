import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-depth.js';

describe('jsonDepth', () => {
  it('measures nesting without counting brackets inside strings', () => {
    expect(jsonDepth('{"a":"[[[[\\"{{"}')).toBe(1);
    expect(jsonDepth('[[{}]]')).toBe(3);
    expect(jsonDepth('"just a string"')).toBe(0);
  });

  it('measures a 5,000-deep text in one pass, without recursing', () => {
    expect(jsonDepth('['.repeat(5000) + ']'.repeat(5000))).toBe(5000);
  });
});
