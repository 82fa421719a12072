import { describe, expect, it } from 'vitest';
import { compileEnvironment, validateFlag, validateSegment } from '@vane/core';
import { featBitFullSync, generateEnvironment, userOf } from './environment-data.js';

describe('generateEnvironment', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateEnvironment('env', 50, 5, 7);
    expect(generateEnvironment('env', 50, 5, 7)).toEqual(a);
    expect(generateEnvironment('env', 50, 5, 8).flags[0]!.id).not.toBe(a.flags[0]!.id);
  });

  it('makes valid flags and segments, with rules, targets and every variation type', () => {
    const { flags, segments } = generateEnvironment('env', 300, 20);
    for (const s of segments) expect(validateSegment(s)).toEqual([]);
    for (const f of flags) expect(validateFlag(f, { segments, flags })).toEqual([]);
    expect(new Set(flags.map((f) => f.key)).size).toBe(300);
    expect(new Set(flags.map((f) => f.variationType))).toEqual(
      new Set(['boolean', 'string', 'number', 'json']),
    );
    expect(flags.filter((f) => f.rules.length > 0).length).toBeGreaterThan(60);
    expect(flags.some((f) => f.targetUsers.length > 0)).toBe(true);
    expect(
      flags.some((f) =>
        f.rules.some((r) => r.conditions.some((c) => c.property === 'User is in segment')),
      ),
    ).toBe(true);
  });

  it('evaluates for generated users', () => {
    const { flags, segments } = generateEnvironment('env', 100, 10);
    const env = compileEnvironment({ flags, segments });
    for (let i = 0; i < 20; i += 1) {
      expect(env.evaluate(flags[i]!.key, userOf(i)).variation).toBeDefined();
    }
  });
});

describe('featBitFullSync', () => {
  it("builds FeatBit's server data-sync FULL message with every flag and segment", () => {
    const { flags, segments } = generateEnvironment('env-x', 20, 3);
    const message = JSON.parse(featBitFullSync(flags, segments, 'env-x')) as {
      messageType: string;
      data: {
        eventType: string;
        featureFlags: Record<string, unknown>[];
        segments: Record<string, unknown>[];
      };
    };
    expect(message.messageType).toBe('data-sync');
    expect(message.data.eventType).toBe('full');
    expect(message.data.featureFlags).toHaveLength(20);
    expect(message.data.segments).toHaveLength(3);
    const first = message.data.featureFlags[0]!;
    expect(Object.keys(first)).toEqual([
      'envId',
      'name',
      'description',
      'key',
      'variationType',
      'variations',
      'targetUsers',
      'rules',
      'isEnabled',
      'disabledVariationId',
      'fallthrough',
      'exptIncludeAllTargets',
      'tags',
      'isArchived',
      'disabledVariation',
      'creatorId',
      'updatorId',
      'createdAt',
      'updatedAt',
      'id',
    ]);
    expect(first).toMatchObject({ key: flags[0]!.key, id: flags[0]!.id, envId: 'env-x' });
    expect(first['disabledVariation']).toEqual({
      id: flags[0]!.disabledVariationId,
      value: flags[0]!.variations.find((v) => v.id === flags[0]!.disabledVariationId)!.value,
    });
  });
});
