// The write rules of the contract through a real gRPC client on a real api-server (FerretDB and
// Kafka): an Update names what it changes (empty mask = INVALID_ARGUMENT), only archived flags
// are deleted, a flag that others depend on is not archived, and an archived flag is read-only.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '@vane/gen/node/vane/admin/v1/environment_service';
import { Experiment } from '@vane/gen/node/vane/admin/v1/experiment_service';
import { Metric } from '@vane/gen/node/vane/admin/v1/metric_service';
import { Project } from '@vane/gen/node/vane/admin/v1/project_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import { Segment } from '@vane/gen/node/vane/model/v1/segment';
import { grpcError, startApiFixture } from '../testing/api-fixture.js';
import type { AdminClients, ApiFixture } from '../testing/api-fixture.js';

let fx: ApiFixture;
let api: AdminClients;
let projectId: string;
let envId: string;

beforeAll(async () => {
  fx = await startApiFixture();
  api = fx.owner;
  const { project } = await api.projects.createProject({
    key: 'rules',
    name: 'Rules',
    description: 'kept',
  });
  projectId = project!.id;
  const { environment } = await api.environments.createEnvironment({
    projectId,
    key: 'prod',
    name: 'Production',
    description: 'kept',
  });
  envId = environment!.id;
});

afterAll(async () => {
  await fx?.close();
});

/** Creates a boolean flag `key` (variations On, Off) and returns it. */
async function booleanFlag(key: string, partial: Partial<FeatureFlag> = {}): Promise<FeatureFlag> {
  const { flag } = await api.flags.createFeatureFlag({
    envId,
    flag: FeatureFlag.fromPartial({
      key,
      name: key,
      variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      ...partial,
    }),
    comment: '',
  });
  return flag!;
}

const flagOf = async (key: string) => (await api.flags.getFeatureFlag({ envId, key })).flag!;
const toggle = (key: string, enabled: boolean) =>
  api.flags.toggleFeatureFlag({ envId, key, enabled, expectedRevision: 0, comment: '' });
const archive = (key: string) =>
  api.flags.archiveFeatureFlag({ envId, key, expectedRevision: 0, comment: '' });

/** Expects a FAILED_PRECONDITION with `reason` about flag `key`. */
async function expectRefused(
  call: Promise<unknown>,
  reason: ErrorReason,
  key: string,
  referencedBy?: string,
) {
  const err = await grpcError(call);
  expect(err.code).toBe(status.FAILED_PRECONDITION);
  expect(err.info?.reason).toBe(reason);
  expect(err.info?.resourceId).toBe(key);
  if (referencedBy !== undefined) {
    expect(err.info?.metadata).toEqual({ referenced_by: referencedBy });
    expect(err.message).toContain(referencedBy);
  }
}

