// Experiment metrics: CRUD plus archive/restore, guarded against changes that would alter the
// results of experiments using them.
import { LIMITS } from '@vane/core';
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type { Metric, MetricServiceServer } from '@vane/gen/node/vane/admin/v1/metric_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter, TagMatchMode } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import type { Principal } from '../auth/principal.js';
import { requireRole } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { EnvAccess } from '../environments/env-access.js';
import type { ExperimentDoc } from '../experiments/experiment-doc.js';
import type { AdminService } from '../grpc/admin-service.js';
import { maskPaths } from '../shared/field-mask.js';
import { listPage } from '../shared/paging.js';
import { MAX_DESCRIPTION_LENGTH, validate } from '../shared/validation.js';
import type { Violations } from '../shared/validation.js';
import type { Collection, FieldCondition, Filter } from '../store/document-store.js';
import type { MetricDirection, MetricDoc, MetricKind } from './metric-doc.js';
import { validateEnums } from '../shared/list-request.js';
import { AlreadyExists, FailedPrecondition, NotFound } from '@vane/server-kit';

const UPDATABLE = [
  'name',
  'description',
  'event_name',
  'type',
  'success_criterion',
  'unit',
  'tags',
] as const;
type Updatable = (typeof UPDATABLE)[number];

/** Paths whose change would alter the results of experiments using the metric. */
const MEASURING: readonly Updatable[] = ['event_name', 'type', 'success_criterion'];

const MAX_UNIT_LENGTH = LIMITS.metricUnitLength;

const KINDS: Record<number, MetricKind | undefined> = {
  [MetricType.METRIC_TYPE_CONVERSION]: 'conversion',
  [MetricType.METRIC_TYPE_NUMERIC]: 'numeric',
};
const DIRECTIONS: Record<number, MetricDirection | undefined> = {
  [SuccessCriterion.SUCCESS_CRITERION_UNSPECIFIED]: 'higher-is-better',
  [SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER]: 'higher-is-better',
  [SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER]: 'lower-is-better',
};

/** The proto enum of a stored metric type. */
export function metricTypeToProto(kind: MetricKind): MetricType {
  return kind === 'conversion' ? MetricType.METRIC_TYPE_CONVERSION : MetricType.METRIC_TYPE_NUMERIC;
}

/** The proto enum of a stored success criterion. */
export function successCriterionToProto(direction: MetricDirection): SuccessCriterion {
  return direction === 'lower-is-better'
    ? SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER
    : SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER;
}

