import { describe, expect, it } from 'vitest';
import { maskPaths } from './field-mask.js';
import { InvalidArgument } from '@vane/server-kit';

const ALLOWED = ['name', 'description', 'tags'] as const;

describe('maskPaths', () => {
  it('refuses a missing or empty mask, naming update_mask and the editable paths', () => {
    for (const mask of [undefined, []]) {
      let thrown: unknown;
      try {
        maskPaths(mask, ALLOWED);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InvalidArgument);
      expect((thrown as InvalidArgument).violations).toEqual([
        {
          field: 'update_mask',
          description: expect.stringMatching(
            /is required.*name, description, tags.*"\*"/,
          ) as string,
        },
      ]);
    }
  });

  it('reads `*` as every editable path', () => {
    expect(maskPaths(['*'], ALLOWED)).toEqual(ALLOWED);
  });

  it('keeps the named paths once each', () => {
    expect(maskPaths(['tags', 'name', 'tags'], ALLOWED)).toEqual(['tags', 'name']);
  });

  it('names every unknown path, even next to `*`', () => {
    expect(() => maskPaths(['*', 'key', 'env_id'], ALLOWED)).toThrow(
      /update_mask: "key" cannot be updated.*update_mask: "env_id" cannot be updated/,
    );
  });
});
