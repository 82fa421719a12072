// Shared building blocks of the golden-vector generator: the file's types, a reference
// dispatch computed with node:crypto (never the engine under test), and suite helpers.
import { createHash } from 'node:crypto';
import type { EndUser } from '../model/end-user.js';
import type { FeatureFlag } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';

export interface Expected {
  variationId: string | null;
  value: string | null;
  reason: string;
  kind: string;
  sendToExperiment: boolean;
  errorCode?: string;
}
export interface Case {
  name: string;
  flagKey: string;
  user: EndUser;
  expected: Expected;
}
export interface Suite {
  name: string;
  tags: string[];
  segments: Segment[];
  flags: FeatureFlag[];
  cases: Case[];
}

export const suites: Suite[] = [];
export const pct = (key: string): number =>
  Math.abs(createHash('md5').update(key, 'utf8').digest().readInt32LE(0) / -2147483648);
export const inRollout = (key: string, [min, max]: readonly [number, number]): boolean =>
  min === 0 && 1 - max < 1e-5
    ? true
    : min === 0 && max === 0
      ? false
      : pct(key) >= min && pct(key) <= max;
export const VALUES: Record<string, string> = { on: 'true', off: 'false', a: 'A', b: 'B', c: 'C' };
export const ok = (
  id: string,
  reason: string,
  kind: string,
  sendToExperiment = false,
): Expected => ({
  variationId: id,
  value: VALUES[id]!,
  reason,
  kind,
  sendToExperiment,
});
export const ON = ok('on', 'match', 'rule');
export const DEFAULT = ok('off', 'default', 'fallthrough');
export const malformed: Expected = {
  variationId: null,
  value: null,
  reason: 'malformed flag',
  kind: 'error',
  sendToExperiment: false,
  errorCode: 'MALFORMED_FLAG',
};

export function suite(name: string, tags: string[], segments: Segment[] = []): Suite {
  const s: Suite = { name, tags, segments, flags: [], cases: [] };
  suites.push(s);
  return s;
}
export function addFlag(s: Suite, f: FeatureFlag): string {
  if (!s.flags.some((x) => x.key === f.key)) s.flags.push(f);
  return f.key;
}
