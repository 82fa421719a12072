import { beforeEach, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type { Metric, MetricServiceServer } from '@vane/gen/node/vane/admin/v1/metric_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter, TagMatchMode } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import type { Principal } from '../auth/principal.js';
import { ChangeWriter } from '../changes/change-writer.js';
import { envAccess } from '../environments/env-access.js';
import { ENVIRONMENTS } from '@vane/server-kit/documents';
import type { EnvironmentDoc } from '@vane/server-kit/documents';
import { EXPERIMENTS } from '../experiments/experiment-doc.js';
import type { ExperimentDoc } from '../experiments/experiment-doc.js';
import type { AdminService } from '../grpc/admin-service.js';
import type { Collection } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { METRICS } from './metric-doc.js';
import type { MetricDoc } from './metric-doc.js';
import { metricService } from './metric-service.js';
import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  RevisionConflict,
} from '@vane/server-kit';

const principal = (role: Role, projectIds?: string[]): Principal => ({
  tokenId: `token-${role}`,
  tokenName: 'test',
  role,
  allProjects: projectIds === undefined,
  projectIds: projectIds ?? [],
});
const VIEWER = { principal: principal(Role.ROLE_VIEWER) };
const EDITOR = { principal: principal(Role.ROLE_EDITOR) };
const OTHER_PROJECT = { principal: principal(Role.ROLE_OWNER, ['proj-2']) };

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

function metric(patch: Partial<Metric> = {}): Metric {
  return {
    id: '',
    envId: '',
    name: 'Checkout',
    description: '',
    eventName: 'checkout',
    type: MetricType.METRIC_TYPE_CONVERSION,
    successCriterion: SuccessCriterion.SUCCESS_CRITERION_UNSPECIFIED,
    unit: '',
    tags: [],
    isArchived: false,
    creatorId: '',
    updaterId: '',
    revision: 0,
    ...patch,
  };
}

let experiments: Collection<ExperimentDoc>;
let service: AdminService<MetricServiceServer>;

async function usedBy(metricId: string, patch: Partial<ExperimentDoc> = {}): Promise<void> {
  await experiments.insert({
    _id: `exp-${metricId}`,
    revision: 1,
    outbox: [],
    envId: 'env-1',
    name: 'Exp',
    description: '',
    flagId: 'f',
    flagKey: 'f',
    metricId,
    baselineVariationId: 'on',
    alpha: 0.05,
    status: 'not-started',
    iterations: [],
    isArchived: false,
    createdAt: 0,
    updatedAt: 0,
    creatorId: '',
    updaterId: '',
    ...patch,
  });
}

async function create(patch: Partial<Metric> = {}, envId = 'env-1'): Promise<Metric> {
  return (await service.createMetric({ envId, metric: metric(patch) }, EDITOR)).metric!;
}

beforeEach(async () => {
  const store = await MemoryDocumentStore.open();
  const environments = store.collection<EnvironmentDoc>(ENVIRONMENTS.name, ENVIRONMENTS.unique);
  await environments.insert(env('env-1'));
  await environments.insert(env('env-2'));
  experiments = store.collection<ExperimentDoc>(EXPERIMENTS.name, EXPERIMENTS.unique);
  service = metricService({
    metrics: store.collection<MetricDoc>(METRICS.name, METRICS.unique),
    experiments,
    envAccess: envAccess(environments),
    writer: new ChangeWriter(store, { recorded: async () => {} }),
  });
});

