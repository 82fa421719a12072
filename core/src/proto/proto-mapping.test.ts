// The one proto mapping against what buf generated: every flag and segment of the golden vectors
// survives core → proto → wire → proto → core (for Node's and browsers' generated code alike)
// with nothing lost and the same evaluations, and the enum tables match the generated enums.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nodeEval from '@vane/gen/node/vane/model/v1/evaluation';
import * as nodeUser from '@vane/gen/node/vane/model/v1/end_user';
import * as nodeFlag from '@vane/gen/node/vane/model/v1/flag';
import * as nodeSegment from '@vane/gen/node/vane/model/v1/segment';
import * as webEval from '@vane/gen/web/vane/model/v1/evaluation';
import * as webFlag from '@vane/gen/web/vane/model/v1/flag';
import * as webSegment from '@vane/gen/web/vane/model/v1/segment';
import { compileEnvironment } from '../evaluation/environment.js';
import type { EvaluationResult } from '../evaluation/evaluation-result.js';
import type { EndUser } from '../model/end-user.js';
import type { FeatureFlag } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import {
  EVALUATION_REASON_KIND,
  VARIATION_TYPE,
  endUserFromProto,
  endUserToProto,
  evaluationToProto,
  flagFromProto,
  flagToProto,
  segmentFromProto,
  segmentToProto,
  variationTypeFromProto,
} from './index.js';

interface Suite {
  name: string;
  segments: Segment[];
  flags: FeatureFlag[];
  cases: { name: string; flagKey: string; user: EndUser }[];
}

const suites = (
  JSON.parse(readFileSync(new URL('../../vectors/v1.json', import.meta.url), 'utf8')) as {
    suites: Suite[];
  }
).suites;

/** A value without its defaults (empty text, empty lists, null, false, 0): what must survive. */
function meaningful(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(meaningful);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = meaningful(v);
      if (m !== undefined) out[k] = m;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === '' || value === null || value === false || value === 0 ? undefined : value;
}

/** Through the wire with Node's and with browsers' generated code; both must decode alike. */
function viaWire<N, W>(
  message: N,
  node: { encode(m: N): { finish(): Uint8Array }; decode(b: Uint8Array): N },
  web: { encode(m: W): { finish(): Uint8Array }; decode(b: Uint8Array): W },
): N {
  const fromNode = node.decode(node.encode(message).finish());
  const fromWeb = web.decode(web.encode(message as unknown as W).finish());
  expect(fromWeb).toEqual(fromNode);
  return fromNode;
}

/** What an evaluation served and why (a variation's name is display text, '' when absent). */
function served(r: EvaluationResult): unknown {
  return { ...r, variation: r.variation && { id: r.variation.id, value: r.variation.value } };
}

/**
 * Whether a case turns on a null that the proto cannot carry (its strings have no null: an absent
 * name or value is empty text, as the contract says): a null condition value or user name, which
 * only FeatBit's JSON can state.
 */
function nullOnly(suite: Suite, c: Suite['cases'][number]): boolean {
  const flag = suite.flags.find((f) => f.key === c.flagKey);
  const nullCondition = flag?.rules.some((r) => r.conditions.some((x) => x.value === null));
  const nullUser =
    c.user.name === null || (c.user.customizedProperties ?? []).some((p) => p.value === null);
  return nullCondition === true || nullUser;
}

const STAMPED = { createdAt: '2026-01-02T03:04:05.678Z', updatedAt: '2026-06-07T08:09:10.111Z' };