describe('Update* without update_mask', () => {
  const missing = {
    field: 'update_mask',
    description: expect.stringMatching(/is required/) as string,
  };

  it('is INVALID_ARGUMENT on update_mask for a flag, and keeps every field', async () => {
    const created = await booleanFlag('keep-me', {
      description: 'the description',
      tags: ['checkout'],
    });
    const [on, off] = created.variations;
    await api.flags.updateFeatureFlag({
      envId,
      key: 'keep-me',
      flag: FeatureFlag.fromPartial({
        targetUsers: [{ keyIds: ['ann'], variationId: on!.id }],
        rules: [
          {
            name: 'pro users',
            conditions: [{ property: 'plan', op: 'Equal', value: 'pro' }],
            variations: [{ variationId: off!.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
          },
        ],
      }),
      updateMask: ['target_users', 'rules'],
      expectedRevision: 0,
      comment: '',
    });
    const before = await flagOf('keep-me');
    for (const updateMask of [undefined, []]) {
      const err = await grpcError(
        api.flags.updateFeatureFlag({
          envId,
          key: 'keep-me',
          flag: FeatureFlag.fromPartial({ name: 'Renamed' }),
          updateMask,
          expectedRevision: 0,
          comment: '',
        }),
      );
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
      expect(err.info?.fieldViolations).toEqual([missing]);
    }
    const after = await flagOf('keep-me');
    expect(after).toEqual(before);
    expect(after.description).toBe('the description');
    expect(after.tags).toEqual(['checkout']);
    expect(after.targetUsers).toHaveLength(1);
    expect(after.rules).toHaveLength(1);
  });

  it('is INVALID_ARGUMENT on update_mask for segments, environments, projects and metrics', async () => {
    await api.segments.createSegment({
      envId,
      segment: Segment.fromPartial({ key: 'vips', name: 'VIPs', included: ['ann'] }),
      comment: '',
    });
    const { metric } = await api.metrics.createMetric({
      envId,
      metric: Metric.fromPartial({
        name: 'Kept metric',
        description: 'kept',
        eventName: 'paid',
        type: MetricType.METRIC_TYPE_CONVERSION,
        successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      }),
    });
    const calls: [string, () => Promise<unknown>][] = [
      [
        'segment',
        () =>
          api.segments.updateSegment({
            envId,
            key: 'vips',
            segment: Segment.fromPartial({ name: 'x' }),
            updateMask: [],
            expectedRevision: 0,
            comment: '',
          }),
      ],
      [
        'environment',
        () =>
          api.environments.updateEnvironment({
            id: envId,
            environment: Environment.fromPartial({ name: 'x' }),
            updateMask: undefined,
            expectedRevision: 0,
          }),
      ],
      [
        'project',
        () =>
          api.projects.updateProject({
            id: projectId,
            project: Project.fromPartial({ name: 'x' }),
            updateMask: [],
            expectedRevision: 0,
          }),
      ],
      [
        'metric',
        () =>
          api.metrics.updateMetric({
            id: metric!.id,
            metric: Metric.fromPartial({ name: 'x' }),
            updateMask: undefined,
            expectedRevision: 0,
          }),
      ],
    ];
    for (const [what, call] of calls) {
      const err = await grpcError(call());
      expect({ what, code: err.code, violations: err.info?.fieldViolations }).toEqual({
        what,
        code: status.INVALID_ARGUMENT,
        violations: [missing],
      });
    }
    const { segment } = await api.segments.getSegment({ envId, key: 'vips' });
    expect(segment).toMatchObject({ name: 'VIPs', included: ['ann'], revision: 1 });
    const { environment } = await api.environments.getEnvironment({ id: envId });
    expect(environment).toMatchObject({ name: 'Production', description: 'kept' });
    const { project } = await api.projects.getProject({ id: projectId });
    expect(project).toMatchObject({ name: 'Rules', description: 'kept' });
    const { metric: stored } = await api.metrics.getMetric({ id: metric!.id });
    expect(stored).toMatchObject({ name: 'Kept metric', description: 'kept', eventName: 'paid' });
  });

  it('still accepts `*` for every editable field and names an unknown path', async () => {
    const { project } = await api.projects.updateProject({
      id: projectId,
      project: Project.fromPartial({ name: 'Rules v2', description: '' }),
      updateMask: ['*'],
      expectedRevision: 0,
    });
    expect(project).toMatchObject({ name: 'Rules v2', description: '' });
    const err = await grpcError(
      api.environments.updateEnvironment({
        id: envId,
        environment: Environment.fromPartial({ key: 'other' }),
        updateMask: ['key'],
        expectedRevision: 0,
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.fieldViolations).toEqual([
      {
        field: 'update_mask',
        description: expect.stringContaining('"key" cannot be updated') as string,
      },
    ]);
  });
});

describe('DeleteFeatureFlag', () => {
  it('refuses a live flag with NOT_ARCHIVED and deletes it once archived', async () => {
    await booleanFlag('live', { isEnabled: true });
    await expectRefused(
      api.flags.deleteFeatureFlag({ envId, key: 'live', expectedRevision: 0, comment: '' }),
      ErrorReason.ERROR_REASON_NOT_ARCHIVED,
      'live',
    );
    expect((await flagOf('live')).isEnabled).toBe(true);
    await archive('live');
    await api.flags.deleteFeatureFlag({ envId, key: 'live', expectedRevision: 0, comment: '' });
    const gone = await grpcError(api.flags.getFeatureFlag({ envId, key: 'live' }));
    expect(gone.code).toBe(status.NOT_FOUND);
  });
});

describe('ArchiveFeatureFlag', () => {
  it('refuses while an active flag has it as a prerequisite, naming that flag', async () => {
    const base = await booleanFlag('base-feature', { isEnabled: true });
    await booleanFlag('needs-base', {
      isEnabled: true,
      prerequisites: [{ flagKey: 'base-feature', variationId: base.variations[0]!.id }],
    });
    await expectRefused(
      archive('base-feature'),
      ErrorReason.ERROR_REASON_IN_USE,
      'base-feature',
      'needs-base',
    );
    const kept = await flagOf('base-feature');
    expect(kept).toMatchObject({ isArchived: false, isEnabled: true });
    // An archived dependant does not block it.
    await archive('needs-base');
    expect((await archive('base-feature')).flag?.isArchived).toBe(true);
  });

  it('refuses while a running experiment uses it, naming the experiment', async () => {
    const flag = await booleanFlag('experimented', { isEnabled: true });
    const { metric } = await api.metrics.createMetric({
      envId,
      metric: Metric.fromPartial({
        name: 'Signups',
        eventName: 'signup',
        type: MetricType.METRIC_TYPE_CONVERSION,
        successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      }),
    });
    const { experiment } = await api.experiments.createExperiment({
      envId,
      experiment: Experiment.fromPartial({
        name: 'Signup test',
        flagId: flag.id,
        metricId: metric!.id,
        baselineVariationId: flag.variations[1]!.id,
        alpha: 0.05,
      }),
    });
    await api.experiments.startIteration({
      experimentId: experiment!.id,
      description: '',
      expectedRevision: 0,
    });
    await expectRefused(
      archive('experimented'),
      ErrorReason.ERROR_REASON_IN_USE,
      'experimented',
      experiment!.id,
    );
    expect((await flagOf('experimented')).isArchived).toBe(false);
    await api.experiments.stopIteration({ experimentId: experiment!.id, expectedRevision: 0 });
    expect((await archive('experimented')).flag?.isArchived).toBe(true);
  });
});

describe('an archived flag', () => {
  it('refuses update and toggle with ARCHIVED, and a restore brings it back off', async () => {
    await booleanFlag('retired', { isEnabled: true, description: 'before' });
    const archived = (await archive('retired')).flag!;
    expect(archived.isEnabled).toBe(false);
    await expectRefused(toggle('retired', true), ErrorReason.ERROR_REASON_ARCHIVED, 'retired');
    await expectRefused(toggle('retired', false), ErrorReason.ERROR_REASON_ARCHIVED, 'retired');
    await expectRefused(
      api.flags.updateFeatureFlag({
        envId,
        key: 'retired',
        flag: FeatureFlag.fromPartial({ description: 'after' }),
        updateMask: ['description'],
        expectedRevision: 0,
        comment: '',
      }),
      ErrorReason.ERROR_REASON_ARCHIVED,
      'retired',
    );
    expect(await flagOf('retired')).toEqual(archived);
    const { flag: restored } = await api.flags.restoreFeatureFlag({
      envId,
      key: 'retired',
      expectedRevision: 0,
      comment: '',
    });
    expect(restored).toMatchObject({ isArchived: false, isEnabled: false, description: 'before' });
    expect((await toggle('retired', true)).flag?.isEnabled).toBe(true);
  });
});

describe('segments', () => {
  it('refuse archive while a live flag uses them, update once archived, delete while live', async () => {
    const { segment } = await api.segments.createSegment({
      envId,
      segment: Segment.fromPartial({ key: 'beta', name: 'Beta', included: ['bo'] }),
      comment: '',
    });
    const user = await booleanFlag('beta-only');
    await api.flags.updateFeatureFlag({
      envId,
      key: 'beta-only',
      flag: FeatureFlag.fromPartial({
        rules: [
          {
            name: 'beta',
            conditions: [
              { property: 'User is in segment', op: '', value: JSON.stringify([segment!.id]) },
            ],
            variations: [
              {
                variationId: user.variations[0]!.id,
                rolloutStart: 0,
                rolloutEnd: 1,
                exptRollout: 1,
              },
            ],
          },
        ],
      }),
      updateMask: ['rules'],
      expectedRevision: 0,
      comment: '',
    });
    const archiveSegment = () =>
      api.segments.archiveSegment({ envId, key: 'beta', expectedRevision: 0, comment: '' });
    const inUse = await grpcError(archiveSegment());
    expect(inUse.code).toBe(status.FAILED_PRECONDITION);
    expect(inUse.info).toMatchObject({
      reason: ErrorReason.ERROR_REASON_IN_USE,
      resourceType: ResourceType.RESOURCE_TYPE_SEGMENT,
      resourceId: 'beta',
      metadata: { referenced_by: 'beta-only' },
    });
    const live = await grpcError(
      api.segments.deleteSegment({ envId, key: 'beta', expectedRevision: 0, comment: '' }),
    );
    expect(live.info?.reason).toBe(ErrorReason.ERROR_REASON_NOT_ARCHIVED);
    await archive('beta-only');
    await archiveSegment();
    const readOnly = await grpcError(
      api.segments.updateSegment({
        envId,
        key: 'beta',
        segment: Segment.fromPartial({ included: [] }),
        updateMask: ['included'],
        expectedRevision: 0,
        comment: '',
      }),
    );
    expect(readOnly.code).toBe(status.FAILED_PRECONDITION);
    expect(readOnly.info?.reason).toBe(ErrorReason.ERROR_REASON_ARCHIVED);
  });
});