describe('CreateMetric and GetMetric', () => {
  it('creates a metric at revision 1 with higher-is-better by default', async () => {
    const created = await create({ tags: [' a ', 'a', 'b', ''], unit: 'EUR' });
    expect(created).toMatchObject({
      envId: 'env-1',
      name: 'Checkout',
      eventName: 'checkout',
      type: MetricType.METRIC_TYPE_CONVERSION,
      successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      unit: 'EUR',
      tags: ['a', 'b'],
      isArchived: false,
      revision: 1,
      creatorId: 'token-2',
    });
    const { metric: got } = await service.getMetric({ id: created.id }, VIEWER);
    expect(got).toEqual(created);
  });

  it('names every invalid field', async () => {
    const err = await service
      .createMetric(
        {
          envId: 'env-1',
          metric: metric({
            name: ' ',
            eventName: '',
            type: MetricType.METRIC_TYPE_UNSPECIFIED,
            successCriterion: 7 as SuccessCriterion,
            unit: 'x'.repeat(33),
          }),
        },
        EDITOR,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as InvalidArgument).violations.map((v) => v.field)).toEqual([
      'metric.name',
      'metric.event_name',
      'metric.type',
      'metric.success_criterion',
      'metric.unit',
    ]);
  });

  it('keeps names unique per environment', async () => {
    await create();
    await expect(create()).rejects.toBeInstanceOf(AlreadyExists);
    await expect(create({}, 'env-2')).resolves.toMatchObject({ envId: 'env-2' });
  });

  it('needs EDITOR to create and hides metrics outside the scope', async () => {
    await expect(
      service.createMetric({ envId: 'env-1', metric: metric() }, VIEWER),
    ).rejects.toBeInstanceOf(PermissionDenied);
    const m = await create();
    await expect(service.getMetric({ id: m.id }, OTHER_PROJECT)).rejects.toMatchObject({
      resourceType: ResourceType.RESOURCE_TYPE_METRIC,
      resourceId: m.id,
    });
    await expect(service.getMetric({ id: 'nope' }, VIEWER)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('ListMetrics', () => {
  beforeEach(async () => {
    await create({
      name: 'Revenue',
      eventName: 'purchase',
      type: MetricType.METRIC_TYPE_NUMERIC,
      tags: ['money'],
    });
    await create({ name: 'Checkout', eventName: 'checkout', tags: ['money', 'funnel'] });
    const old = await create({ name: 'Archived one', eventName: 'x', tags: ['funnel'] });
    await service.archiveMetric({ id: old.id, expectedRevision: 0 }, EDITOR);
    await create({ name: 'Elsewhere' }, 'env-2');
  });
  const names = (r: { metrics: Metric[] }) => r.metrics.map((m) => m.name);
  const list = (patch: object = {}) =>
    service.listMetrics(
      { envId: 'env-1', query: '', type: 0, archived: 0, tags: [], tagMatch: 0, ...patch },
      VIEWER,
    );

  it('lists active metrics by name by default', async () => {
    const res = await list();
    expect(names(res)).toEqual(['Checkout', 'Revenue']);
    expect(res.page?.totalSize).toBe(2);
    expect(names(await list({ archived: ArchivedFilter.ARCHIVED_FILTER_ARCHIVED }))).toEqual([
      'Archived one',
    ]);
    expect(names(await list({ archived: ArchivedFilter.ARCHIVED_FILTER_ALL }))).toEqual([
      'Archived one',
      'Checkout',
      'Revenue',
    ]);
  });

  it('filters by query, type and tags', async () => {
    expect(names(await list({ query: 'PURCH' }))).toEqual(['Revenue']);
    expect(names(await list({ type: MetricType.METRIC_TYPE_CONVERSION }))).toEqual(['Checkout']);
    expect(names(await list({ tags: ['money', 'funnel'] }))).toEqual(['Checkout', 'Revenue']);
    expect(
      names(await list({ tags: ['money', 'funnel'], tagMatch: TagMatchMode.TAG_MATCH_MODE_ALL })),
    ).toEqual(['Checkout']);
  });
});

describe('UpdateMetric', () => {
  it('updates the masked fields only, with `*` meaning all', async () => {
    const m = await create({ description: 'keep' });
    const { metric: updated } = await service.updateMetric(
      {
        id: m.id,
        metric: metric({ name: 'Checkout v2', description: 'ignored' }),
        updateMask: ['name'],
        expectedRevision: 1,
      },
      EDITOR,
    );
    expect(updated).toMatchObject({ name: 'Checkout v2', description: 'keep', revision: 2 });
    const { metric: all } = await service.updateMetric(
      {
        id: m.id,
        metric: metric({
          name: 'All',
          eventName: 'pay',
          type: MetricType.METRIC_TYPE_NUMERIC,
          unit: 'ms',
        }),
        updateMask: ['*'],
        expectedRevision: 0,
      },
      EDITOR,
    );
    expect(all).toMatchObject({
      name: 'All',
      eventName: 'pay',
      type: MetricType.METRIC_TYPE_NUMERIC,
      unit: 'ms',
      description: '',
    });
  });

  it('rejects unknown paths, stale revisions and taken names', async () => {
    const m = await create();
    await create({ name: 'Taken' });
    await expect(
      service.updateMetric(
        { id: m.id, metric: metric(), updateMask: ['env_id'], expectedRevision: 0 },
        EDITOR,
      ),
    ).rejects.toMatchObject({ violations: [{ field: 'update_mask' }] });
    await expect(
      service.updateMetric(
        { id: m.id, metric: metric(), updateMask: ['name'], expectedRevision: 5 },
        EDITOR,
      ),
    ).rejects.toMatchObject({ constructor: RevisionConflict, currentRevision: 1 });
    await expect(
      service.updateMetric(
        { id: m.id, metric: metric({ name: 'Taken' }), updateMask: ['name'], expectedRevision: 0 },
        EDITOR,
      ),
    ).rejects.toBeInstanceOf(AlreadyExists);
  });

  it('refuses to change how it measures while an active experiment uses it', async () => {
    const m = await create();
    await usedBy(m.id, { status: 'stopped' });
    const err = await service
      .updateMetric(
        {
          id: m.id,
          metric: metric({ eventName: 'other' }),
          updateMask: ['event_name'],
          expectedRevision: 0,
        },
        EDITOR,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPrecondition);
    expect(err).toMatchObject({
      reason: ErrorReason.ERROR_REASON_IN_USE,
      metadata: { referenced_by: `exp-${m.id}` },
    });
    // Unchanged values and display fields are fine.
    await expect(
      service.updateMetric(
        {
          id: m.id,
          metric: metric({ name: 'Renamed' }),
          updateMask: ['name', 'event_name', 'type'],
          expectedRevision: 0,
        },
        EDITOR,
      ),
    ).resolves.toMatchObject({ metric: { name: 'Renamed' } });
  });
});

describe('ArchiveMetric, RestoreMetric and DeleteMetric', () => {
  it('archives and restores, refusing repeats', async () => {
    const m = await create();
    const { metric: archived } = await service.archiveMetric(
      { id: m.id, expectedRevision: 1 },
      EDITOR,
    );
    expect(archived).toMatchObject({ isArchived: true, revision: 2 });
    await expect(
      service.archiveMetric({ id: m.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_ARCHIVED,
    });
    const { metric: restored } = await service.restoreMetric(
      { id: m.id, expectedRevision: 0 },
      EDITOR,
    );
    expect(restored).toMatchObject({ isArchived: false, revision: 3 });
    await expect(
      service.restoreMetric({ id: m.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_NOT_ARCHIVED,
    });
  });

  it('refuses to archive a metric of a running experiment', async () => {
    const m = await create();
    await usedBy(m.id, { status: 'running' });
    await expect(
      service.archiveMetric({ id: m.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_IN_USE,
    });
  });

  it('deletes only archived metrics that no experiment uses, freeing the name', async () => {
    const m = await create();
    await expect(
      service.deleteMetric({ id: m.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_NOT_ARCHIVED,
    });
    await service.archiveMetric({ id: m.id, expectedRevision: 0 }, EDITOR);
    await usedBy(m.id, { isArchived: true, status: 'stopped' });
    await expect(
      service.deleteMetric({ id: m.id, expectedRevision: 0 }, EDITOR),
    ).rejects.toMatchObject({
      reason: ErrorReason.ERROR_REASON_IN_USE,
    });
    await experiments.clear();
    await service.deleteMetric({ id: m.id, expectedRevision: 0 }, EDITOR);
    await expect(service.getMetric({ id: m.id }, VIEWER)).rejects.toBeInstanceOf(NotFound);
    await expect(create()).resolves.toMatchObject({ name: 'Checkout', revision: 1 });
  });
});