describe('the proto mapping (@vane/core/proto)', () => {
  it('covers every flag and segment of the golden vectors', () => {
    expect(suites.flatMap((s) => s.flags).length).toBeGreaterThan(100);
    expect(suites.flatMap((s) => s.segments).length).toBeGreaterThanOrEqual(4);
    // The few cases only FeatBit's JSON can state are named, not skipped silently.
    expect(suites.flatMap((s) => s.cases.filter((c) => nullOnly(s, c))).length).toBeLessThanOrEqual(
      3,
    );
  });

  for (const suite of suites) {
    it(`round-trips ${suite.name}: nothing lost, same evaluations`, () => {
      const flags = suite.flags.map((f, i) =>
        i % 2 === 0 ? { ...f, ...STAMPED, version: i + 1 } : f,
      );
      const segments = suite.segments.map((s) => ({ ...s, ...STAMPED, version: 7 }));
      const flagsBack = flags.map((f) => {
        const message = viaWire(flagToProto(f), nodeFlag.FeatureFlag, webFlag.FeatureFlag);
        const back = flagFromProto(message);
        expect(meaningful(back), f.key).toEqual(meaningful(f));
        // proto → core → proto is the identity on what was received.
        expect(flagToProto(back)).toEqual(message);
        return back;
      });
      const segmentsBack = segments.map((s) => {
        const message = viaWire(segmentToProto(s), nodeSegment.Segment, webSegment.Segment);
        const back = segmentFromProto(message);
        expect(meaningful(back), s.id).toEqual(meaningful(s));
        expect(segmentToProto(back)).toEqual(message);
        return back;
      });
      const before = compileEnvironment({ flags, segments });
      const after = compileEnvironment({ flags: flagsBack, segments: segmentsBack });
      for (const c of suite.cases) {
        if (nullOnly(suite, c)) continue;
        const user = endUserFromProto(
          nodeUser.EndUser.decode(nodeUser.EndUser.encode(endUserToProto(c.user)).finish()),
        );
        const expected = before.evaluate(c.flagKey, c.user);
        expect(served(after.evaluate(c.flagKey, user)), c.name).toEqual(served(expected));
        const flag = flags.find((f) => f.key === c.flagKey);
        const result = viaWire(
          evaluationToProto(c.flagKey, flag, expected),
          nodeEval.EvaluationResult,
          webEval.EvaluationResult,
        );
        expect(result).toMatchObject({
          flagKey: c.flagKey,
          variationId: expected.variation?.id ?? '',
          reason: expected.reason,
          sendToExperiment: expected.sendToExperiment,
        });
      }
    });
  }

  it('gives messages that both generated codes take as they are', () => {
    const flag = suites[0]!.flags[0]!;
    const forNode: nodeFlag.FeatureFlag = flagToProto(flag);
    const forWeb: webFlag.FeatureFlag = flagToProto(flag);
    expect(forWeb).toEqual(forNode);
  });

  it('numbers its enums as buf generated them, for Node and for browsers', () => {
    for (const generated of [nodeFlag.VariationType, webFlag.VariationType]) {
      expect(VARIATION_TYPE).toEqual({
        UNSPECIFIED: generated.VARIATION_TYPE_UNSPECIFIED,
        BOOLEAN: generated.VARIATION_TYPE_BOOLEAN,
        STRING: generated.VARIATION_TYPE_STRING,
        NUMBER: generated.VARIATION_TYPE_NUMBER,
        JSON: generated.VARIATION_TYPE_JSON,
      });
    }
    for (const generated of [nodeEval.EvaluationReasonKind, webEval.EvaluationReasonKind]) {
      const names = Object.keys(generated).filter((k) => k.startsWith('EVALUATION_REASON_KIND_'));
      expect(Object.keys(EVALUATION_REASON_KIND).map((k) => `EVALUATION_REASON_KIND_${k}`)).toEqual(
        expect.arrayContaining(names),
      );
      for (const [name, n] of Object.entries(EVALUATION_REASON_KIND)) {
        expect(generated[`EVALUATION_REASON_KIND_${name}` as keyof typeof generated]).toBe(n);
      }
    }
    expect(variationTypeFromProto(VARIATION_TYPE.UNSPECIFIED)).toBeUndefined();
    expect(variationTypeFromProto(99)).toBeUndefined();
  });

  it('answers a key the environment lacks with an error result of no type', () => {
    const env = compileEnvironment({ flags: [], segments: [] });
    const result = evaluationToProto('missing', undefined, env.evaluate('missing', { keyId: 'u' }));
    expect(result).toEqual({
      flagKey: 'missing',
      variationId: '',
      value: '',
      variationType: VARIATION_TYPE.UNSPECIFIED,
      reasonKind: EVALUATION_REASON_KIND.ERROR,
      reason: 'flag not found',
      sendToExperiment: false,
      version: 0,
    });
  });
});
