import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EndUser } from '../model/end-user.js';
import type { FeatureFlag } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { rolloutOfKey } from './dispatch.js';
import { compileEnvironment } from './environment.js';

interface Vectors {
  format: string;
  version: number;
  dispatch: { key: string; percentage: number }[];
  suites: {
    name: string;
    tags: string[];
    segments: Segment[];
    flags: FeatureFlag[];
    cases: { name: string; flagKey: string; user: EndUser; expected: Record<string, unknown> }[];
  }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/v1.json', import.meta.url), 'utf8'),
) as Vectors;

describe('golden vectors v1', () => {
  it('is the expected format and holds at least 300 cases', () => {
    expect(vectors.format).toBe('vane-evaluation-vectors');
    expect(vectors.version).toBe(1);
    expect(vectors.suites.reduce((n, s) => n + s.cases.length, 0)).toBeGreaterThanOrEqual(300);
  });

  it('dispatch percentages', () => {
    // An empty or missing list must fail, not pass with nothing checked.
    expect(vectors.dispatch.length).toBeGreaterThanOrEqual(10);
    for (const d of vectors.dispatch) expect(rolloutOfKey(d.key), d.key).toBe(d.percentage);
  });

  for (const suite of vectors.suites) {
    it(`${suite.name} [${suite.tags.join(', ')}]`, () => {
      expect(suite.cases.length, 'a suite without cases checks nothing').toBeGreaterThan(0);
      const env = compileEnvironment({ flags: suite.flags, segments: suite.segments });
      for (const c of suite.cases) {
        const r = env.evaluate(c.flagKey, c.user);
        const actual: Record<string, unknown> = {
          variationId: r.variation?.id ?? null,
          value: r.variation?.value ?? null,
          reason: r.reason,
          kind: r.kind,
          sendToExperiment: r.sendToExperiment,
        };
        if (r.error) actual.errorCode = r.error.code;
        expect(actual, c.name).toEqual(c.expected);
      }
    });
  }
});
