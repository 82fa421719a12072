import { beforeEach, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ExperimentStatus } from '@vane/gen/node/vane/admin/v1/experiment_service';
import type {
  Experiment,
  ExperimentServiceServer,
} from '@vane/gen/node/vane/admin/v1/experiment_service';
import type { GetExperimentResultsRequest } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import type { Principal } from '../auth/principal.js';
import { ChangeWriter } from '../changes/change-writer.js';
import { envAccess } from '../environments/env-access.js';
import { ENVIRONMENTS, FLAGS } from '@vane/server-kit/documents';
import type { EnvironmentDoc, FlagDoc } from '@vane/server-kit/documents';
import type { AnalyticsGateway } from '../flags/analytics-gateway.js';
import type { AdminService } from '../grpc/admin-service.js';
import { METRICS } from '../metrics/metric-doc.js';
import type { MetricDoc } from '../metrics/metric-doc.js';
import type { Collection } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { EXPERIMENTS } from './experiment-doc.js';
import type { ExperimentDoc } from './experiment-doc.js';
import { experimentService, variationWeights } from './experiment-service.js';
import type { ExperimentServiceDeps } from './experiment-service.js';
import {
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  RevisionConflict,
  Unavailable,
} from '@vane/server-kit';

const principal = (role: Role): Principal => ({
  tokenId: `token-${role}`,
  tokenName: 'test',
  role,
  allProjects: true,
  projectIds: [],
});
const VIEWER = { principal: principal(Role.ROLE_VIEWER) };
const EDITOR = { principal: principal(Role.ROLE_EDITOR) };

function env(id: string): EnvironmentDoc {
  return {
    _id: id,
    revision: 1,
    outbox: [],
    projectId: 'proj-1',
    key: id,
    name: id,
    description: '',
    secrets: [],
    createdAt: 0,
    updatedAt: 0,
    creatorId: '',
    updaterId: '',
  };
}

function flag(key: string, patch: Partial<FlagDoc> = {}): FlagDoc {
  return {
    _id: `flag-${key}`,
    id: `flag-${key}`,
    revision: 1,
    outbox: [],
    envId: 'env-1',
    key,
    name: key,
    variationType: 'string',
    variations: [
      { id: 'a', value: 'A' },
      { id: 'b', value: 'B' },
      { id: 'c', value: 'C' },
    ],
    isEnabled: true,
    disabledVariationId: 'a',
    targetUsers: [],
    rules: [],
    fallthrough: {
      includedInExpt: true,
      variations: [
        { id: 'a', rollout: [0, 0.5], exptRollout: 1 },
        { id: 'b', rollout: [0.5, 1], exptRollout: 0.5 },
      ],
    },
    exptIncludeAllTargets: false,
    isArchived: false,
    prerequisites: [],
    segmentIds: [],
    version: 1,
    creatorId: '',
    updaterId: '',
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    ...patch,
  };
}

function metric(id: string, patch: Partial<MetricDoc> = {}): MetricDoc {
  return {
    _id: id,
    revision: 1,
    outbox: [],
    envId: 'env-1',
    name: id,
    description: '',
    eventName: `${id}-event`,
    type: 'numeric',
    successCriterion: 'lower-is-better',
    unit: 'ms',
    tags: [],
    isArchived: false,
    createdAt: 0,
    updatedAt: 0,
    creatorId: '',
    updaterId: '',
    ...patch,
  };
}

let clock: number;
let flags: Collection<FlagDoc>;
let deps: ExperimentServiceDeps;
let service: AdminService<ExperimentServiceServer>;

beforeEach(async () => {
  const store = await MemoryDocumentStore.open();
  const environments = store.collection<EnvironmentDoc>(ENVIRONMENTS.name, ENVIRONMENTS.unique);
  await environments.insert(env('env-1'));
  await environments.insert(env('env-2'));
  flags = store.collection<FlagDoc>(FLAGS.name, FLAGS.unique);
  await flags.insert(flag('checkout'));
  await flags.insert(flag('old', { isArchived: true }));
  await flags.insert(flag('elsewhere', { envId: 'env-2' }));
  const metrics = store.collection<MetricDoc>(METRICS.name, METRICS.unique);
  await metrics.insert(metric('latency'));
  await metrics.insert(metric('retired', { isArchived: true }));
  clock = 1_000;
  deps = {
    experiments: store.collection<ExperimentDoc>(EXPERIMENTS.name, EXPERIMENTS.unique),
    flags,
    metrics,
    envAccess: envAccess(environments),
    writer: new ChangeWriter(store, { recorded: async () => {} }, () => (clock += 1_000)),
  };
  service = experimentService(deps);
});

function experiment(patch: Partial<Experiment> = {}): Experiment {
  return {
    id: '',
    envId: '',
    name: 'Faster checkout',
    description: '',
    flagId: 'flag-checkout',
    flagKey: '',
    metricId: 'latency',
    baselineVariationId: 'a',
    alpha: 0,
    status: ExperimentStatus.EXPERIMENT_STATUS_UNSPECIFIED,
    iterations: [],
    isArchived: false,
    creatorId: '',
    updaterId: '',
    revision: 0,
    ...patch,
  };
}