/** The proto form of a stored metric. */
export function metricToProto(doc: MetricDoc): Metric {
  return {
    id: doc._id,
    envId: doc.envId,
    name: doc.name,
    description: doc.description,
    eventName: doc.eventName,
    type: metricTypeToProto(doc.type),
    successCriterion: successCriterionToProto(doc.successCriterion),
    unit: doc.unit,
    tags: [...doc.tags],
    isArchived: doc.isArchived,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}

/** Dependencies of the metric service. */
export interface MetricServiceDeps {
  readonly metrics: Collection<MetricDoc>;
  /** Read only: which experiments use a metric. */
  readonly experiments: Collection<ExperimentDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
}

/** The editable fields of a proto metric, in stored form. */
type MetricFields = Pick<
  MetricDoc,
  'name' | 'description' | 'eventName' | 'type' | 'successCriterion' | 'unit' | 'tags'
>;

const FIELD_OF: Record<Updatable, keyof MetricFields> = {
  name: 'name',
  description: 'description',
  event_name: 'eventName',
  type: 'type',
  success_criterion: 'successCriterion',
  unit: 'unit',
  tags: 'tags',
};

/** Records the violations of the given paths of a sent metric. */
function checkMetric(
  v: Violations,
  sent: Metric | undefined,
  paths: readonly Updatable[],
  prefix: string,
): void {
  if (paths.includes('name')) v.required(sent?.name, `${prefix}.name`);
  if (paths.includes('description')) {
    v.maxLength(sent?.description, `${prefix}.description`, MAX_DESCRIPTION_LENGTH);
  }
  if (paths.includes('event_name')) v.required(sent?.eventName, `${prefix}.event_name`);
  if (paths.includes('type')) {
    v.check(
      KINDS[sent?.type ?? 0] !== undefined,
      `${prefix}.type`,
      'is required (METRIC_TYPE_CONVERSION or METRIC_TYPE_NUMERIC)',
    );
  }
  if (paths.includes('success_criterion')) {
    v.check(
      DIRECTIONS[sent?.successCriterion ?? 0] !== undefined,
      `${prefix}.success_criterion`,
      'must be a SuccessCriterion value',
    );
  }
  if (paths.includes('unit')) v.maxLength(sent?.unit, `${prefix}.unit`, MAX_UNIT_LENGTH);
}

/** The stored form of a validated proto metric. */
function fieldsOf(sent: Metric): MetricFields {
  return {
    name: sent.name.trim(),
    description: sent.description,
    eventName: sent.eventName.trim(),
    type: KINDS[sent.type]!,
    successCriterion: DIRECTIONS[sent.successCriterion]!,
    unit: sent.unit.trim(),
    tags: [...new Set(sent.tags.map((t) => t.trim()).filter((t) => t !== ''))],
  };
}

/** MetricService: VIEWER lists and gets; EDITOR does the rest, on the environment's project. */
export function metricService(deps: MetricServiceDeps): AdminService<MetricServiceServer> {
  const { metrics, experiments, envAccess, writer } = deps;
  const notFound = (id: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_METRIC, id, 'metric');
  const ref = (id: string) => ({ type: ResourceType.RESOURCE_TYPE_METRIC, display: id });
  const nameTaken = (name: string) => () =>
    new AlreadyExists(ResourceType.RESOURCE_TYPE_METRIC, name, 'metric name');

  /** The metric, if it exists and the principal has `role` on its environment's project. */
  async function load(id: string, principal: Principal, role: Role): Promise<MetricDoc> {
    validate((v) => v.required(id, 'id'));
    requireRole(principal, role);
    const doc = await metrics.get(id);
    if (!doc) throw notFound(id)();
    try {
      await envAccess(doc.envId, principal, role);
    } catch (err) {
      // Out of scope looks missing, as for environments.
      if (err instanceof NotFound) throw notFound(id)();
      throw err;
    }
    return doc;
  }

  async function assertUnused(id: string, filter: Filter, what: string): Promise<void> {
    const user = await experiments.findOne({ metricId: id, ...filter });
    if (user) {
      throw new FailedPrecondition(
        ErrorReason.ERROR_REASON_IN_USE,
        `${what} experiment ${user.name || user._id} uses metric ${id}`,
        ResourceType.RESOURCE_TYPE_METRIC,
        id,
        { referenced_by: user._id },
      );
    }
  }

  /** A state-only write (archive, restore) with its precondition checked on the stored doc. */
  async function stateChange(
    id: string,
    expectedRevision: number,
    principal: Principal,
    action: string,
    change: (current: MetricDoc) => Partial<MetricDoc>,
  ): Promise<Metric> {
    const doc = await writer.update(
      metrics,
      id,
      ref(id),
      expectedRevision,
      (cur, { now }) => ({ ...cur, ...change(cur), updatedAt: now, updaterId: principal.tokenId }),
      { actorId: principal.tokenId, action },
      notFound(id),
    );
    return metricToProto(doc);
  }

  const archived = (id: string) =>
    new FailedPrecondition(
      ErrorReason.ERROR_REASON_ARCHIVED,
      `metric ${id} is already archived`,
      ResourceType.RESOURCE_TYPE_METRIC,
      id,
    );
  const notArchived = (id: string) =>
    new FailedPrecondition(
      ErrorReason.ERROR_REASON_NOT_ARCHIVED,
      `metric ${id} is not archived`,
      ResourceType.RESOURCE_TYPE_METRIC,
      id,
    );

  return {
    async listMetrics(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      validate((v) =>
        v.check(
          req.type === MetricType.METRIC_TYPE_UNSPECIFIED || KINDS[req.type] !== undefined,
          'type',
          'must be a MetricType value',
        ),
      );
      const query = req.query.trim();
      const filter: Record<string, FieldCondition | readonly Filter[]> = { envId: req.envId };
      if (query) {
        filter.anyOf = [{ name: { contains: query } }, { eventName: { contains: query } }];
      }
      validateEnums({
        archived: [req.archived, ArchivedFilter],
        tag_match: [req.tagMatch, TagMatchMode],
      });
      const kind = KINDS[req.type];
      if (kind) filter.type = kind;
      if (req.archived === ArchivedFilter.ARCHIVED_FILTER_ARCHIVED) filter.isArchived = true;
      else if (req.archived !== ArchivedFilter.ARCHIVED_FILTER_ALL) filter.isArchived = false;
      if (req.tags.length > 0) {
        filter.tags =
          req.tagMatch === TagMatchMode.TAG_MATCH_MODE_ALL ? { all: req.tags } : { in: req.tags };
      }
      const { items, page } = await listPage(metrics, req.page, {
        filter,
        orderBy: 'name',
        scope: ['metrics', req.envId, query, req.type, req.archived, req.tags, req.tagMatch],
        count: true,
      });
      return { metrics: items.map(metricToProto), page };
    },

    async getMetric(req, { principal }) {
      return { metric: metricToProto(await load(req.id, principal, Role.ROLE_VIEWER)) };
    },

    async createMetric(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => {
        v.check(req.metric !== undefined, 'metric', 'is required');
        checkMetric(v, req.metric, UPDATABLE, 'metric');
      });
      const fields = fieldsOf(req.metric!);
      const id = randomUUID();
      const doc = await writer.create<MetricDoc>(
        metrics,
        ref(id),
        ({ now }) => ({
          _id: id,
          envId: req.envId,
          ...fields,
          isArchived: false,
          createdAt: now,
          updatedAt: now,
          creatorId: principal.tokenId,
          updaterId: principal.tokenId,
        }),
        { actorId: principal.tokenId, action: 'created' },
        nameTaken(fields.name),
      );
      return { metric: metricToProto(doc) };
    },

    async updateMetric(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      const current = await load(req.id, principal, Role.ROLE_EDITOR);
      const paths = maskPaths(req.updateMask, UPDATABLE);
      validate((v) => {
        v.check(req.metric !== undefined, 'metric', 'is required');
        checkMetric(v, req.metric, paths, 'metric');
      });
      const sent = fieldsOf({
        ...req.metric!,
        // Unmasked enum fields may hold anything; only masked ones are read (and validated).
        type: paths.includes('type') ? req.metric!.type : MetricType.METRIC_TYPE_CONVERSION,
        successCriterion: paths.includes('success_criterion')
          ? req.metric!.successCriterion
          : SuccessCriterion.SUCCESS_CRITERION_UNSPECIFIED,
      });
      const changesMeasure = (doc: MetricDoc) =>
        MEASURING.some((p) => paths.includes(p) && sent[FIELD_OF[p]] !== doc[FIELD_OF[p]]);
      if (changesMeasure(current)) {
        await assertUnused(req.id, { isArchived: { ne: true } }, 'active');
      }
      const doc = await writer.update(
        metrics,
        req.id,
        ref(req.id),
        req.expectedRevision,
        (cur, { now }) => {
          const next: Record<string, unknown> = { ...cur };
          for (const path of paths) next[FIELD_OF[path]] = sent[FIELD_OF[path]];
          return {
            ...(next as unknown as MetricDoc),
            updatedAt: now,
            updaterId: principal.tokenId,
          };
        },
        { actorId: principal.tokenId, action: 'updated', fields: paths },
        notFound(req.id),
        nameTaken(sent.name),
      );
      return { metric: metricToProto(doc) };
    },

    async archiveMetric(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      const current = await load(req.id, principal, Role.ROLE_EDITOR);
      if (current.isArchived) throw archived(req.id);
      await assertUnused(req.id, { status: 'running' }, 'running');
      const metric = await stateChange(
        req.id,
        req.expectedRevision,
        principal,
        'archived',
        (cur) => {
          if (cur.isArchived) throw archived(req.id);
          return { isArchived: true };
        },
      );
      return { metric };
    },

    async restoreMetric(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      await load(req.id, principal, Role.ROLE_EDITOR);
      const metric = await stateChange(
        req.id,
        req.expectedRevision,
        principal,
        'restored',
        (cur) => {
          if (!cur.isArchived) throw notArchived(req.id);
          return { isArchived: false };
        },
      );
      return { metric };
    },

    async deleteMetric(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      const current = await load(req.id, principal, Role.ROLE_EDITOR);
      if (!current.isArchived) throw notArchived(req.id);
      await assertUnused(req.id, {}, 'an');
      await writer.remove(
        metrics,
        req.id,
        ref(req.id),
        req.expectedRevision,
        { actorId: principal.tokenId, action: 'deleted' },
        notFound(req.id),
        (cur) => {
          if (!cur.isArchived) throw notArchived(req.id);
          // Frees the name for a new metric at once; the tombstone stays until relayed.
          return { ...cur, deleted: true, name: `${cur.name}\u0000deleted:${cur._id}` };
        },
      );
      return {};
    },
  };
}
