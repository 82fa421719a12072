import { describe, expect, it } from 'vitest';
import { slug } from '../pages/flags.js';
import { href, parseRoute } from './router.js';

describe('routes', () => {
  it('round-trips keys with any characters through the hash', () => {
    expect(parseRoute(href('flags', 'a b/c', 'history'))).toEqual(['flags', 'a b/c', 'history']);
    expect(parseRoute('')).toEqual([]);
    expect(parseRoute('#/')).toEqual([]);
    expect(parseRoute('#flags')).toEqual(['flags']);
  });

  it('suggests keys from names', () => {
    expect(slug('New checkout!')).toBe('new-checkout');
    expect(slug('  Ünïcode & more ')).toBe('n-code-more');
    expect(slug('x'.repeat(200))).toHaveLength(128);
  });
});
