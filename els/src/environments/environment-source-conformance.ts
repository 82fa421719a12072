// The behaviour every EnvironmentSource adapter must show; run by each adapter's test file.
import { describe, expect, it } from 'vitest';
import type {
  EnvironmentSource,
  SecretKind,
  VersionedFlag,
  VersionedSegment,
} from './environment-source.js';

/** How a conformance run writes fixtures into the adapter's store, in the api-server's shapes. */
export interface SourceFixtures {
  secret(envId: string, secret: string, kind: SecretKind): Promise<void>;
  flag(envId: string, flag: VersionedFlag, options?: { deleted?: boolean }): Promise<void>;
  segment(envId: string, segment: VersionedSegment, options?: { deleted?: boolean }): Promise<void>;
}

/** A fresh, empty adapter with its fixture writer. */
export interface SourceUnderTest {
  readonly source: EnvironmentSource;
  readonly fixtures: SourceFixtures;
}

/** A minimal valid flag for fixtures. */
export function sampleFlag(id: string, key: string, version: number): VersionedFlag {
  return {
    id,
    key,
    name: key,
    variationType: 'boolean',
    variations: [
      { id: 'on', name: 'on', value: 'true' },
      { id: 'off', name: 'off', value: 'false' },
    ],
    isEnabled: true,
    disabledVariationId: 'off',
    targetUsers: [],
    rules: [],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
    },
    exptIncludeAllTargets: true,
    isArchived: false,
    version,
  };
}

/** A minimal segment for fixtures. */
export function sampleSegment(
  id: string,
  version: number,
  included: string[] = [],
): VersionedSegment {
  return { id, key: id, name: id, included, excluded: [], rules: [], isArchived: false, version };
}

/** Registers the conformance tests for one adapter. */
export function describeEnvironmentSource(
  name: string,
  create: () => Promise<SourceUnderTest>,
): void {
  describe(`EnvironmentSource conformance: ${name}`, () => {
    it('resolves secrets to their environment and kind', async () => {
      const { source, fixtures } = await create();
      await fixtures.secret('env-a', 'server-secret-a', 'server');
      await fixtures.secret('env-a', 'client-secret-a', 'client');
      expect(await source.findSecret('server-secret-a')).toEqual({
        envId: 'env-a',
        kind: 'server',
      });
      expect(await source.findSecret('client-secret-a')).toEqual({
        envId: 'env-a',
        kind: 'client',
      });
      expect(await source.findSecret('nope')).toBeUndefined();
    });

    it('loads live flags and segments with versions, without tombstones or other envs', async () => {
      const { source, fixtures } = await create();
      await fixtures.flag('env-b', sampleFlag('f1', 'one', 10));
      await fixtures.flag('env-b', { ...sampleFlag('f2', 'two', 11), isArchived: true });
      await fixtures.flag('env-b', sampleFlag('f3', 'gone', 12), { deleted: true });
      await fixtures.flag('env-c', sampleFlag('f4', 'other', 13));
      await fixtures.segment('env-b', sampleSegment('s1', 14, ['u1']));
      await fixtures.segment('env-b', sampleSegment('s2', 15), { deleted: true });
      const contents = await source.loadEnvironment('env-b');
      const flags = [...contents.flags].sort((a, b) => a.version - b.version);
      expect(flags.map((f) => [f.id, f.key, f.version, f.isArchived])).toEqual([
        ['f1', 'one', 10, false],
        ['f2', 'two', 11, true],
      ]);
      expect(flags[0]).toMatchObject({ variations: sampleFlag('f1', 'one', 10).variations });
      expect(contents.segments.map((s) => [s.id, s.version, s.included])).toEqual([
        ['s1', 14, ['u1']],
      ]);
    });

    it('reports changes after a version: newer items, tombstones and every live id', async () => {
      const { source, fixtures } = await create();
      await fixtures.flag('env-d', sampleFlag('f1', 'old', 10));
      await fixtures.flag('env-d', sampleFlag('f2', 'new', 20));
      await fixtures.flag('env-d', { ...sampleFlag('f3', 'archived', 21), isArchived: true });
      await fixtures.flag('env-d', sampleFlag('f4', 'gone', 22), { deleted: true });
      await fixtures.flag('env-d', sampleFlag('f5', 'gone-long-ago', 5), { deleted: true });
      await fixtures.flag('env-e', sampleFlag('f6', 'other-env', 30));
      await fixtures.segment('env-d', sampleSegment('s1', 9));
      await fixtures.segment('env-d', sampleSegment('s2', 23, ['u']));
      await fixtures.segment('env-d', sampleSegment('s3', 24), { deleted: true });
      const changes = await source.changesSince!('env-d', 10);
      expect(changes.flags.map((f) => [f.id, f.version, f.isArchived]).sort()).toEqual([
        ['f2', 20, false],
        ['f3', 21, true],
      ]);
      expect(changes.segments.map((s) => [s.id, s.version, s.included])).toEqual([
        ['s2', 23, ['u']],
      ]);
      expect(changes.deletedFlags).toEqual([{ id: 'f4', key: 'gone', version: 22 }]);
      expect(changes.deletedSegments).toEqual([{ id: 's3', key: 's3', version: 24 }]);
      expect([...changes.liveFlagIds].sort()).toEqual(['f1', 'f2', 'f3']);
      expect([...changes.liveSegmentIds].sort()).toEqual(['s1', 's2']);
      const none = await source.changesSince!('env-d', 24);
      expect([none.flags, none.segments, none.deletedFlags, none.deletedSegments]).toEqual([
        [],
        [],
        [],
        [],
      ]);
    });

    it('returns nothing for an unknown environment and answers ping', async () => {
      const { source } = await create();
      expect(await source.loadEnvironment('missing')).toEqual({ flags: [], segments: [] });
      await expect(source.ping()).resolves.toBeUndefined();
    });
  });
}
