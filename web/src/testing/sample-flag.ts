// A flag with a rule (segment + attribute condition, 30/70 rollout) for unit tests.
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';

/** A boolean flag `checkout` with one rule and a fallthrough serving `on`. */
export function sampleFlag(): FeatureFlag {
  return {
    id: 'f1',
    envId: 'e1',
    key: 'checkout',
    name: 'New checkout',
    description: 'the new flow',
    tags: ['web'],
    variationType: VariationType.VARIATION_TYPE_BOOLEAN,
    variations: [
      { id: 'on', name: 'On', value: 'true' },
      { id: 'off', name: 'Off', value: 'false' },
    ],
    isEnabled: true,
    disabledVariationId: 'off',
    targetUsers: [{ keyIds: ['alice'], variationId: 'on' }],
    rules: [
      {
        id: 'r1',
        name: 'Beta',
        dispatchKey: '',
        includedInExpt: true,
        conditions: [
          { id: 'c1', property: 'User is in segment', op: '', value: '["s1"]' },
          { id: 'c2', property: 'country', op: 'IsOneOf', value: '["NL","BE"]' },
        ],
        variations: [
          { variationId: 'on', rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
          { variationId: 'off', rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 1 },
        ],
      },
    ],
    fallthrough: {
      dispatchKey: '',
      includedInExpt: true,
      variations: [{ variationId: 'on', rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
    },
    exptIncludeAllTargets: true,
    isArchived: false,
    prerequisites: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
    creatorId: 't',
    updaterId: 't',
    revision: 4,
    version: 1000,
  };
}
