// The round trip: a generated FeatBit environment (520 flags, 60 segments) is evaluated for 10,000
// users × 104 sampled flags by FeatBit's own Node SDK (offline, bootstrapped from the latest-all
// JSON, through its public `stringVariationDetail`), imported into
// Vane over gRPC, read back through the admin API and evaluated by core for the same users (and,
// for a sample, by the API's EvaluateFeatureFlags). Every pair must agree.
import { FbClientBuilder } from '@featbit/node-server-sdk';
import type { IFbClient } from '@featbit/node-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import type { Condition, FeatureFlag, RolloutVariation, Segment, VariationType } from '@vane/core';
import { EvaluateFeatureFlagsRequest } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ListFeatureFlagsRequest } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ListSegmentsRequest } from '@vane/gen/node/vane/admin/v1/segment_service';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import type {
  FeatureFlag as ProtoFlag,
  RolloutVariation as ProtoRollout,
} from '@vane/gen/node/vane/model/v1/flag';
import type { Segment as ProtoSegment } from '@vane/gen/node/vane/model/v1/segment';
import type { Condition as ProtoCondition } from '@vane/gen/node/vane/model/v1/targeting';
import { generateFeatBitEnvironment } from '../testing/featbit-environment-generator.js';
import { startApiFixture } from '../testing/api-fixture.js';
import type { ApiFixture } from '../testing/api-fixture.js';

const FLAGS = 520;
const SEGMENTS = 60;
const USERS = 10_000;
const API_USERS = 20;

let fx: ApiFixture;
let envId: string;

