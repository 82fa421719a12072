// Pieces shared by the two versioned resources (flags and segments): archive/restore
// transitions, the delete tombstone, and the page of revision snapshots.
import { ArchivedFilter, TagMatchMode } from '@vane/gen/node/vane/common/v1/query';
import type { PageRequest, PageResponse } from '@vane/gen/node/vane/common/v1/query';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import type { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { AuditAction } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { auditAction } from '../audit/audit-action.js';
import { listPage } from '../shared/paging.js';
import { tombstoneKey } from '@vane/server-kit/documents';
import type { Collection, Filter, StoredDocument } from '../store/document-store.js';
import type { WriteContext } from './change-writer.js';
import type { AuditDoc } from './audit-entry.js';
import { FailedPrecondition } from '@vane/server-kit';

/** The patch that archives (`archive`) or restores a resource; FAILED_PRECONDITION if it is already so. */
export function archiveTransition(
  archive: boolean,
  current: { readonly isArchived?: boolean },
  type: ResourceType,
  label: string,
  key: string,
): { isArchived: boolean } {
  if (Boolean(current.isArchived) === archive) {
    throw new FailedPrecondition(
      archive ? ErrorReason.ERROR_REASON_ARCHIVED : ErrorReason.ERROR_REASON_NOT_ARCHIVED,
      archive ? `${label} ${key} is already archived` : `${label} ${key} is not archived`,
      type,
      key,
    );
  }
  return { isArchived: archive };
}

/** The tombstone of a deleted flag or segment: frees its key and carries the delete's version. */
export function versionedTombstone<T extends StoredDocument & { key: string; version: number }>(
  current: T,
  { version }: WriteContext,
): T {
  return {
    ...current,
    deleted: true,
    key: tombstoneKey(current.key, current._id),
    version: version!,
  };
}

/** One revision snapshot in the common proto shape (plus the resource, named by the caller). */
export interface RevisionView<T> {
  readonly revision: number;
  readonly snapshot: T;
  readonly action: AuditAction;
  readonly actorId: string;
  readonly comment: string;
  readonly createdAt: Date;
}

/**
 * A page of a resource's revision snapshots, newest first: the audit entries of its changes, whose
 * `after` is the resource as that change left it (deletions have none).
 */
export async function revisionPage<D extends StoredDocument>(
  audit: Collection<AuditDoc>,
  resourceId: string,
  page: PageRequest | undefined,
): Promise<{ views: RevisionView<D>[]; page: PageResponse }> {
  const result = await listPage(audit, page, {
    filter: { resourceId, after: { ne: null } },
    orderBy: 'createdAt',
    descending: true,
    scope: ['revisions', resourceId],
    count: true,
  });
  return {
    views: result.items.map((r) => ({
      revision: r.resourceRevision,
      snapshot: { ...(r.after as unknown as D), revision: r.resourceRevision, outbox: [] },
      action: auditAction(r.action),
      actorId: r.actorId,
      comment: r.comment,
      createdAt: new Date(r.createdAt),
    })),
    page: result.page,
  };
}

/** The list filters flags and segments share: environment, text query on key/name, tags, archive. */
export function versionedListFilter(req: {
  readonly envId: string;
  readonly query: string;
  readonly tags: readonly string[];
  readonly tagMatch: TagMatchMode;
  readonly archived: ArchivedFilter;
}): Record<string, Filter[string]> {
  const filter: Record<string, Filter[string]> = { envId: req.envId };
  const query = req.query.trim();
  if (query) filter.anyOf = [{ key: { contains: query } }, { name: { contains: query } }];
  if (req.tags.length > 0) {
    filter.tags =
      req.tagMatch === TagMatchMode.TAG_MATCH_MODE_ALL
        ? { all: [...req.tags] }
        : { in: [...req.tags] };
  }
  if (req.archived === ArchivedFilter.ARCHIVED_FILTER_ARCHIVED) filter.isArchived = true;
  else if (req.archived !== ArchivedFilter.ARCHIVED_FILTER_ALL) filter.isArchived = { ne: true };
  return filter;
}

/** The counter that gives an environment's sync versions. */
export function envVersionCounter(envId: string): string {
  return `env:${envId}`;
}
