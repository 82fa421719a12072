import { describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import { endUserFromProto } from '@vane/core/proto';
import { boolFlag } from '../testing/els-harness.js';
import { toEndUser } from './users.js';

describe('toEndUser', () => {
  it('reads an empty name as no name, as ELS reads the wire user', () => {
    const flag = {
      ...boolFlag('named', 1),
      rules: [
        {
          id: 'r',
          name: 'not bob',
          includedInExpt: false,
          conditions: [{ property: 'name', op: 'NotEqual', value: 'bob' }],
          variations: [{ id: 'on', rollout: [0, 1] as const, exptRollout: 1 }],
        },
      ],
    };
    const env = compileEnvironment({ flags: [flag] });
    const local = env.evaluate('named', toEndUser({ keyId: 'u', name: '' }));
    const wire = env.evaluate(
      'named',
      endUserFromProto({ keyId: 'u', name: '', customProperties: [] }),
    );
    expect(local).toEqual(wire);
    expect(local.kind).not.toBe('rule');
    expect(env.evaluate('named', toEndUser({ keyId: 'u', name: 'ann' })).kind).toBe('rule');
  });
});
