// Feature flags: CRUD, toggle, archive/restore and every targeting edit, validated by core.
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type {
  FeatureFlagServiceServer,
  UpdateFeatureFlagRequest,
  UpdateFeatureFlagResponse,
} from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { FeatureFlag as ProtoFlag } from '@vane/gen/node/vane/model/v1/flag';
import type { ChangeWriter } from '../changes/change-writer.js';
import {
  archiveTransition,
  revisionPage,
  versionedListFilter,
  versionedTombstone,
} from '../changes/versioned-resource.js';
import type { Principal } from '../auth/principal.js';
import type { EnvAccess } from '../environments/env-access.js';
import type { AdminService } from '../grpc/admin-service.js';
import { maskPaths } from '../shared/field-mask.js';
import { keyLookup } from '../shared/key-lookup.js';
import { listPage } from '../shared/paging.js';
import { MAX_DESCRIPTION_LENGTH, validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import type { AuditDoc } from '../changes/audit-entry.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { envVersionCounter } from '../changes/versioned-resource.js';
import type { ExperimentDoc } from '../experiments/experiment-doc.js';
import { endUserFromProto, evaluationToProto, variationTypeFromProto } from '@vane/core/proto';
import { coreFlag, coreSegment } from '@vane/server-kit/documents';
import { compiledEnvironment, listAll } from './environment-contents.js';
import { keysToEvaluate } from './flag-evaluation.js';
import { flagFieldsFromProto, flagToProto, segmentIdsOf } from './flag-mapping.js';
import { assertValidFlag, checkVariationType } from './flag-validation.js';
import { assertArchived, assertNoActiveDependants, assertNotArchived } from './flag-write-rules.js';
import type { AnalyticsGateway } from './analytics-gateway.js';
import { versionedListOrder } from '../shared/list-request.js';
import { AlreadyExists, FailedPrecondition, NotFound, Unavailable } from '@vane/server-kit';

const UPDATABLE = [
  'name',
  'description',
  'tags',
  'variations',
  'disabled_variation_id',
  'target_users',
  'rules',
  'fallthrough',
  'expt_include_all_targets',
  'prerequisites',
] as const;

const FIELD_OF: Record<(typeof UPDATABLE)[number], keyof ReturnType<typeof flagFieldsFromProto>> = {
  name: 'name',
  description: 'description',
  tags: 'tags',
  variations: 'variations',
  disabled_variation_id: 'disabledVariationId',
  target_users: 'targetUsers',
  rules: 'rules',
  fallthrough: 'fallthrough',
  expt_include_all_targets: 'exptIncludeAllTargets',
  prerequisites: 'prerequisites',
};

/** The definition being written refers to what its validation context did not read. */
class StaleContext extends Error {}

/** Dependencies of the flag service. */
export interface FlagServiceDeps {
  readonly flags: Collection<FlagDoc>;
  readonly segments: Collection<SegmentDoc>;
  /** The audit log, read for revision snapshots. */
  readonly audit: Collection<AuditDoc>;
  /** Read only: running experiments block archiving their flag. */
  readonly experiments: Collection<ExperimentDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
  readonly analytics?: AnalyticsGateway;
}

/** FeatureFlagService: VIEWER reads, EDITOR writes, on the environment's project. */
export function flagService(deps: FlagServiceDeps): AdminService<FeatureFlagServiceServer> {
  const { flags, writer, envAccess } = deps;
  const ref = (envId: string, key: string) => ({
    type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
    display: key,
    versionCounter: envVersionCounter(envId),
  });
  const notFound = (key: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, key, 'flag');

  const lookUp = keyLookup(flags);
  async function byKey(envId: string, key: string, known = false): Promise<FlagDoc> {
    validate((v) => v.required(key, 'key'));
    const doc = await (known ? lookUp.known(envId, key) : lookUp.find(envId, key));
    if (!doc) throw notFound(key)();
    return doc;
  }

  /**
   * Checks the caller's access to the environment and reads the flag. The environment's project
   * is usually known (no read); otherwise both are read at once. Errors come in the order of
   * reading one after the other: an environment the caller may not see, then `checkArguments`,
   * then a missing flag (whose environment is then read, to tell a deleted one). With `known`,
   * the flag may come as this process last wrote it (for writes, whose commit checks it).
   */
  async function accessAndFlag(
    envId: string,
    key: string,
    principal: Principal,
    role: Role,
    checkArguments: () => void,
    known = false,
  ): Promise<FlagDoc> {
    if (envAccess.knownScope(envId, principal, role)) {
      checkArguments();
      const flag = await byKey(envId, key, known).catch(async (err: unknown) => {
        if (err instanceof NotFound) await envAccess(envId, principal, role);
        throw err;
      });
      return flag;
    }
    const [env, flag] = await Promise.allSettled([
      envAccess(envId, principal, role),
      byKey(envId, key, known),
    ]);
    if (env.status === 'rejected') throw env.reason;
    checkArguments();
    if (flag.status === 'rejected') throw flag.reason;
    return flag.value;
  }

  /**
   * Runs a write first on the flag as this process last wrote it (no read). Should that flag be
   * gone, because another instance deleted it (and may have reused its key), it runs once more on
   * the flag as read.
   */
  async function onKnown<R>(envId: string, key: string, write: (known: boolean) => Promise<R>) {
    try {
      return await write(true);
    } catch (err) {
      if (!(err instanceof NotFound) || !lookUp.forget(envId, key)) throw err;
      return write(false);
    }
  }

  /** What validating `doc` needs of its environment: the segments its rules name, and (only
   * when it has prerequisites) the other flags. */
  async function validationContext(
    envId: string,
    doc: Pick<FlagDoc, '_id' | 'rules' | 'prerequisites'>,
  ): Promise<{ segments: SegmentDoc[]; others: FlagDoc[]; othersRead: boolean }> {
    const segmentIds = [...new Set(segmentIdsOf(doc.rules))];
    const othersRead = (doc.prerequisites ?? []).length > 0;
    const [segments, others] = await Promise.all([
      segmentIds.length === 0 ? [] : listAll(deps.segments, { envId, _id: { in: segmentIds } }),
      othersRead
        ? listAll(flags, { envId }).then((all) => all.filter((f) => f._id !== doc._id))
        : [],
    ]);
    return { segments, others, othersRead };
  }

  async function validated(envId: string, doc: FlagDoc): Promise<void> {
    const { segments, others } = await validationContext(envId, doc);
    assertValidFlag(coreFlag(doc), segments.map(coreSegment), others.map(coreFlag));
  }

  /** A write on the flag `key` of `envId` that only changes simple state. */
  async function stateChange(
    envId: string,
    key: string,
    expectedRevision: number,
    action: string,
    comment: string,
    change: (current: FlagDoc) => Partial<FlagDoc> | undefined,
    principal: Principal,
    read?: FlagDoc,
    known = false,
  ): Promise<ProtoFlag> {
    const principalId = principal.tokenId;
    const current =
      read ??
      (await accessAndFlag(
        envId,
        key,
        principal,
        Role.ROLE_EDITOR,
        () => validate((v) => v.revision(expectedRevision)),
        known,
      ));
    const doc = await writer.update(
      flags,
      current,
      ref(envId, key),
      expectedRevision,
      (cur, { now, version }) => {
        const patch = change(cur);
        if (!patch) return cur;
        return {
          ...cur,
          ...patch,
          version: version!,
          updatedAt: new Date(now).toISOString(),
          updaterId: principalId,
        };
      },
      { actorId: principalId, action, comment },
      notFound(key),
    );
    lookUp.wrote(doc);
    return flagToProto(doc);
  }

  /** UpdateFeatureFlag; with `known`, on the flag as this process last wrote it. */
  async function updateFlag(
    req: UpdateFeatureFlagRequest,
    principal: Principal,
    known: boolean,
  ): Promise<UpdateFeatureFlagResponse> {
    const current = await accessAndFlag(
      req.envId,
      req.key,
      principal,
      Role.ROLE_EDITOR,
      () => {
        validate((v) =>
          v.revision(req.expectedRevision).check(req.flag !== undefined, 'flag', 'is required'),
        );
        const paths = maskPaths(req.updateMask, UPDATABLE);
        const sent = flagFieldsFromProto(req.flag!);
        validate((v) => {
          if (paths.includes('name')) v.required(sent.name, 'flag.name');
          v.maxLength(sent.description, 'flag.description', MAX_DESCRIPTION_LENGTH);
        });
      },
      known,
    );
    const paths = maskPaths(req.updateMask, UPDATABLE);
    const sent = flagFieldsFromProto(req.flag!);
    const apply = (cur: FlagDoc): FlagDoc => {
      const next: FlagDoc = { ...cur };
      for (const path of paths) Object.assign(next, { [FIELD_OF[path]]: sent[FIELD_OF[path]] });
      return { ...next, segmentIds: segmentIdsOf(next.rules) };
    };
    // Validation reads only what the new definition refers to. Should a write of another
    // instance change what it refers to before ours commits, the context is read again.
    for (let attempt = 1; ; attempt += 1) {
      const context = await validationContext(req.envId, apply(current));
      const covered = new Set(context.segments.map((seg) => seg._id));
      try {
        const doc = await writer.update(
          flags,
          attempt === 1 ? current : current._id,
          ref(req.envId, req.key),
          req.expectedRevision,
          (cur, { now, version }) => {
            assertNotArchived(cur);
            const result = {
              ...apply(cur),
              version: version!,
              updatedAt: new Date(now).toISOString(),
              updaterId: principal.tokenId,
            };
            const stale =
              result.segmentIds.some((id) => !covered.has(id)) ||
              ((result.prerequisites ?? []).length > 0 && !context.othersRead);
            if (stale && attempt < 3) throw new StaleContext();
            assertValidFlag(
              coreFlag(result),
              context.segments.map(coreSegment),
              context.others.filter((f) => f._id !== cur._id).map(coreFlag),
            );
            return result;
          },
          { actorId: principal.tokenId, action: 'updated', comment: req.comment, fields: paths },
          notFound(req.key),
        );
        lookUp.wrote(doc);
        return { flag: flagToProto(doc) };
      } catch (err) {
        if (!(err instanceof StaleContext)) throw err;
      }
    }
  }

  return {
    async listFeatureFlags(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const query = req.query.trim();
      const filter = versionedListFilter(req);
      if (req.isEnabled !== undefined) filter.isEnabled = req.isEnabled;
      const order = versionedListOrder(req);
      const { items, page } = await listPage(flags, req.page, {
        filter: filter,
        ...order,
        scope: [
          'flags',
          req.envId,
          query,
          req.tags,
          req.tagMatch,
          req.isEnabled,
          req.archived,
          req.orderBy,
        ],
        count: true,
      });
      return { flags: items.map(flagToProto), page };
    },

    async getFeatureFlag(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      return { flag: flagToProto(await byKey(req.envId, req.key)) };
    },

    async createFeatureFlag(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      const sent = req.flag;
      validate((v) => {
        v.key(sent?.key, 'flag.key').required(sent?.name, 'flag.name');
        v.maxLength(sent?.description, 'flag.description', MAX_DESCRIPTION_LENGTH);
        checkVariationType(v, sent?.variationType);
      });
      const input = sent!;
      const type = variationTypeFromProto(input.variationType)!;
      const fields = flagFieldsFromProto(input);
      // Friendly defaults: a boolean flag with no variations gets true/false; an empty
      // fallthrough serves the first variation; an empty off variation is the last one.
      const variations =
        fields.variations.length === 0 && type === 'boolean'
          ? [
              { id: randomUUID(), name: 'On', value: 'true' },
              { id: randomUUID(), name: 'Off', value: 'false' },
            ]
          : fields.variations;
      const first = variations[0]?.id ?? '';
      const id = randomUUID();
      const draft = (now: number, version: number): Omit<FlagDoc, 'revision' | 'outbox'> => ({
        ...fields,
        _id: id,
        id,
        envId: req.envId,
        key: input.key,
        variationType: type,
        variations,
        isEnabled: input.isEnabled,
        disabledVariationId:
          fields.disabledVariationId || (variations[variations.length - 1]?.id ?? ''),
        fallthrough:
          fields.fallthrough.variations.length > 0
            ? fields.fallthrough
            : {
                ...fields.fallthrough,
                variations: [{ id: first, rollout: [0, 1], exptRollout: 1 }],
              },
        isArchived: false,
        segmentIds: segmentIdsOf(fields.rules),
        version,
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        creatorId: principal.tokenId,
        updaterId: principal.tokenId,
      });
      await validated(req.envId, { ...draft(Date.now(), 0), revision: 0, outbox: [] });
      const doc = await writer.create<FlagDoc>(
        flags,
        ref(req.envId, input.key),
        ({ now, version }) => draft(now, version!),
        { actorId: principal.tokenId, action: 'created', comment: req.comment },
        () => new AlreadyExists(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, input.key, 'flag key'),
      );
      lookUp.wrote(doc);
      return { flag: flagToProto(doc) };
    },

    async updateFeatureFlag(req, { principal }) {
      return onKnown(req.envId, req.key, (known) => updateFlag(req, principal, known));
    },

    async toggleFeatureFlag(req, { principal }) {
      const flag = await onKnown(req.envId, req.key, (known) =>
        stateChange(
          req.envId,
          req.key,
          req.expectedRevision,
          'toggled',
          req.comment,
          (cur) => {
            assertNotArchived(cur);
            return cur.isEnabled === req.enabled ? undefined : { isEnabled: req.enabled };
          },
          principal,
          undefined,
          known,
        ),
      );
      return { flag };
    },
    async archiveFeatureFlag(req, { principal }) {
      const current = await accessAndFlag(req.envId, req.key, principal, Role.ROLE_EDITOR, () =>
        validate((v) => v.revision(req.expectedRevision)),
      );
      if (!current.isArchived) {
        await assertNoActiveDependants(flags, deps.experiments, current);
      }
      const flag = await stateChange(
        req.envId,
        req.key,
        req.expectedRevision,
        'archived',
        req.comment,
        // Archiving also switches the flag off, so a restore brings it back off (see the proto).
        (cur) => ({
          ...archiveTransition(true, cur, ResourceType.RESOURCE_TYPE_FEATURE_FLAG, 'flag', req.key),
          isEnabled: false,
        }),
        principal,
        current,
      );
      return { flag };
    },

    async restoreFeatureFlag(req, { principal }) {
      const flag = await stateChange(
        req.envId,
        req.key,
        req.expectedRevision,
        'restored',
        req.comment,
        // A restored flag comes back off, whatever state it was archived in (old data, imports).
        (cur) => ({
          ...archiveTransition(
            false,
            cur,
            ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
            'flag',
            req.key,
          ),
          isEnabled: false,
        }),
        principal,
      );
      return { flag };
    },

    async deleteFeatureFlag(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => v.revision(req.expectedRevision));
      const current = await byKey(req.envId, req.key);
      assertArchived(current);
      const dependents = await flags.findOne({
        envId: req.envId,
        'prerequisites.flagKey': req.key,
      });
      if (dependents) {
        throw new FailedPrecondition(
          ErrorReason.ERROR_REASON_IN_USE,
          `flag ${dependents.key} has ${req.key} as a prerequisite`,
          ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
          req.key,
          { referenced_by: dependents.key },
        );
      }
      await writer.remove(
        flags,
        current._id,
        ref(req.envId, req.key),
        req.expectedRevision,
        { actorId: principal.tokenId, action: 'deleted', comment: req.comment },
        notFound(req.key),
        versionedTombstone,
      );
      lookUp.forget(req.envId, req.key);
      return {};
    },

    async listFeatureFlagRevisions(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const flag = await byKey(req.envId, req.key);
      const { views, page } = await revisionPage<FlagDoc>(deps.audit, flag._id, req.page);
      return {
        revisions: views.map(({ snapshot, ...v }) => ({ ...v, flag: flagToProto(snapshot) })),
        page,
      };
    },

    async evaluateFeatureFlags(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      validate((v) => v.required(req.user?.keyId, 'user.key_id'));
      const env = await compiledEnvironment(flags, deps.segments, req.envId);
      const user = endUserFromProto(req.user!);
      const keys = keysToEvaluate(req.keys, env);
      return {
        results: keys.map((key) =>
          evaluationToProto(key, env.getFlag(key), env.evaluate(key, user)),
        ),
      };
    },

    async listFeatureFlagTags(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const tags = await flags.distinct('tags', { envId: req.envId });
      return { tags: tags.map(String).sort() };
    },

    async getFeatureFlagInsights(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const flag = await byKey(req.envId, req.key);
      if (!deps.analytics) throw new Unavailable('the analytics service is not configured');
      return {
        insights: await deps.analytics.flagInsights(
          req.envId,
          flag.key,
          req.timeRange,
          req.interval,
        ),
      };
    },
  };
}
