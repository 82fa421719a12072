// Segments: CRUD, archive/restore, references; a targeting change re-versions the flags that use
// the segment, so every SDK re-evaluates them.
import { randomUUID } from 'node:crypto';
import { LIMITS } from '@vane/core';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type { SegmentServiceServer } from '@vane/gen/node/vane/admin/v1/segment_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import type { AuditDoc } from '../changes/audit-entry.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import {
  archiveTransition,
  revisionPage,
  versionedListFilter,
  versionedTombstone,
} from '../changes/versioned-resource.js';
import type { EnvAccess } from '../environments/env-access.js';
import { listAll } from '../flags/environment-contents.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { envVersionCounter } from '../changes/versioned-resource.js';
import type { AdminService } from '../grpc/admin-service.js';
import { maskPaths } from '../shared/field-mask.js';
import { listPage } from '../shared/paging.js';
import { MAX_DESCRIPTION_LENGTH, validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import { segmentFieldsFromProto, segmentToProto } from './segment-mapping.js';
import { assertValidSegment } from './segment-validation.js';
import { versionedListOrder } from '../shared/list-request.js';
import { AlreadyExists, FailedPrecondition, NotFound } from '@vane/server-kit';

const UPDATABLE = ['name', 'description', 'tags', 'included', 'excluded', 'rules'] as const;
const TARGETING: readonly string[] = ['included', 'excluded', 'rules'];

/** Dependencies of the segment service. */
export interface SegmentServiceDeps {
  readonly segments: Collection<SegmentDoc>;
  readonly flags: Collection<FlagDoc>;
  /** The audit log, read for revision snapshots. */
  readonly audit: Collection<AuditDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
}

/** SegmentService: VIEWER reads, EDITOR writes, on the environment's project. */
export function segmentService(deps: SegmentServiceDeps): AdminService<SegmentServiceServer> {
  const { segments, flags, writer, envAccess } = deps;
  const ref = (envId: string, key: string) => ({
    type: ResourceType.RESOURCE_TYPE_SEGMENT,
    display: key,
    versionCounter: envVersionCounter(envId),
  });
  const notFound = (key: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_SEGMENT, key, 'segment');

  async function byKey(envId: string, key: string): Promise<SegmentDoc> {
    validate((v) => v.required(key, 'key'));
    const doc = await segments.findOne({ envId, key });
    if (!doc) throw notFound(key)();
    return doc;
  }

  /** Active flags of the environment whose conditions name the segment. */
  function referencing(envId: string, segmentId: string): Promise<FlagDoc[]> {
    return listAll(flags, { envId, segmentIds: segmentId, isArchived: { ne: true } });
  }

  /** Moves the version of every flag that uses the segment, so SDKs re-evaluate it. */
  async function reversionFlags(
    envId: string,
    segmentId: string,
    principal: Principal,
  ): Promise<void> {
    for (const flag of await referencing(envId, segmentId)) {
      await writer
        .update(
          flags,
          flag._id,
          {
            type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
            display: flag.key,
            versionCounter: envVersionCounter(envId),
          },
          0,
          (cur, { now, version }) => ({
            ...cur,
            version: version!,
            updatedAt: new Date(now).toISOString(),
          }),
          { actorId: principal.tokenId, action: 'segment-changed', fields: ['segment'] },
          () => new NotFound(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, flag.key, 'flag'),
        )
        .catch((err: unknown) => {
          // A flag deleted meanwhile needs no new version.
          if (!(err instanceof NotFound)) throw err;
        });
    }
  }

  async function stateChange(
    envId: string,
    key: string,
    expectedRevision: number,
    action: string,
    comment: string,
    principal: Principal,
    patch: (cur: SegmentDoc) => Partial<SegmentDoc>,
  ): Promise<SegmentDoc> {
    const current = await byKey(envId, key);
    return writer.update(
      segments,
      current._id,
      ref(envId, key),
      expectedRevision,
      (cur, { now, version }) => ({
        ...cur,
        ...patch(cur),
        version: version!,
        updatedAt: new Date(now).toISOString(),
        updaterId: principal.tokenId,
      }),
      { actorId: principal.tokenId, action, comment },
      notFound(key),
    );
  }

  return {
    async listSegments(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      validate((v) => v.atMost(req.ids, 'ids', LIMITS.listSegmentIds, 'ids'));
      const query = req.query.trim();
      const filter = versionedListFilter(req);
      if (req.ids.length > 0) filter._id = { in: [...req.ids] };
      const order = versionedListOrder(req);
      const { items, page } = await listPage(segments, req.page, {
        filter: filter,
        ...order,
        scope: [
          'segments',
          req.envId,
          query,
          req.tags,
          req.tagMatch,
          req.archived,
          req.orderBy,
          req.ids,
        ],
        count: true,
      });
      return { segments: items.map(segmentToProto), page };
    },

    async getSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      return { segment: segmentToProto(await byKey(req.envId, req.key)) };
    },

    async createSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      const sent = req.segment;
      validate((v) =>
        v
          .key(sent?.key, 'segment.key')
          .required(sent?.name, 'segment.name')
          .maxLength(sent?.description, 'segment.description', MAX_DESCRIPTION_LENGTH),
      );
      const fields = segmentFieldsFromProto(sent!);
      const id = randomUUID();
      const draft = (now: number, version: number): Omit<SegmentDoc, 'revision' | 'outbox'> => ({
        ...fields,
        _id: id,
        id,
        envId: req.envId,
        key: sent!.key,
        isArchived: false,
        version,
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        creatorId: principal.tokenId,
        updaterId: principal.tokenId,
      });
      assertValidSegment({ ...draft(Date.now(), 0), revision: 0, outbox: [] });
      const doc = await writer.create<SegmentDoc>(
        segments,
        ref(req.envId, sent!.key),
        ({ now, version }) => draft(now, version!),
        { actorId: principal.tokenId, action: 'created', comment: req.comment },
        () => new AlreadyExists(ResourceType.RESOURCE_TYPE_SEGMENT, sent!.key, 'segment key'),
      );
      return { segment: segmentToProto(doc) };
    },

    async updateSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) =>
        v.revision(req.expectedRevision).check(req.segment !== undefined, 'segment', 'is required'),
      );
      const paths = maskPaths(req.updateMask, UPDATABLE);
      const sent = segmentFieldsFromProto(req.segment!);
      validate((v) => {
        if (paths.includes('name')) v.required(sent.name, 'segment.name');
        v.maxLength(sent.description, 'segment.description', MAX_DESCRIPTION_LENGTH);
      });
      const current = await byKey(req.envId, req.key);
      const doc = await writer.update(
        segments,
        current._id,
        ref(req.envId, req.key),
        req.expectedRevision,
        (cur, { now, version }) => {
          if (cur.isArchived) {
            throw new FailedPrecondition(
              ErrorReason.ERROR_REASON_ARCHIVED,
              `segment ${req.key} is archived`,
              ResourceType.RESOURCE_TYPE_SEGMENT,
              req.key,
            );
          }
          const next: SegmentDoc = { ...cur };
          for (const path of paths) Object.assign(next, { [path]: sent[path] });
          const result = {
            ...next,
            version: version!,
            updatedAt: new Date(now).toISOString(),
            updaterId: principal.tokenId,
          };
          assertValidSegment(result);
          return result;
        },
        { actorId: principal.tokenId, action: 'updated', comment: req.comment, fields: paths },
        notFound(req.key),
      );
      if (paths.some((p) => TARGETING.includes(p)))
        await reversionFlags(req.envId, doc._id, principal);
      return { segment: segmentToProto(doc) };
    },

    async archiveSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => v.revision(req.expectedRevision));
      const current = await byKey(req.envId, req.key);
      const users = await referencing(req.envId, current._id);
      if (users[0]) {
        throw new FailedPrecondition(
          ErrorReason.ERROR_REASON_IN_USE,
          `segment ${req.key} is used by flag ${users[0].key}`,
          ResourceType.RESOURCE_TYPE_SEGMENT,
          req.key,
          { referenced_by: users[0].key },
        );
      }
      const doc = await stateChange(
        req.envId,
        req.key,
        req.expectedRevision,
        'archived',
        req.comment,
        principal,
        (cur) =>
          archiveTransition(true, cur, ResourceType.RESOURCE_TYPE_SEGMENT, 'segment', req.key),
      );
      return { segment: segmentToProto(doc) };
    },

    async restoreSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => v.revision(req.expectedRevision));
      const doc = await stateChange(
        req.envId,
        req.key,
        req.expectedRevision,
        'restored',
        req.comment,
        principal,
        (cur) =>
          archiveTransition(false, cur, ResourceType.RESOURCE_TYPE_SEGMENT, 'segment', req.key),
      );
      return { segment: segmentToProto(doc) };
    },

    async deleteSegment(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => v.revision(req.expectedRevision));
      const current = await byKey(req.envId, req.key);
      if (!current.isArchived) {
        throw new FailedPrecondition(
          ErrorReason.ERROR_REASON_NOT_ARCHIVED,
          `archive segment ${req.key} before deleting it`,
          ResourceType.RESOURCE_TYPE_SEGMENT,
          req.key,
        );
      }
      await writer.remove(
        segments,
        current._id,
        ref(req.envId, req.key),
        req.expectedRevision,
        { actorId: principal.tokenId, action: 'deleted', comment: req.comment },
        notFound(req.key),
        versionedTombstone,
      );
      return {};
    },

    async listSegmentRevisions(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const segment = await byKey(req.envId, req.key);
      const { views, page } = await revisionPage<SegmentDoc>(deps.audit, segment._id, req.page);
      return {
        revisions: views.map(({ snapshot, ...v }) => ({ ...v, segment: segmentToProto(snapshot) })),
        page,
      };
    },

    async listSegmentReferences(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const segment = await byKey(req.envId, req.key);
      const all = await listAll(flags, { envId: req.envId, segmentIds: segment._id });
      return {
        references: all.map((f) => ({
          flagId: f._id,
          flagKey: f.key,
          flagName: f.name ?? '',
          flagIsArchived: f.isArchived ?? false,
          ruleIds: f.rules
            .filter((r) => r.conditions.some((c) => (c.value ?? '').includes(segment._id)))
            .map((r) => r.id ?? ''),
        })),
      };
    },
  };
}
