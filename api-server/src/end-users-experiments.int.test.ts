// End users (from Kafka and from the API), metrics, experiments and the audit log, through a real
// gRPC client on real FerretDB and Kafka.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { Experiment, ExperimentStatus } from '@vane/gen/node/vane/admin/v1/experiment_service';
import { Metric } from '@vane/gen/node/vane/admin/v1/metric_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import { grpcError, startApiFixture } from './testing/api-fixture.js';
import type { ApiFixture } from './testing/api-fixture.js';

let fx: ApiFixture;
let envId: string;

/** The one end user `query` and `properties` find, once the consumer has stored it. */
function findOnlyUser(query: string, properties: { name: string; value: string }[]) {
  return vi.waitFor(
    async () => {
      const r = await fx.owner.endUsers.searchEndUsers({
        envId,
        page: undefined,
        query,
        properties,
        lastSeen: undefined,
      });
      expect(r.users).toHaveLength(1);
      return r.users[0]!;
    },
    { timeout: 30_000, interval: 100 },
  );
}

beforeAll(async () => {
  fx = await startApiFixture();
  const { project } = await fx.owner.projects.createProject({
    key: 'app',
    name: 'App',
    description: '',
  });
  const { environment } = await fx.owner.environments.createEnvironment({
    projectId: project!.id,
    key: 'dev',
    name: 'Dev',
    description: '',
  });
  envId = environment!.id;
});

afterAll(async () => {
  await fx?.close();
});

describe('end users', () => {
  it('upserts end users seen on Kafka, idempotently, and finds them by key, name and property', async () => {
    const producer = fx.kafka.producer();
    await producer.connect();
    const seen = (keyId: string, props: Record<string, string>, at: number, eventId: string) => ({
      key: `${envId}:${keyId}`,
      value: Buffer.from(
        EndUserSeen.encode({
          eventId,
          envId,
          seenAt: new Date(at),
          user: {
            keyId,
            name: `Name of ${keyId}`,
            customProperties: Object.entries(props).map(([name, value]) => ({ name, value })),
          },
        }).finish(),
      ),
    });
    const now = Date.now();
    await producer.send({
      topic: topicName(TOPICS.endUsers, fx.prefix),
      messages: [
        seen('alice', { plan: 'free', country: 'fr' }, now - 1000, 'e1'),
        { key: 'poison', value: Buffer.from('not a protobuf message at all \u0000\u00ff') },
        seen('alice', { plan: 'pro' }, now, 'e2'),
        seen('alice', { plan: 'pro' }, now, 'e2'), // a redelivery
        seen('bob', { plan: 'free' }, now, 'e3'),
      ],
    });
    await producer.disconnect();
    const alice = await findOnlyUser('', [{ name: 'plan', value: 'pro' }]);
    expect(alice.user?.keyId).toBe('alice');
    const props = Object.fromEntries(alice.user!.customProperties.map((p) => [p.name, p.value]));
    expect(props).toEqual({ plan: 'pro', country: 'fr' });
    expect(alice.firstSeenAt?.getTime()).toBe(now - 1000);
    expect(alice.lastSeenAt?.getTime()).toBe(now);
    expect((await findOnlyUser('of bob', [])).user?.keyId).toBe('bob');
  });

  it('upserts through the API and lists the variation each flag gives the user', async () => {
    await fx.owner.flags.createFeatureFlag({
      envId,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'banner',
        name: 'Banner',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        isEnabled: true,
      }),
    });
    await fx.owner.endUsers.upsertEndUser({
      envId,
      user: { keyId: 'carol', name: 'Carol', customProperties: [{ name: 'plan', value: 'pro' }] },
    });
    const { flags } = await fx.owner.endUsers.listEndUserFlags({
      envId,
      keyId: 'carol',
      page: undefined,
      query: '',
    });
    expect(flags.find((f) => f.result?.flagKey === 'banner')?.result?.value).toBe('true');
    const bad = await grpcError(
      fx.owner.endUsers.upsertEndUser({
        envId,
        user: { keyId: '', name: '', customProperties: [] },
      }),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.info?.fieldViolations[0]?.field).toBe('user.key_id');
  });
});

