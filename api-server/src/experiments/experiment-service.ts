// Experiments: create on a flag and a metric, run iterations, and read results from analytics.
import { LIMITS } from '@vane/core';
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ExperimentStatus } from '@vane/gen/node/vane/admin/v1/experiment_service';
import type {
  Experiment,
  ExperimentIteration,
  ExperimentServiceServer,
} from '@vane/gen/node/vane/admin/v1/experiment_service';
import type { ExperimentSpec } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import { requireRole } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { EnvAccess } from '../environments/env-access.js';
import type { AnalyticsGateway } from '../flags/analytics-gateway.js';
import type { FlagDoc } from '@vane/server-kit/documents';
import type { AdminService } from '../grpc/admin-service.js';
import type { MetricDoc } from '../metrics/metric-doc.js';
import { metricTypeToProto, successCriterionToProto } from '../metrics/metric-service.js';
import { listPage } from '../shared/paging.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  Violations,
  validate,
} from '../shared/validation.js';
import type { Collection, FieldCondition, Filter } from '../store/document-store.js';
import type {
  ExperimentDoc,
  ExperimentState,
  IterationDoc,
  VariationWeightDoc,
} from './experiment-doc.js';
import { validateEnums } from '../shared/list-request.js';
import { FailedPrecondition, NotFound, Unavailable } from '@vane/server-kit';

/** Significance level used when a create request leaves `alpha` at 0. */
export const DEFAULT_ALPHA = 0.05;
const MAX_ITERATION_NOTE_LENGTH = LIMITS.iterationNoteLength;

const STATUS_OF: Record<ExperimentState, ExperimentStatus> = {
  'not-started': ExperimentStatus.EXPERIMENT_STATUS_NOT_STARTED,
  running: ExperimentStatus.EXPERIMENT_STATUS_RUNNING,
  stopped: ExperimentStatus.EXPERIMENT_STATUS_STOPPED,
};
const STATE_OF: Record<number, ExperimentState | undefined> = {
  [ExperimentStatus.EXPERIMENT_STATUS_NOT_STARTED]: 'not-started',
  [ExperimentStatus.EXPERIMENT_STATUS_RUNNING]: 'running',
  [ExperimentStatus.EXPERIMENT_STATUS_STOPPED]: 'stopped',
};

/** Dependencies of the experiment service. */
export interface ExperimentServiceDeps {
  readonly experiments: Collection<ExperimentDoc>;
  /** Read only: the experiment's flag. */
  readonly flags: Collection<FlagDoc>;
  /** Read only: the experiment's metric. */
  readonly metrics: Collection<MetricDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
  /** Absent when no analytics service is configured (results are then UNAVAILABLE). */
  readonly analytics?: AnalyticsGateway;
}

/** The proto form of a stored iteration. */
export function iterationToProto(it: IterationDoc): ExperimentIteration {
  return {
    id: it.id,
    startedAt: new Date(it.startedAt),
    endedAt: it.endedAt === null ? undefined : new Date(it.endedAt),
    description: it.description,
    variationWeights: it.variationWeights.map((w) => ({ ...w })),
  };
}

