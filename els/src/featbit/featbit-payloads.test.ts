import { describe, expect, it } from 'vitest';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import { flagToFeatBit } from './featbit-json.js';
import { serverFrameText, serverPayload, serverPush } from './featbit-payloads.js';

const snapshot = (): EnvironmentSnapshot =>
  new EnvironmentSnapshot(
    'env',
    {
      flags: [sampleFlag('f1', 'one', 10), sampleFlag('f2', 'two', 11)],
      segments: [sampleSegment('seg-1', 12, ['alice'])],
    },
    { tombstoneLimit: 10, floor: 100 },
  );

const keys = (text: string): string[] =>
  (JSON.parse(text) as { data: { featureFlags: { key: string }[] } }).data.featureFlags.map(
    (f) => f.key,
  );

describe('FeatBit server payloads', () => {
  it('shares one FULL (object and frame text) per version, and rebuilds it after a change', () => {
    const s = snapshot();
    const a = serverPayload(s, 0);
    const b = serverPayload(s, 42);
    expect(b).toBe(a);
    expect(serverFrameText(b)).toBe(serverFrameText(a));
    expect(a.featureFlags).toEqual([
      flagToFeatBit(sampleFlag('f1', 'one', 10), 'env'),
      flagToFeatBit(sampleFlag('f2', 'two', 11), 'env'),
    ]);
    expect(JSON.parse(serverFrameText(a))).toEqual({ messageType: 'data-sync', data: a });

    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined);
    const afterChange = serverPayload(s, 0);
    expect(afterChange).not.toBe(a);
    expect(afterChange.featureFlags[0]?.isEnabled).toBe(false);

    const deletion = s.applyFlag(300, undefined, { id: 'f2', key: 'two', version: 300 });
    expect(deletion).toBeDefined();
    // A deletion reaches FeatBit SDKs as a FULL without the deleted flag.
    const pushed = serverPush(deletion!, s);
    expect(pushed.eventType).toBe('full');
    expect(keys(serverFrameText(pushed))).toEqual(['one']);
    expect(serverPayload(s, 200)).toBe(pushed);
  });

  it('builds PATCHes per request, never from the shared FULL', () => {
    const s = snapshot();
    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined);
    const patch = serverPayload(s, 100);
    expect(patch.eventType).toBe('patch');
    expect(keys(serverFrameText(patch))).toEqual(['one']);
    expect(serverPayload(s, 100)).not.toBe(patch);
  });
});