async function create(patch: Partial<Experiment> = {}): Promise<Experiment> {
  return (await service.createExperiment({ envId: 'env-1', experiment: experiment(patch) }, EDITOR))
    .experiment!;
}
const start = (id: string, expectedRevision = 0) =>
  service.startIteration({ experimentId: id, description: 'round', expectedRevision }, EDITOR);
const stop = (id: string, expectedRevision = 0) =>
  service.stopIteration({ experimentId: id, expectedRevision }, EDITOR);

describe('CreateExperiment', () => {
  it('creates a NOT_STARTED experiment with the flag key and the default alpha', async () => {
    const created = await create();
    expect(created).toMatchObject({
      envId: 'env-1',
      flagId: 'flag-checkout',
      flagKey: 'checkout',
      metricId: 'latency',
      baselineVariationId: 'a',
      alpha: 0.05,
      status: ExperimentStatus.EXPERIMENT_STATUS_NOT_STARTED,
      iterations: [],
      revision: 1,
    });
    expect((await service.getExperiment({ id: created.id }, VIEWER)).experiment).toEqual(created);
  });

  it('rejects flags and metrics that are missing, archived or elsewhere, and foreign baselines', async () => {
    const fields = async (patch: Partial<Experiment>) => {
      const err = await create(patch).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgument);
      return (err as InvalidArgument).violations.map((v) => v.field);
    };
    expect(await fields({ flagId: 'nope', metricId: 'nope' })).toEqual([
      'experiment.flag_id',
      'experiment.metric_id',
    ]);
    expect(await fields({ flagId: 'flag-old' })).toEqual(['experiment.flag_id']);
    expect(await fields({ flagId: 'flag-elsewhere' })).toEqual(['experiment.flag_id']);
    expect(await fields({ metricId: 'retired' })).toEqual(['experiment.metric_id']);
    expect(await fields({ baselineVariationId: 'z' })).toEqual([
      'experiment.baseline_variation_id',
    ]);
    expect(await fields({ alpha: 0.6, flagId: '' })).toEqual([
      'experiment.flag_id',
      'experiment.alpha',
    ]);
  });

  it('needs EDITOR', async () => {
    await expect(
      service.createExperiment({ envId: 'env-1', experiment: experiment() }, VIEWER),
    ).rejects.toBeInstanceOf(PermissionDenied);
  });
});

describe('iterations', () => {
  it('snapshots the fallthrough split, normalised, when an iteration starts', () => {
    expect(variationWeights(flag('x'))).toEqual([
      { variationId: 'a', weight: 2 / 3 },
      { variationId: 'b', weight: 1 / 3 },
      { variationId: 'c', weight: 0 },
    ]);
    expect(
      variationWeights(flag('x', { exptIncludeAllTargets: true })).map((w) => w.weight),
    ).toEqual([0.5, 0.5, 0]);
  });

  it('runs start → stop → start, refusing invalid transitions', async () => {
    const e = await create();
    await expect(stop(e.id)).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_INVALID_STATE,
    });
    const { experiment: running } = await start(e.id, 1);
    expect(running).toMatchObject({
      status: ExperimentStatus.EXPERIMENT_STATUS_RUNNING,
      revision: 2,
    });
    expect(running?.iterations).toHaveLength(1);
    expect(running?.iterations[0]).toMatchObject({ description: 'round', endedAt: undefined });
    expect(running?.iterations[0]?.variationWeights[0]).toEqual({
      variationId: 'a',
      weight: 2 / 3,
    });

    const again = await start(e.id).catch((err: unknown) => err);
    expect(again).toBeInstanceOf(FailedPrecondition);
    expect(again).toMatchObject({ reason: ErrorReason.ERROR_REASON_INVALID_STATE });

    await expect(stop(e.id, 1)).rejects.toBeInstanceOf(RevisionConflict);
    const { experiment: stopped } = await stop(e.id, 2);
    expect(stopped?.status).toBe(ExperimentStatus.EXPERIMENT_STATUS_STOPPED);
    expect(stopped?.iterations[0]?.endedAt!.getTime()).toBeGreaterThan(
      stopped!.iterations[0]!.startedAt!.getTime(),
    );
    const { experiment: second } = await start(e.id);
    expect(second?.iterations).toHaveLength(2);
  });

  it('will not start when the flag or metric is archived', async () => {
    const e = await create();
    await flags.commit({ ...flag('checkout'), isArchived: true, revision: 2 }, flag('checkout'), {
      id: 'r',
      at: 0,
      actorId: 't',
      action: 'archived',
      before: null,
      after: null,
    });
    await expect(start(e.id)).rejects.toMatchObject({ reason: ErrorReason.ERROR_REASON_ARCHIVED });
  });

  it('archiving ends the running iteration and blocks new ones', async () => {
    const e = await create();
    await start(e.id);
    const { experiment: archived } = await service.archiveExperiment(
      { id: e.id, expectedRevision: 0 },
      EDITOR,
    );
    expect(archived).toMatchObject({
      isArchived: true,
      status: ExperimentStatus.EXPERIMENT_STATUS_STOPPED,
    });
    expect(archived?.iterations[0]?.endedAt).toBeInstanceOf(Date);
    await expect(
      service.archiveExperiment({ id: e.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_ARCHIVED,
    });
    await expect(start(e.id)).rejects.toMatchObject({ reason: ErrorReason.ERROR_REASON_ARCHIVED });
  });

  it('needs EDITOR and an existing experiment', async () => {
    const e = await create();
    await expect(
      service.startIteration({ experimentId: e.id, description: '', expectedRevision: 0 }, VIEWER),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await expect(start('missing')).rejects.toMatchObject({
      constructor: NotFound,
      resourceType: ResourceType.RESOURCE_TYPE_EXPERIMENT,
    });
  });
});