/** The proto form of a stored experiment. */
export function experimentToProto(doc: ExperimentDoc): Experiment {
  return {
    id: doc._id,
    envId: doc.envId,
    name: doc.name,
    description: doc.description,
    flagId: doc.flagId,
    flagKey: doc.flagKey,
    metricId: doc.metricId,
    baselineVariationId: doc.baselineVariationId,
    alpha: doc.alpha,
    status: STATUS_OF[doc.status],
    iterations: doc.iterations.map(iterationToProto),
    isArchived: doc.isArchived,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}

/**
 * Intended traffic share per variation of the flag (all of them, in flag order): each fallthrough
 * slice's width, times its `exptRollout` unless the flag includes all targets, normalised to sum 1
 * (all 0 when nothing is sent to the experiment).
 */
export function variationWeights(flag: FlagDoc): VariationWeightDoc[] {
  const raw = new Map<string, number>(flag.variations.map((v) => [v.id, 0]));
  for (const slice of flag.fallthrough.variations) {
    const previous = raw.get(slice.id);
    if (previous === undefined) continue;
    const width = Math.max(0, slice.rollout[1] - slice.rollout[0]);
    raw.set(slice.id, previous + (flag.exptIncludeAllTargets ? width : width * slice.exptRollout));
  }
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  return [...raw].map(([variationId, w]) => ({ variationId, weight: total > 0 ? w / total : 0 }));
}

function precondition(reason: ErrorReason, message: string, id: string): FailedPrecondition {
  return new FailedPrecondition(reason, message, ResourceType.RESOURCE_TYPE_EXPERIMENT, id);
}

/** ExperimentService: VIEWER reads and gets results; EDITOR does the rest. */
export function experimentService(
  deps: ExperimentServiceDeps,
): AdminService<ExperimentServiceServer> {
  const { experiments, flags, metrics, envAccess, writer } = deps;
  const notFound = (id: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_EXPERIMENT, id, 'experiment');
  const ref = (id: string) => ({ type: ResourceType.RESOURCE_TYPE_EXPERIMENT, display: id });

  /** The experiment, if it exists and the principal has `role` on its environment's project. */
  async function load(id: string, principal: Principal, role: Role): Promise<ExperimentDoc> {
    requireRole(principal, role);
    const doc = await experiments.get(id);
    if (!doc) throw notFound(id)();
    try {
      await envAccess(doc.envId, principal, role);
    } catch (err) {
      if (err instanceof NotFound) throw notFound(id)();
      throw err;
    }
    return doc;
  }

  /** A lifecycle write with its state machine checked on the stored document. */
  async function transition(
    id: string,
    expectedRevision: number,
    principal: Principal,
    action: string,
    change: (current: ExperimentDoc, now: number) => Partial<ExperimentDoc>,
  ): Promise<Experiment> {
    const doc = await writer.update(
      experiments,
      id,
      ref(id),
      expectedRevision,
      (cur, { now }) => ({
        ...cur,
        ...change(cur, now),
        updatedAt: now,
        updaterId: principal.tokenId,
      }),
      { actorId: principal.tokenId, action },
      notFound(id),
    );
    return experimentToProto(doc);
  }

  /** The iterations with the running one (the last) ended at `now`. */
  const endRunning = (cur: ExperimentDoc, now: number): IterationDoc[] =>
    cur.iterations.map((it, i) =>
      i === cur.iterations.length - 1 && it.endedAt === null ? { ...it, endedAt: now } : it,
    );

  return {
    async listExperiments(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const states = req.statuses.map((s) => STATE_OF[s]);
      validate((v) =>
        states.forEach((s, i) =>
          v.check(s !== undefined, `statuses[${i}]`, 'must be NOT_STARTED, RUNNING or STOPPED'),
        ),
      );
      validateEnums({ archived: [req.archived, ArchivedFilter] });
      const filter: Record<string, FieldCondition | readonly Filter[]> = { envId: req.envId };
      if (req.flagKey) filter.flagKey = req.flagKey;
      if (req.metricId) filter.metricId = req.metricId;
      if (states.length > 0) filter.status = { in: states as ExperimentState[] };
      if (req.archived === ArchivedFilter.ARCHIVED_FILTER_ARCHIVED) filter.isArchived = true;
      else if (req.archived !== ArchivedFilter.ARCHIVED_FILTER_ALL) filter.isArchived = false;
      const { items, page } = await listPage(experiments, req.page, {
        filter,
        orderBy: 'createdAt',
        descending: true,
        scope: ['experiments', req.envId, req.flagKey, req.metricId, req.statuses, req.archived],
        count: true,
      });
      return { experiments: items.map(experimentToProto), page };
    },

    async getExperiment(req, { principal }) {
      validate((v) => v.required(req.id, 'id'));
      return { experiment: experimentToProto(await load(req.id, principal, Role.ROLE_VIEWER)) };
    },

    async createExperiment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      const sent = req.experiment;
      const alpha = sent?.alpha === 0 ? DEFAULT_ALPHA : (sent?.alpha ?? DEFAULT_ALPHA);
      validate((v) => {
        v.check(sent !== undefined, 'experiment', 'is required');
        v.required(sent?.flagId, 'experiment.flag_id');
        v.required(sent?.metricId, 'experiment.metric_id');
        v.required(sent?.baselineVariationId, 'experiment.baseline_variation_id');
        v.maxLength(sent?.name, 'experiment.name', MAX_NAME_LENGTH);
        v.maxLength(sent?.description, 'experiment.description', MAX_DESCRIPTION_LENGTH);
        v.check(alpha > 0 && alpha <= 0.5, 'experiment.alpha', 'must be in (0, 0.5]');
      });
      const input = sent!;
      const [flag, metric] = await Promise.all([
        flags.get(input.flagId),
        metrics.get(input.metricId),
      ]);
      const v = new Violations();
      if (!flag || flag.envId !== req.envId || flag.isArchived) {
        v.add('experiment.flag_id', 'no active flag with this id in the environment');
      } else {
        v.check(
          flag.variations.length >= 2,
          'experiment.flag_id',
          'the flag needs at least two variations',
        );
        v.check(
          flag.variations.some((x) => x.id === input.baselineVariationId),
          'experiment.baseline_variation_id',
          `is not a variation of flag ${flag.key}`,
        );
      }
      if (!metric || metric.envId !== req.envId || metric.isArchived) {
        v.add('experiment.metric_id', 'no active metric with this id in the environment');
      }
      v.throwIfAny();
      const id = randomUUID();
      const doc = await writer.create<ExperimentDoc>(
        experiments,
        ref(id),
        ({ now }) => ({
          _id: id,
          envId: req.envId,
          name: input.name.trim(),
          description: input.description,
          flagId: flag!._id,
          flagKey: flag!.key,
          metricId: metric!._id,
          baselineVariationId: input.baselineVariationId,
          alpha,
          status: 'not-started',
          iterations: [],
          isArchived: false,
          createdAt: now,
          updatedAt: now,
          creatorId: principal.tokenId,
          updaterId: principal.tokenId,
        }),
        { actorId: principal.tokenId, action: 'created' },
        // Ids are fresh UUIDs; a clash means a broken store, not a caller mistake.
        (err) => err,
      );
      return { experiment: experimentToProto(doc) };
    },

    async startIteration(req, { principal }) {
      validate((v) =>
        v
          .required(req.experimentId, 'experiment_id')
          .maxLength(req.description, 'description', MAX_ITERATION_NOTE_LENGTH)
          .revision(req.expectedRevision),
      );
      const id = req.experimentId;
      const current = await load(id, principal, Role.ROLE_EDITOR);
      const [flag, metric] = await Promise.all([
        flags.get(current.flagId),
        metrics.get(current.metricId),
      ]);
      if (!flag)
        throw new NotFound(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, current.flagKey, 'flag');
      if (!metric)
        throw new NotFound(ResourceType.RESOURCE_TYPE_METRIC, current.metricId, 'metric');
      const check = (cur: ExperimentDoc): void => {
        if (cur.isArchived) {
          throw precondition(ErrorReason.ERROR_REASON_ARCHIVED, `experiment ${id} is archived`, id);
        }
        if (cur.status === 'running') {
          throw precondition(
            ErrorReason.ERROR_REASON_INVALID_STATE,
            `experiment ${id} already has a running iteration`,
            id,
          );
        }
      };
      check(current);
      if (flag.isArchived) {
        throw precondition(ErrorReason.ERROR_REASON_ARCHIVED, `flag ${flag.key} is archived`, id);
      }
      if (metric.isArchived) {
        throw precondition(
          ErrorReason.ERROR_REASON_ARCHIVED,
          `metric ${metric.name} is archived`,
          id,
        );
      }
      if (!flag.variations.some((x) => x.id === current.baselineVariationId)) {
        throw precondition(
          ErrorReason.ERROR_REASON_INVALID_STATE,
          `the baseline variation is no longer a variation of flag ${flag.key}`,
          id,
        );
      }
      const weights = variationWeights(flag);
      const experiment = await transition(
        id,
        req.expectedRevision,
        principal,
        'iteration-started',
        (cur, now) => {
          check(cur);
          const iteration: IterationDoc = {
            id: randomUUID(),
            startedAt: now,
            endedAt: null,
            description: req.description,
            variationWeights: weights,
          };
          return { status: 'running', iterations: [...cur.iterations, iteration] };
        },
      );
      return { experiment };
    },

    async stopIteration(req, { principal }) {
      validate((v) => v.required(req.experimentId, 'experiment_id').revision(req.expectedRevision));
      const id = req.experimentId;
      await load(id, principal, Role.ROLE_EDITOR);
      const experiment = await transition(
        id,
        req.expectedRevision,
        principal,
        'iteration-stopped',
        (cur, now) => {
          if (cur.status !== 'running') {
            throw precondition(
              ErrorReason.ERROR_REASON_INVALID_STATE,
              `experiment ${id} has no running iteration`,
              id,
            );
          }
          return { status: 'stopped', iterations: endRunning(cur, now) };
        },
      );
      return { experiment };
    },

    async archiveExperiment(req, { principal }) {
      validate((v) => v.required(req.id, 'id').revision(req.expectedRevision));
      await load(req.id, principal, Role.ROLE_EDITOR);
      const experiment = await transition(
        req.id,
        req.expectedRevision,
        principal,
        'archived',
        (cur, now) => {
          if (cur.isArchived) {
            throw precondition(
              ErrorReason.ERROR_REASON_ARCHIVED,
              `experiment ${req.id} is already archived`,
              req.id,
            );
          }
          return cur.status === 'running'
            ? { isArchived: true, status: 'stopped', iterations: endRunning(cur, now) }
            : { isArchived: true };
        },
      );
      return { experiment };
    },

    async getExperimentResults(req, { principal }) {
      validate((v) => v.required(req.experimentId, 'experiment_id'));
      const exp = await load(req.experimentId, principal, Role.ROLE_VIEWER);
      const iteration = req.iterationId
        ? exp.iterations.find((it) => it.id === req.iterationId)
        : exp.iterations[exp.iterations.length - 1];
      if (!iteration) {
        throw new NotFound(
          ResourceType.RESOURCE_TYPE_EXPERIMENT,
          exp._id,
          `iteration ${req.iterationId || '(latest)'} of experiment`,
        );
      }
      const [flag, metric] = await Promise.all([flags.get(exp.flagId), metrics.get(exp.metricId)]);
      if (!metric) throw new NotFound(ResourceType.RESOURCE_TYPE_METRIC, exp.metricId, 'metric');
      if (!deps.analytics) throw new Unavailable('the analytics service is not configured');
      // The iteration's snapshot, plus variations added to the flag since (weight 0: no SRM share).
      const variations = iteration.variationWeights.map((w) => ({
        variationId: w.variationId,
        trafficWeight: w.weight,
      }));
      for (const x of flag?.variations ?? []) {
        if (!variations.some((w) => w.variationId === x.id)) {
          variations.push({ variationId: x.id, trafficWeight: 0 });
        }
      }
      const spec: ExperimentSpec = {
        envId: exp.envId,
        flagKey: exp.flagKey,
        variations,
        baselineVariationId: exp.baselineVariationId,
        metricEventName: metric.eventName,
        metricType: metricTypeToProto(metric.type),
        successCriterion: successCriterionToProto(metric.successCriterion),
        window: {
          startTime: new Date(iteration.startedAt),
          endTime: iteration.endedAt === null ? undefined : new Date(iteration.endedAt),
        },
        alpha: exp.alpha,
        minUsersPerVariation: 0,
      };
      const { results } = await deps.analytics.experimentResults({ spec });
      return { iteration: iterationToProto(iteration), results };
    },
  };
}
