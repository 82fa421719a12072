// The behaviour every EnvironmentSource adapter must show; run by each adapter's test file. The
// fixtures are written the way the adapter's data is written in production: for the memory
// source by its `put*` methods, for the store-backed ones (`embedded/`) by a real api-server, so
// ids and versions are the writer's and the suite only compares what it was given back.
import { describe, expect, it } from 'vitest';
import type { EnvironmentSource, VersionedFlag, VersionedSegment } from './environment-source.js';

/** An environment the fixtures created, with one SDK secret of each kind. */
export interface FixtureEnvironment {
  readonly envId: string;
  readonly serverSecret: string;
  readonly clientSecret: string;
}

/** How a conformance run writes into the adapter's store; each write returns what was stored. */
export interface SourceFixtures {
  /** A new environment with a server and a client secret. */
  environment(): Promise<FixtureEnvironment>;
  /** A new boolean flag with this key, as stored (id and version are the writer's). */
  createFlag(envId: string, key: string): Promise<VersionedFlag>;
  /** Archives the flag; returns it as stored afterwards. */
  archiveFlag(envId: string, flag: VersionedFlag): Promise<VersionedFlag>;
  /** Deletes the flag (archiving it first, as the api-server requires); returns the delete's version. */
  deleteFlag(envId: string, flag: VersionedFlag): Promise<number>;
  /** A new segment with this key and these included users, as stored. */
  createSegment(envId: string, key: string, included: string[]): Promise<VersionedSegment>;
  /** Deletes the segment (archiving it first); returns the delete's version. */
  deleteSegment(envId: string, segment: VersionedSegment): Promise<number>;
  /** Lets the store forget every tombstone, as the api-server purges them once relayed. */
  purgeTombstones(): Promise<void>;
}

/** A fresh adapter with its fixture writer. */
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
  const byVersion = <T extends { version: number }>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => a.version - b.version);

  describe(`EnvironmentSource conformance: ${name}`, () => {
    it('resolves secrets to their environment and kind', async () => {
      const { source, fixtures } = await create();
      const env = await fixtures.environment();
      expect(await source.findSecret(env.serverSecret)).toEqual({
        envId: env.envId,
        kind: 'server',
      });
      expect(await source.findSecret(env.clientSecret)).toEqual({
        envId: env.envId,
        kind: 'client',
      });
      expect(await source.findSecret('nope')).toBeUndefined();
    });

    it('loads live flags and segments as stored, without tombstones or other envs', async () => {
      const { source, fixtures } = await create();
      const { envId } = await fixtures.environment();
      const other = await fixtures.environment();
      const one = await fixtures.createFlag(envId, 'one');
      const two = await fixtures.archiveFlag(envId, await fixtures.createFlag(envId, 'two'));
      await fixtures.deleteFlag(envId, await fixtures.createFlag(envId, 'gone'));
      await fixtures.createFlag(other.envId, 'other');
      const members = await fixtures.createSegment(envId, 'members', ['u1']);
      await fixtures.deleteSegment(envId, await fixtures.createSegment(envId, 'gone-seg', []));
      const contents = await source.loadEnvironment(envId);
      expect(byVersion(contents.flags)).toEqual([one, two]);
      expect(two).toMatchObject({ key: 'two', isArchived: true });
      expect(contents.segments).toEqual([members]);
      expect(members).toMatchObject({ key: 'members', included: ['u1'] });
    });

    it('reports changes after a version: newer items, tombstones and every live id', async () => {
      const { source, fixtures } = await create();
      const { envId } = await fixtures.environment();
      const other = await fixtures.environment();
      const old = await fixtures.createFlag(envId, 'old');
      const oldSegment = await fixtures.createSegment(envId, 'old-seg', []);
      const since = await fixtures.deleteFlag(
        envId,
        await fixtures.createFlag(envId, 'gone-long-ago'),
      );
      const fresh = await fixtures.createFlag(envId, 'new');
      const archived = await fixtures.archiveFlag(
        envId,
        await fixtures.createFlag(envId, 'archived'),
      );
      const gone = await fixtures.createFlag(envId, 'gone');
      const goneVersion = await fixtures.deleteFlag(envId, gone);
      await fixtures.createFlag(other.envId, 'other-env');
      const segment = await fixtures.createSegment(envId, 'new-seg', ['u']);
      const goneSegment = await fixtures.createSegment(envId, 'gone-seg', []);
      const goneSegmentVersion = await fixtures.deleteSegment(envId, goneSegment);

      const changes = await source.changesSince!(envId, since);
      expect(byVersion(changes.flags)).toEqual([fresh, archived]);
      expect(changes.segments).toEqual([segment]);
      expect(changes.deletedFlags).toEqual([{ id: gone.id, key: 'gone', version: goneVersion }]);
      expect(changes.deletedSegments).toEqual([
        { id: goneSegment.id, key: 'gone-seg', version: goneSegmentVersion },
      ]);
      expect([...changes.liveFlagIds].sort()).toEqual([old.id, fresh.id, archived.id].sort());
      expect([...changes.liveSegmentIds].sort()).toEqual([oldSegment.id, segment.id].sort());

      const none = await source.changesSince!(envId, goneSegmentVersion);
      expect([none.flags, none.segments, none.deletedFlags, none.deletedSegments]).toEqual([
        [],
        [],
        [],
        [],
      ]);
    });

    it('shows a purged deletion only as an id missing from the live ids', async () => {
      const { source, fixtures } = await create();
      const { envId } = await fixtures.environment();
      const kept = await fixtures.createFlag(envId, 'kept');
      const purged = await fixtures.createFlag(envId, 'purged');
      await fixtures.deleteFlag(envId, purged);
      await fixtures.purgeTombstones();
      const changes = await source.changesSince!(envId, 0);
      expect(changes.deletedFlags).toEqual([]);
      expect(changes.liveFlagIds).toEqual([kept.id]);
    });

    it('returns nothing for an unknown environment and answers ping', async () => {
      const { source } = await create();
      expect(await source.loadEnvironment('missing')).toEqual({ flags: [], segments: [] });
      await expect(source.ping()).resolves.toBeUndefined();
    });
  });
}
