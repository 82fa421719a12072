import { describe, expect, it } from 'vitest';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { segmentFlag } from '../testing/els-fixture.js';
import { EnvironmentSnapshot } from './environment-snapshot.js';

const load = (tombstoneLimit = 10): EnvironmentSnapshot =>
  new EnvironmentSnapshot(
    'env',
    {
      flags: [
        sampleFlag('f1', 'one', 10),
        segmentFlag(11),
        { ...sampleFlag('f3', 'old', 12), isArchived: true },
      ],
      segments: [sampleSegment('seg-1', 13, ['alice'])],
    },
    { tombstoneLimit, floor: 100 },
  );

describe('EnvironmentSnapshot', () => {
  it('loaded from the cache: keeps its floor and tombstones, so a PATCH from the floor carries them', () => {
    const s = new EnvironmentSnapshot(
      'env',
      { flags: [sampleFlag('f1', 'one', 150)], segments: [] },
      {
        tombstoneLimit: 10,
        floor: 100,
        tombstones: [
          { type: 'flag', id: 'f2', key: 'gone', version: 120 },
          { type: 'segment', id: 's1', key: 'seg', version: 130 },
          // Older than the item held for the same id: ignored.
          { type: 'flag', id: 'f1', key: 'one', version: 90 },
        ],
      },
    );
    expect([s.floor, s.version, s.newestItemVersion]).toEqual([100, 150, 150]);
    const patch = s.definitionsSince(100);
    expect(patch.kind).toBe('patch');
    expect(patch.flags.map((f) => f.key)).toEqual(['one']);
    expect(patch.deletedFlags).toEqual([{ id: 'f2', key: 'gone', version: 120 }]);
    expect(patch.deletedSegments).toEqual([{ id: 's1', key: 'seg', version: 130 }]);
    expect(s.definitionsSince(125).deletedFlags).toEqual([]);
    expect(s.contents().tombstones.map((t) => t.id)).toEqual(['f2', 's1']);
  });

  it('starts at its floor, omits archived flags and patches only from the floor on', () => {
    const s = load();
    expect(s.version).toBe(100);
    expect(s.definitionsSince(0)).toMatchObject({ kind: 'full', version: 100 });
    expect(s.definitionsSince(0).flags.map((f) => f.key)).toEqual(['one', 'seg-gated']);
    expect(s.definitionsSince(99).kind).toBe('full');
    expect(s.definitionsSince(100)).toMatchObject({ kind: 'patch', flags: [], deletedFlags: [] });
    expect(s.definitionsSince(101).kind).toBe('full');
  });

  it('logs archived items as tombstones and answers newerThan whatever the floor', () => {
    const s = load();
    expect(s.newerThan(5)).toMatchObject({
      version: 100,
      deletedFlags: [{ id: 'f3', key: 'old', version: 12 }],
      deletedSegments: [],
    });
    expect(s.newerThan(5).flags.map((f) => f.key)).toEqual(['one', 'seg-gated']);
    expect(s.newerThan(11)).toMatchObject({ flags: [], segments: [{ id: 'seg-1' }] });
    expect(s.newerThan(13)).toMatchObject({ flags: [], segments: [], deletedFlags: [] });
    // A Vane PATCH still starts at the floor only.
    expect(s.definitionsSince(5).kind).toBe('full');
  });

  it('loaded from the cache: a tombstone newer than a loaded item removes the item', () => {
    const s = new EnvironmentSnapshot(
      'env',
      { flags: [sampleFlag('f1', 'one', 150), sampleFlag('f2', 'two', 110)], segments: [] },
      {
        tombstoneLimit: 10,
        floor: 100,
        tombstones: [{ type: 'flag', id: 'f2', key: 'two', version: 120 }],
      },
    );
    expect(s.definitionsSince(0).flags.map((f) => f.key)).toEqual(['one']);
    expect(s.compiled.getFlag('two')).toBeUndefined();
    expect(s.newerThan(100).deletedFlags).toEqual([{ id: 'f2', key: 'two', version: 120 }]);
  });

  it('applies only newer versions', () => {
    const s = load();
    expect(
      s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined),
    ).toBeDefined();
    expect(s.applyFlag(150, sampleFlag('f1', 'one', 150), undefined)).toBeUndefined();
    expect(s.applyFlag(200, sampleFlag('f1', 'one', 200), undefined)).toBeUndefined();
    expect(s.compiled.getFlag('one')?.isEnabled).toBe(false);
    expect(s.definitionsSince(100).flags.map((f) => f.version)).toEqual([200]);
  });

  it('turns archiving and deletion into tombstones and forgets them on re-creation', () => {
    const s = load();
    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isArchived: true }, undefined);
    expect(s.definitionsSince(100).deletedFlags).toEqual([{ id: 'f1', key: 'one', version: 200 }]);
    expect(s.compiled.getFlag('one')).toBeUndefined();
    s.applyFlag(300, sampleFlag('f1', 'one', 300), undefined);
    expect(s.definitionsSince(100)).toMatchObject({ deletedFlags: [], flags: [{ key: 'one' }] });
  });

  it('answers FULL to versions older than the oldest tombstone it still holds', () => {
    const s = load(1);
    s.applyFlag(200, undefined, { id: 'f1', key: 'one', version: 200 });
    s.applySegment(300, undefined, { id: 'seg-1', key: 'seg-1', version: 300 }, []);
    expect(s.definitionsSince(150).kind).toBe('full');
    expect(s.definitionsSince(200)).toMatchObject({
      kind: 'patch',
      deletedSegments: [{ id: 'seg-1' }],
    });
  });

  it('re-evaluates the flags that use a changed segment, and their dependents', () => {
    const s = new EnvironmentSnapshot(
      'env',
      {
        flags: [
          segmentFlag(11),
          {
            ...sampleFlag('f9', 'child', 12),
            prerequisites: [{ flagKey: 'seg-gated', variationId: 'on' }],
          },
          sampleFlag('f1', 'unrelated', 13),
        ],
        segments: [sampleSegment('seg-1', 14, ['alice'])],
      },
      { tombstoneLimit: 10, floor: 100 },
    );
    const change = s.applySegment(200, sampleSegment('seg-1', 200, ['bob']), undefined, []);
    expect(change?.affectedFlagKeys).toEqual(['seg-gated', 'child']);
    expect(s.compiled.evaluate('seg-gated', { keyId: 'bob' }).variation?.id).toBe('on');
    expect(s.flagKeysChangedSince(100)).toEqual(['seg-gated', 'child']);
  });
});
