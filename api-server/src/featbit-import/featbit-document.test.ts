// Parsing and converting FeatBit documents (pure; the RPC is tested in *.int.test.ts).
import { describe, expect, it } from 'vitest';
import {
  ItemProblems,
  MAX_DOCUMENT_DEPTH,
  flagFromFeatBit,
  parseFeatBitDocument,
  segmentFromFeatBit,
  stableId,
} from './featbit-document.js';

describe('parseFeatBitDocument', () => {
  it('accepts the latest-all response and its bare data object', () => {
    const data = { eventType: 'full', featureFlags: [{ key: 'a' }], segments: [] };
    expect(parseFeatBitDocument(JSON.stringify({ messageType: 'data-sync', data }))).toEqual({
      flags: [{ key: 'a' }],
      segments: [],
    });
    expect(parseFeatBitDocument(JSON.stringify(data))).toEqual({
      flags: [{ key: 'a' }],
      segments: [],
    });
  });

  it('says why a document is refused', () => {
    expect(parseFeatBitDocument('')).toMatch(/required/);
    expect(parseFeatBitDocument('{')).toMatch(/not valid JSON/);
    expect(parseFeatBitDocument('[]')).toMatch(/JSON object/);
    expect(parseFeatBitDocument('{"flags":[]}')).toMatch(/not a FeatBit latest-all document/);
    expect(parseFeatBitDocument('{"featureFlags":{}}')).toMatch(/featureFlags must be an array/);
    const deep = `{"featureFlags":${'['.repeat(MAX_DOCUMENT_DEPTH)}${']'.repeat(MAX_DOCUMENT_DEPTH)}}`;
    expect(parseFeatBitDocument(deep)).toMatch(/nested deeper than 64/);
  });
});

describe('conversion', () => {
  it('rewrites segment ids and reports unresolvable ones', () => {
    const p = new ItemProblems();
    const flag = flagFromFeatBit(
      {
        key: 'f',
        variationType: 'boolean',
        rules: [
          {
            name: 'r',
            conditions: [
              { property: 'User is in segment', op: '', value: '["fb-1","fb-2"]' },
              { property: 'plan', op: 'Equal', value: 'pro' },
            ],
            variations: [{ id: 'v', rollout: [0, 1], exptRollout: 1 }],
          },
        ],
      },
      p,
      (id) => (id === 'fb-1' ? { vaneId: 'vane-1' } : { problem: `segment ${id} is missing` }),
    );
    expect(flag.rules[0]!.conditions[0]!.value).toBe('["vane-1"]');
    expect(flag.rules[0]!.conditions[0]!.op).toBeNull();
    expect(p.list).toEqual(['rules[0].conditions[0].value: segment fb-2 is missing']);
    // Empty ids become stable ones, so a re-import compares equal.
    expect(flag.rules[0]!.id).toBe(stableId('flag/f/rules[0]'));
    expect(flag.name).toBe('f');
    expect(flag.exptIncludeAllTargets).toBe(true);
  });

  it('keeps segment membership and reports shape problems', () => {
    const p = new ItemProblems();
    const s = segmentFromFeatBit({ id: 'seg-id', included: ['a', 1], excluded: 'x' }, p);
    expect(s.key).toBe('seg-id');
    expect(s.included).toEqual(['a', '']);
    expect(p.list).toEqual(['included[1]: must be a string', 'excluded: must be an array']);
  });
});