beforeAll(async () => {
  fx = await startApiFixture();
  const { project } = await fx.owner.projects.createProject({
    key: 'roundtrip',
    name: 'Round trip',
    description: '',
  });
  const { environment } = await fx.owner.environments.createEnvironment({
    projectId: project!.id,
    key: 'prod',
    name: 'Prod',
    description: '',
  });
  envId = environment!.id;
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

const TYPES: Record<number, VariationType> = { 1: 'boolean', 2: 'string', 3: 'number', 4: 'json' };
const conditions = (cs: readonly ProtoCondition[]): Condition[] =>
  cs.map((c) => ({ id: c.id, property: c.property, op: c.op || null, value: c.value }));
const rollout = (rs: readonly ProtoRollout[]): RolloutVariation[] =>
  rs.map((r) => ({
    id: r.variationId,
    rollout: [r.rolloutStart, r.rolloutEnd],
    exptRollout: r.exptRollout,
  }));

function coreFlag(f: ProtoFlag): FeatureFlag {
  return {
    id: f.id,
    key: f.key,
    variationType: TYPES[f.variationType]!,
    variations: f.variations,
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers,
    rules: f.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey || null,
      includedInExpt: r.includedInExpt,
      conditions: conditions(r.conditions),
      variations: rollout(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough!.dispatchKey || null,
      includedInExpt: f.fallthrough!.includedInExpt,
      variations: rollout(f.fallthrough!.variations),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived,
  };
}

function coreSegment(s: ProtoSegment): Segment {
  return {
    id: s.id,
    key: s.key,
    included: s.included,
    excluded: s.excluded,
    rules: s.rules.map((r) => ({ id: r.id, name: r.name, conditions: conditions(r.conditions) })),
    isArchived: s.isArchived,
  };
}

/** Every user is evaluated for one flag in five (104 of 520), so each flag meets 2,000 users. */
const sampled = (user: number, flag: number): boolean => (user + flag) % 5 === 0;
const NO_VALUE = '\u0000caller default';

const KINDS: Record<string, string> = {
  Off: 'off',
  TargetMatch: 'targeted',
  RuleMatch: 'rule',
  FallThrough: 'fallthrough',
  Error: 'error',
};

describe('FeatBit → Vane round trip', () => {
  it('evaluates identically in FeatBit’s Node SDK and in Vane after the import', async () => {
    const genStarted = performance.now();
    const gen = generateFeatBitEnvironment(FLAGS, SEGMENTS, USERS);
    console.log(`generated in ${Math.round(performance.now() - genStarted)} ms`);
    const ops = new Set(
      [...gen.flags.flatMap((f) => f.rules), ...gen.segments.flatMap((s) => s.rules)].flatMap((r) =>
        r.conditions.map((c) => c.op || c.property),
      ),
    );
    expect(ops.size).toBeGreaterThanOrEqual(16);

    // 1. FeatBit's Node SDK, offline, bootstrapped from the JSON document.
    const fb: IFbClient = new FbClientBuilder()
      .offline(true)
      .useJsonBootstrapProvider(gen.json)
      .build();
    await fb.waitForInitialization();
    const fbStarted = performance.now();
    const featbit = new Map<string, Map<string, { kind: string; value: string | undefined }>>();
    for (const [u, user] of gen.users.entries()) {
      const results = new Map<string, { kind: string; value: string | undefined }>();
      for (const [f, flag] of gen.flags.entries()) {
        if (!sampled(u, f)) continue;
        const d = await fb.stringVariationDetail(flag.key, user, NO_VALUE);
        results.set(flag.key, { kind: KINDS[d.kind] ?? d.kind, value: d.value });
      }
      featbit.set(user.key, results);
    }
    await fb.close();
    const featbitMs = Math.round(performance.now() - fbStarted);

    // 2. Import into Vane over gRPC.
    const started = performance.now();
    const res = await fx.owner.featbitImport.importFeatBitEnvironment({
      envId,
      document: gen.json,
      dryRun: false,
      skipInvalid: false,
      serverSecrets: [],
      clientSecrets: [],
      comment: '',
    });
    const importMs = Math.round(performance.now() - started);
    expect(res.flags).toEqual({ created: FLAGS, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.segments).toEqual({ created: SEGMENTS, updated: 0, unchanged: 0, skipped: 0 });

    // 3. Read everything back through the API and evaluate with core.
    const page = { pageSize: 500, pageToken: '' };
    const protoFlags: ProtoFlag[] = [];
    for (;;) {
      const r = await fx.owner.flags.listFeatureFlags(
        ListFeatureFlagsRequest.fromPartial({
          envId,
          page,
          archived: ArchivedFilter.ARCHIVED_FILTER_ALL,
        }),
      );
      protoFlags.push(...r.flags);
      if (!r.page?.nextPageToken) break;
      page.pageToken = r.page.nextPageToken;
    }
    const { segments: protoSegments } = await fx.owner.segments.listSegments(
      ListSegmentsRequest.fromPartial({
        envId,
        page: { pageSize: 500, pageToken: '' },
        archived: ArchivedFilter.ARCHIVED_FILTER_ALL,
      }),
    );
    expect(protoFlags).toHaveLength(FLAGS);
    expect(protoSegments).toHaveLength(SEGMENTS);
    const env = compileEnvironment({
      flags: protoFlags.map(coreFlag),
      segments: protoSegments.map(coreSegment),
    });

    const vaneStarted = performance.now();
    let compared = 0;
    let archived = 0;
    const differences: string[] = [];
    const kinds = new Map<string, number>();
    for (const [u, user] of gen.users.entries()) {
      const expected = featbit.get(user.key)!;
      const vaneUser = {
        keyId: user.key,
        name: user.name,
        customizedProperties: user.customizedProperties,
      };
      for (const [f, flag] of gen.flags.entries()) {
        if (!sampled(u, f)) continue;
        const want = expected.get(flag.key)!;
        const got = env.evaluate(flag.key, vaneUser);
        if (flag.isArchived) {
          // The Node SDK ignores `isArchived`; Vane serves no variation (documented difference).
          archived += 1;
          if (got.kind !== 'archived') differences.push(`${flag.key}/${user.key}: not archived`);
          continue;
        }
        compared += 1;
        kinds.set(got.kind, (kinds.get(got.kind) ?? 0) + 1);
        if (got.kind !== want.kind || got.variation?.value !== want.value) {
          differences.push(
            `${flag.key}/${user.key}: featbit ${want.kind} ${want.value}, vane ${got.kind} ${got.variation?.value}`,
          );
        }
      }
    }

    const vaneMs = Math.round(performance.now() - vaneStarted);

    // 4. The API's own evaluation, for a sample of users (each call reads the environment).
    const apiStarted = performance.now();
    let apiCompared = 0;
    for (const user of gen.users.slice(0, API_USERS)) {
      const { results } = await fx.owner.flags.evaluateFeatureFlags(
        EvaluateFeatureFlagsRequest.fromPartial({
          envId,
          user: {
            keyId: user.key,
            name: user.name,
            customProperties: user.customizedProperties,
          },
        }),
      );
      const expected = featbit.get(user.key)!;
      for (const r of results) {
        const want = expected.get(r.flagKey);
        if (!want) continue;
        apiCompared += 1;
        if (r.value !== want.value) {
          differences.push(`api ${r.flagKey}/${user.key}: featbit ${want.value}, vane ${r.value}`);
        }
      }
    }

    const apiMs = Math.round(performance.now() - apiStarted);
    console.log(
      `round trip: ${FLAGS} flags, ${SEGMENTS} segments, ${USERS} users; import ${importMs} ms, FeatBit SDK ${featbitMs} ms, Vane ${vaneMs} ms, API ${apiMs} ms; ` +
        `${compared} pairs compared (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}), ` +
        `${archived} archived pairs, ${apiCompared} pairs via EvaluateFeatureFlags, ` +
        `${differences.length} differences`,
    );
    expect(differences.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(900_000);

    // 5. A second import changes nothing.
    const againStarted = performance.now();
    const again = await fx.owner.featbitImport.importFeatBitEnvironment({
      envId,
      document: gen.json,
      dryRun: false,
      skipInvalid: false,
      serverSecrets: [],
      clientSecrets: [],
      comment: '',
    });
    expect(again.flags).toEqual({ created: 0, updated: 0, unchanged: FLAGS, skipped: 0 });
    expect(again.segments).toEqual({ created: 0, updated: 0, unchanged: SEGMENTS, skipped: 0 });
    console.log(
      `second import (all unchanged): ${Math.round(performance.now() - againStarted)} ms`,
    );
  }, 600_000);
});
