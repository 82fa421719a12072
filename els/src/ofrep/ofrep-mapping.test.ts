import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import type { FeatureFlag } from '@vane/core';
import { sampleFlag } from '../environments/environment-source-conformance.js';
import { contextToUser, ofrepReason, toOfrep, typedValue } from './ofrep-mapping.js';

const flag = sampleFlag('f1', 'one', 1);
const evaluate = (f: FeatureFlag, keyId = 'u') =>
  compileEnvironment({ flags: [f] }).evaluate(f.key, { keyId });

describe('OFREP mapping', () => {
  it('turns a context into a user: targetingKey, name, attributes as text', () => {
    expect(
      contextToUser({
        context: { targetingKey: 'k', name: 'Ann', age: 3, vip: true, tags: ['a'], none: null },
      }),
    ).toEqual({
      keyId: 'k',
      name: 'Ann',
      customizedProperties: [
        { name: 'name', value: 'Ann' },
        { name: 'age', value: '3' },
        { name: 'vip', value: 'true' },
        { name: 'tags', value: '["a"]' },
        { name: 'none', value: null },
      ],
    });
    expect(contextToUser({ context: { targetingKey: 'k', name: '' } })).toEqual({
      keyId: 'k',
      customizedProperties: [{ name: 'name', value: '' }],
    });
    expect(contextToUser(undefined)).toEqual({ keyId: '' });
    expect(contextToUser({})).toEqual({ keyId: '', customizedProperties: [] });
    expect(contextToUser([])).toBe('the body must be a JSON object');
    expect(contextToUser({ context: 'x' })).toBe('context must be an object');
    expect(contextToUser({ context: { targetingKey: 1 } })).toBe('targetingKey must be a string');
    expect(contextToUser({ context: { a: 'x'.repeat(5000) } })).toBe('a is too long');
  });

  it('types values by variationType', () => {
    expect(typedValue({ ...flag, variationType: 'boolean' }, 'TRUE')).toBe(true);
    expect(typedValue({ ...flag, variationType: 'number' }, '42')).toBe(42);
    expect(typedValue({ ...flag, variationType: 'number' }, '4.5')).toBe(4.5);
    expect(typedValue({ ...flag, variationType: 'number' }, 'abc')).toBeUndefined();
    expect(typedValue({ ...flag, variationType: 'json' }, '{"a":1}')).toEqual({ a: 1 });
    expect(typedValue({ ...flag, variationType: 'json' }, '{')).toBeUndefined();
    expect(typedValue({ ...flag, variationType: 'string' }, 'x')).toBe('x');
  });

  it('maps reasons: DISABLED, TARGETING_MATCH, SPLIT, STATIC, UNKNOWN', () => {
    const off = { ...flag, isEnabled: false };
    expect(ofrepReason(off, evaluate(off))).toBe('DISABLED');
    const targeted = { ...flag, targetUsers: [{ keyIds: ['u'], variationId: 'off' }] };
    expect(ofrepReason(targeted, evaluate(targeted))).toBe('TARGETING_MATCH');
    expect(ofrepReason(targeted, evaluate(targeted, 'v'))).toBe('UNKNOWN');
    expect(ofrepReason(flag, evaluate(flag))).toBe('STATIC');
    const split: FeatureFlag = {
      ...flag,
      fallthrough: {
        includedInExpt: true,
        variations: [
          { id: 'on', rollout: [0, 0.5], exptRollout: 1 },
          { id: 'off', rollout: [0.5, 1], exptRollout: 1 },
        ],
      },
    };
    expect(ofrepReason(split, evaluate(split))).toBe('SPLIT');
    const rule: FeatureFlag = {
      ...flag,
      rules: [
        {
          name: 'all',
          includedInExpt: true,
          conditions: [{ property: 'keyId', op: 'Equal', value: 'u' }],
          variations: [{ id: 'off', rollout: [0, 1], exptRollout: 1 }],
        },
      ],
    };
    expect(ofrepReason(rule, evaluate(rule))).toBe('TARGETING_MATCH');
  });

  it('maps failures to OFREP error codes', () => {
    expect(toOfrep('nope', undefined, evaluate(flag))).toMatchObject({
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(toOfrep('one', flag, evaluate(flag, ' '))).toMatchObject({
      errorCode: 'TARGETING_KEY_MISSING',
    });
    const broken = { ...flag, fallthrough: { includedInExpt: true, variations: [] } };
    expect(toOfrep('one', broken, evaluate(broken))).toMatchObject({ errorCode: 'GENERAL' });
    const badNumber = { ...flag, variationType: 'number' as const };
    expect(toOfrep('one', badNumber, evaluate(badNumber))).toMatchObject({
      errorCode: 'PARSE_ERROR',
    });
    expect(toOfrep('one', flag, evaluate(flag))).toEqual({
      key: 'one',
      reason: 'STATIC',
      variant: 'on',
      value: true,
      metadata: { reason: 'default', variationId: 'on', sendToExperiment: true },
    });
  });
});
