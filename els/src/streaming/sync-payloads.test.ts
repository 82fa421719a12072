import { describe, expect, it } from 'vitest';
import { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import { definitionsFrame, fullDefinitionsBytes } from './sync-payloads.js';

const snapshot = (): EnvironmentSnapshot =>
  new EnvironmentSnapshot(
    'env',
    {
      flags: [sampleFlag('f1', 'one', 10), sampleFlag('f2', 'two', 11)],
      segments: [sampleSegment('seg-1', 12, ['alice'])],
    },
    { tombstoneLimit: 10, floor: 100 },
  );

// What the uncached path sends for a FULL from `since`.
const uncached = (s: EnvironmentSnapshot, since: number, requestId: number): ServerFrame => {
  const view = s.definitionsSince(since);
  return definitionsFrame(requestId, view.kind, view.version, view);
};

describe('fullDefinitionsBytes', () => {
  it('decodes to the same frame as the uncached FULL, for any request id', () => {
    const s = snapshot();
    for (const requestId of [0, 1, 127, 128, 300_000, 4_294_967_295]) {
      const decoded = ServerFrame.decode(fullDefinitionsBytes(s, 0, requestId));
      expect(decoded).toEqual(
        ServerFrame.decode(ServerFrame.encode(uncached(s, 0, requestId)).finish()),
      );
    }
  });

  it('encodes once per version and follows every change', () => {
    const s = snapshot();
    const first = ServerFrame.decode(fullDefinitionsBytes(s, 0, 7));
    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined);
    const second = ServerFrame.decode(fullDefinitionsBytes(s, 0, 8));
    expect(first.kind?.$case === 'sync' && first.kind.value.version).toBe(100);
    expect(second).toEqual(ServerFrame.decode(ServerFrame.encode(uncached(s, 0, 8)).finish()));
    s.applyFlag(300, undefined, { id: 'f2', key: 'two', version: 300 });
    const third = ServerFrame.decode(fullDefinitionsBytes(s, 0, 9));
    expect(third.kind?.$case === 'sync' && third.kind.value.version).toBe(300);
    const payload = third.kind?.$case === 'sync' ? third.kind.value.payload : undefined;
    expect(payload?.$case === 'definitions' && payload.value.flags.map((f) => f.key)).toEqual([
      'one',
    ]);
  });

  it('refuses to serve a cached FULL where the snapshot can patch', () => {
    expect(() => fullDefinitionsBytes(snapshot(), 100, 1)).toThrow(/not a FULL/);
  });
});