describe('metrics and experiments', () => {
  it('runs an experiment through its life cycle, with state errors as FAILED_PRECONDITION', async () => {
    const { metric } = await fx.owner.metrics.createMetric({
      envId,
      metric: Metric.fromPartial({
        name: 'Checkout',
        eventName: 'checkout',
        type: MetricType.METRIC_TYPE_CONVERSION,
        successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      }),
    });
    const dup = await grpcError(
      fx.owner.metrics.createMetric({
        envId,
        metric: Metric.fromPartial({
          name: 'Checkout',
          eventName: 'checkout',
          type: MetricType.METRIC_TYPE_CONVERSION,
          successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
        }),
      }),
    );
    expect(dup.code).toBe(status.ALREADY_EXISTS);
    const { flag } = await fx.owner.flags.getFeatureFlag({ envId, key: 'banner' });
    const { experiment } = await fx.owner.experiments.createExperiment({
      envId,
      experiment: Experiment.fromPartial({
        name: 'Banner test',
        flagId: flag!.id,
        metricId: metric!.id,
        baselineVariationId: flag!.variations[1]!.id,
        alpha: 0.05,
      }),
    });
    expect(experiment?.status).toBe(ExperimentStatus.EXPERIMENT_STATUS_NOT_STARTED);
    const notRunning = await grpcError(
      fx.owner.experiments.stopIteration({ experimentId: experiment!.id, expectedRevision: 0 }),
    );
    expect(notRunning.code).toBe(status.FAILED_PRECONDITION);
    expect(notRunning.info?.reason).toBe(ErrorReason.ERROR_REASON_INVALID_STATE);
    const started = await fx.owner.experiments.startIteration({
      experimentId: experiment!.id,
      description: 'first',
      expectedRevision: 0,
    });
    expect(started.experiment?.status).toBe(ExperimentStatus.EXPERIMENT_STATUS_RUNNING);
    const stopped = await fx.owner.experiments.stopIteration({
      experimentId: experiment!.id,
      expectedRevision: 0,
    });
    expect(stopped.experiment?.iterations[0]?.endedAt).toBeInstanceOf(Date);
    expect(stopped.experiment?.status).toBe(ExperimentStatus.EXPERIMENT_STATUS_STOPPED);
    const unknown = await grpcError(
      fx.owner.experiments.getExperiment({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknown.code).toBe(status.NOT_FOUND);
  });
});

describe('audit log', () => {
  it('records who changed what, filterable by resource type, and skips system end-user writes', async () => {
    const { entries } = await fx.owner.audit.listAuditLogEntries({
      page: undefined,
      projectId: '',
      envId,
      resourceType: ResourceType.RESOURCE_TYPE_UNSPECIFIED,
      resourceId: '',
      actorId: '',
      actions: [],
      timeRange: undefined,
      query: '',
    });
    const types = new Set(entries.map((e) => e.resourceType));
    expect(types).toContain(ResourceType.RESOURCE_TYPE_FEATURE_FLAG);
    expect(types).toContain(ResourceType.RESOURCE_TYPE_METRIC);
    expect(types).toContain(ResourceType.RESOURCE_TYPE_EXPERIMENT);
    expect(
      entries.filter(
        (e) => e.resourceType === ResourceType.RESOURCE_TYPE_END_USER && e.actorId === 'system',
      ),
    ).toEqual([]);
    const times = entries.map((e) => e.createdAt!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ranged = await fx.owner.audit.listAuditLogEntries({
      page: undefined,
      projectId: '',
      envId,
      resourceType: ResourceType.RESOURCE_TYPE_UNSPECIFIED,
      resourceId: '',
      actorId: '',
      actions: [],
      timeRange: { startTime: new Date(times[times.length - 1]!), endTime: new Date(times[0]!) },
      query: '',
    });
    expect(ranged.entries.length).toBe(
      entries.length - entries.filter((e) => e.createdAt!.getTime() === times[0]).length,
    );
  });
});
