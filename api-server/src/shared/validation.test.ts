import { describe, expect, it } from 'vitest';
import { invalidArgument, MAX_VIOLATIONS } from './validation.js';

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ field: `f${i}`, description: 'is bad' }));

describe('invalidArgument', () => {
  it('lists every violation up to the limit', () => {
    expect(invalidArgument(many(MAX_VIOLATIONS)).violations.map((v) => v.field)).toEqual(
      many(MAX_VIOLATIONS).map((v) => v.field),
    );
  });

  it('sends at most MAX_VIOLATIONS entries, the last one counting the rest', () => {
    const { violations } = invalidArgument(many(45));
    expect(violations).toHaveLength(MAX_VIOLATIONS);
    expect(violations[MAX_VIOLATIONS - 2]?.field).toBe(`f${MAX_VIOLATIONS - 2}`);
    expect(violations[MAX_VIOLATIONS - 1]?.description).toBe(
      `and ${45 - (MAX_VIOLATIONS - 1)} more problems`,
    );
  });
});
