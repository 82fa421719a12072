import { describe, expect, it } from 'vitest';
import {
  InvalidArgument,
  invalidArgument,
  MAX_DESCRIPTION_SENT,
  MAX_VIOLATIONS,
  Violations,
} from './domain-errors.js';

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

  it('cuts a long description to MAX_DESCRIPTION_SENT characters, ending in …', () => {
    const [only] = invalidArgument([{ field: 'f', description: 'x'.repeat(1000) }]).violations;
    expect(only?.description).toHaveLength(MAX_DESCRIPTION_SENT);
    expect(only?.description.endsWith('…')).toBe(true);
  });
});

describe('Violations', () => {
  it('records a field unless its check holds, and throws them all together', () => {
    const v = new Violations()
      .check(true, 'kept', 'not recorded')
      .check(false, 'env_id', 'is required')
      .add('flag_key', 'is required');
    let thrown: unknown;
    try {
      v.throwIfAny();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgument);
    expect((thrown as InvalidArgument).violations).toEqual([
      { field: 'env_id', description: 'is required' },
      { field: 'flag_key', description: 'is required' },
    ]);
    expect((thrown as InvalidArgument).message).toBe('env_id: is required; flag_key: is required');
  });

  it('throws nothing when every check holds', () => {
    expect(() => new Violations().check(true, 'f', 'bad').throwIfAny()).not.toThrow();
  });
});
