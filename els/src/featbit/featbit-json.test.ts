import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import {
  clientFlagToFeatBit,
  flagToFeatBit,
  removedClientFlag,
  segmentToFeatBit,
  userFromFeatBit,
} from './featbit-json.js';
import { reportInsights } from './featbit-insights.js';

describe('FeatBit JSON mapping', () => {
  it('maps a flag field by field, with updatedAt = the sync version and FeatBit defaults', () => {
    const flag = {
      ...sampleFlag('f1', 'one', 1_700_000_000_123),
      rules: [
        {
          name: 'r',
          includedInExpt: false,
          conditions: [{ property: 'plan', op: 'Equal', value: 'pro' }],
          variations: [{ id: 'on', rollout: [0, 0.5] as const, exptRollout: 0.2 }],
        },
      ],
    };
    expect(flagToFeatBit(flag, 'env-9')).toEqual({
      id: 'f1',
      envId: 'env-9',
      name: 'one',
      description: '',
      key: 'one',
      variationType: 'boolean',
      variations: [
        { id: 'on', name: 'on', value: 'true' },
        { id: 'off', name: 'off', value: 'false' },
      ],
      targetUsers: [],
      rules: [
        {
          id: 'f1-rule-0',
          name: 'r',
          dispatchKey: null,
          includedInExpt: false,
          conditions: [{ id: '', property: 'plan', op: 'Equal', value: 'pro' }],
          variations: [{ id: 'on', rollout: [0, 0.5], exptRollout: 0.2 }],
        },
      ],
      isEnabled: true,
      disabledVariationId: 'off',
      fallthrough: {
        dispatchKey: null,
        includedInExpt: true,
        variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
      },
      exptIncludeAllTargets: true,
      tags: [],
      isArchived: false,
      createdAt: '2023-11-14T22:13:20.123Z',
      updatedAt: '2023-11-14T22:13:20.123Z',
    });
  });

  it('maps a segment and keeps its id as the key FeatBit SDKs look up', () => {
    const s = segmentToFeatBit(sampleSegment('s1', 1_700_000_000_000, ['u1']), 'env-9');
    expect(s).toMatchObject({
      id: 's1',
      envId: 'env-9',
      included: ['u1'],
      excluded: [],
      rules: [],
      isArchived: false,
      updatedAt: '2023-11-14T22:13:20.000Z',
    });
  });

  it('maps a client result with the variation options and the match reason', () => {
    const flag = sampleFlag('f1', 'one', 5);
    const env = compileEnvironment({ flags: [flag] });
    expect(clientFlagToFeatBit(flag, env.evaluate('one', { keyId: 'u' }), 77)).toEqual({
      id: 'one',
      variation: 'true',
      variationType: 'boolean',
      variationId: 'on',
      matchReason: 'default',
      variationOptions: [
        { id: 'on', value: 'true' },
        { id: 'off', value: 'false' },
      ],
      sendToExperiment: true,
      timestamp: 77,
    });
    const broken = { ...flag, fallthrough: { includedInExpt: true, variations: [] } };
    const bad = compileEnvironment({ flags: [broken] }).evaluate('one', { keyId: 'u' });
    expect(clientFlagToFeatBit(broken, bad, 1)).toBeUndefined();
    expect(removedClientFlag('gone', 9)).toMatchObject({
      id: 'gone',
      variation: null,
      matchReason: 'flag archived',
    });
  });

  it('parses users and says what is wrong with bad ones', () => {
    expect(
      userFromFeatBit({
        keyId: 'u',
        name: null,
        customizedProperties: [
          { name: 'n', value: 5 },
          { name: 'b', value: true },
        ],
      }),
    ).toEqual({
      keyId: 'u',
      name: '',
      customizedProperties: [
        { name: 'n', value: '5' },
        { name: 'b', value: 'true' },
      ],
    });
    expect(userFromFeatBit(null)).toBe('user must be an object');
    expect(userFromFeatBit({ keyId: ' ' })).toBe('user.keyId must be a non-blank string');
    expect(userFromFeatBit({ keyId: 'x'.repeat(2000) })).toBe('user.keyId is too long');
    expect(userFromFeatBit({ keyId: 'u', customizedProperties: {} })).toBe(
      'user.customizedProperties must be an array',
    );
    expect(userFromFeatBit({ keyId: 'u', customizedProperties: [{ name: 'a', value: {} }] })).toBe(
      'customizedProperties[a].value must be a string',
    );
    expect(
      userFromFeatBit({
        keyId: 'u',
        customizedProperties: Array.from({ length: 201 }, (_, i) => ({ name: `p${i}`, value: '' })),
      }),
    ).toBe('user has too many customizedProperties');
  });

  it('reports nothing for a non-array insight body and skips invalid items', () => {
    expect(reportInsights({ not: 'an array' }, 'env', undefined)).toEqual({
      accepted: 0,
      skipped: 1,
    });
    expect(
      reportInsights(
        [
          null,
          { user: { keyId: '' } },
          {
            user: { keyId: 'u' },
            variations: [{ featureFlagKey: 'f', variation: { id: 'v' } }, { featureFlagKey: 'f' }],
            metrics: [{ eventName: '' }, { eventName: 'e' }],
          },
        ],
        'env',
        undefined,
      ),
    ).toEqual({ accepted: 2, skipped: 4 });
  });
});
