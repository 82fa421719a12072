// EvaluateFeatureFlags through a real gRPC client: unknown keys are skipped and results come
// ordered by flag key, as the contract says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFeatureFlagRequest,
  EvaluateFeatureFlagsRequest,
} from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { startMemoryApi } from './testing/memory-api.js';
import type { MemoryApi } from './testing/memory-api.js';

let api: MemoryApi;

beforeAll(async () => {
  api = await startMemoryApi();
  for (const key of ['beta', 'alpha']) {
    await api.owner.flags.createFeatureFlag(
      CreateFeatureFlagRequest.fromPartial({
        envId: api.envId,
        flag: {
          key,
          name: key,
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
          variations: [
            { id: 'on', name: 'on', value: 'true' },
            { id: 'off', name: 'off', value: 'false' },
          ],
        },
      }),
    );
  }
});

afterAll(async () => {
  await api?.close();
});

describe('EvaluateFeatureFlags', () => {
  it('skips unknown keys and orders the results by key', async () => {
    const { results } = await api.owner.flags.evaluateFeatureFlags(
      EvaluateFeatureFlagsRequest.fromPartial({
        envId: api.envId,
        user: { keyId: 'u1' },
        keys: ['nope', 'beta', 'alpha', 'beta'],
      }),
    );
    expect(results.map((r) => [r.flagKey, r.value])).toEqual([
      ['alpha', 'false'],
      ['beta', 'false'],
    ]);
  });

  it('evaluates every active flag, ordered by key, when no key is named', async () => {
    const { results } = await api.owner.flags.evaluateFeatureFlags(
      EvaluateFeatureFlagsRequest.fromPartial({ envId: api.envId, user: { keyId: 'u1' } }),
    );
    expect(results.map((r) => r.flagKey)).toEqual(['alpha', 'beta']);
  });

  it('returns nothing when only unknown keys are named', async () => {
    const { results } = await api.owner.flags.evaluateFeatureFlags(
      EvaluateFeatureFlagsRequest.fromPartial({
        envId: api.envId,
        user: { keyId: 'u1' },
        keys: ['x'],
      }),
    );
    expect(results).toEqual([]);
  });
});