describe('ListExperiments', () => {
  it('lists newest first, filtered by status, flag and archive state', async () => {
    const first = await create({ name: 'first' });
    const second = await create({ name: 'second' });
    const third = await create({ name: 'third' });
    await start(second.id);
    await service.archiveExperiment({ id: third.id, expectedRevision: 0 }, EDITOR);
    const list = async (patch: object = {}) =>
      (
        await service.listExperiments(
          { envId: 'env-1', flagKey: '', metricId: '', statuses: [], archived: 0, ...patch },
          VIEWER,
        )
      ).experiments.map((x) => x.name);
    expect(await list()).toEqual(['second', 'first']);
    expect(await list({ archived: ArchivedFilter.ARCHIVED_FILTER_ALL })).toEqual([
      'third',
      'second',
      'first',
    ]);
    expect(await list({ statuses: [ExperimentStatus.EXPERIMENT_STATUS_RUNNING] })).toEqual([
      'second',
    ]);
    expect(await list({ flagKey: 'other' })).toEqual([]);
    expect(await list({ metricId: 'latency' })).toHaveLength(2);
    await expect(
      list({ statuses: [ExperimentStatus.EXPERIMENT_STATUS_UNSPECIFIED] }),
    ).rejects.toMatchObject({
      violations: [{ field: 'statuses[0]' }],
    });
    expect(first.id).not.toBe(second.id);
  });
});

describe('GetExperimentResults', () => {
  it('is UNAVAILABLE without an analytics service', async () => {
    const e = await create();
    await start(e.id);
    await expect(
      service.getExperimentResults({ experimentId: e.id, iterationId: '' }, VIEWER),
    ).rejects.toBeInstanceOf(Unavailable);
  });

  it('sends the full spec of the requested iteration to analytics', async () => {
    const requests: GetExperimentResultsRequest[] = [];
    const analytics: AnalyticsGateway = {
      flagInsights: () => Promise.reject(new Error('unused')),
      experimentResults: async (request) => {
        requests.push(request);
        return { results: { variations: [], exposedUsers: 7 } };
      },
    };
    service = experimentService({ ...deps, analytics });
    const e = await create({ alpha: 0.1 });
    await expect(
      service.getExperimentResults({ experimentId: e.id, iterationId: '' }, VIEWER),
    ).rejects.toBeInstanceOf(NotFound);
    const first = (await start(e.id)).experiment!.iterations[0]!;
    await stop(e.id);
    await start(e.id);

    const res = await service.getExperimentResults(
      { experimentId: e.id, iterationId: first.id },
      VIEWER,
    );
    expect(res.iteration?.id).toBe(first.id);
    expect(res.results?.exposedUsers).toBe(7);
    expect(requests[0]?.spec).toEqual({
      envId: 'env-1',
      flagKey: 'checkout',
      variations: [
        { variationId: 'a', trafficWeight: 2 / 3 },
        { variationId: 'b', trafficWeight: 1 / 3 },
        { variationId: 'c', trafficWeight: 0 },
      ],
      baselineVariationId: 'a',
      metricEventName: 'latency-event',
      metricType: MetricType.METRIC_TYPE_NUMERIC,
      successCriterion: SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER,
      window: { startTime: first.startedAt, endTime: expect.any(Date) as Date },
      alpha: 0.1,
      minUsersPerVariation: 0,
    });

    const latest = await service.getExperimentResults(
      { experimentId: e.id, iterationId: '' },
      VIEWER,
    );
    expect(latest.iteration?.id).not.toBe(first.id);
    expect(requests[1]?.spec?.window?.endTime).toBeUndefined();
    await expect(
      service.getExperimentResults({ experimentId: e.id, iterationId: 'nope' }, VIEWER),
    ).rejects.toBeInstanceOf(NotFound);
  });
});
