// The audit log: read-only, newest first, within the caller's project scope.
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { AuditAction } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import type {
  AuditLogEntry,
  AuditLogServiceServer,
} from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { requireRole } from '../auth/principal.js';
import type { AuditDoc } from '../changes/audit-entry.js';
import type { AdminService } from '../grpc/admin-service.js';
import { filtersOf, listPage } from '../shared/paging.js';
import type { Collection, Filter } from '../store/document-store.js';
import { actionStrings, auditAction } from './audit-action.js';
import { validateEnums } from '../shared/list-request.js';

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** The proto form of a stored audit entry. */
export function auditEntryToProto(doc: AuditDoc): AuditLogEntry {
  return {
    id: doc._id,
    actorId: doc.actorId,
    actorName: '',
    action: auditAction(doc.action),
    resourceType: doc.resourceType,
    resourceId: doc.resourceId,
    resourceKey: doc.resourceKey,
    projectId: doc.projectId,
    envId: doc.envId,
    beforeJson: json(doc.before),
    afterJson: json(doc.after),
    comment: doc.comment,
    revision: doc.resourceRevision,
    createdAt: new Date(doc.createdAt),
  };
}

/** AuditLogService: VIEWER in scope; access-token entries need ADMIN. */
export function auditLogService(audit: Collection<AuditDoc>): AdminService<AuditLogServiceServer> {
  return {
    async listAuditLogEntries(req, { principal }) {
      requireRole(principal, Role.ROLE_VIEWER);
      validateEnums({
        resource_type: [req.resourceType, ResourceType],
        actions: [req.actions, AuditAction],
      });
      if (req.projectId) requireRole(principal, Role.ROLE_VIEWER, req.projectId);
      const filter: Record<string, unknown> = {};
      if (!principal.allProjects) filter.projectId = { in: [...principal.projectIds] };
      if (req.projectId) filter.projectId = req.projectId;
      if (req.envId) filter.envId = req.envId;
      if (req.resourceType !== ResourceType.RESOURCE_TYPE_UNSPECIFIED) {
        filter.resourceType = req.resourceType;
      }
      if (principal.role < Role.ROLE_ADMIN) {
        if (req.resourceType === ResourceType.RESOURCE_TYPE_ACCESS_TOKEN) {
          requireRole(principal, Role.ROLE_ADMIN);
        }
        if (filter.resourceType === undefined) {
          filter.resourceType = { ne: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN };
        }
      }
      if (req.resourceId) filter.resourceId = req.resourceId;
      if (req.actorId) filter.actorId = req.actorId;
      if (req.actions.length > 0) filter.action = { in: req.actions.flatMap(actionStrings) };
      const and: Filter[] = [];
      if (req.timeRange?.startTime)
        and.push({ createdAt: { gte: req.timeRange.startTime.getTime() } });
      if (req.timeRange?.endTime) and.push({ createdAt: { lt: req.timeRange.endTime.getTime() } });
      const query = req.query.trim();
      if (query)
        and.push({
          anyOf: [{ resourceKey: { contains: query } }, { comment: { contains: query } }],
        });
      const combined: Filter = { ...(filter as Filter), ...(and.length > 0 ? { allOf: and } : {}) };
      const { items, page } = await listPage(audit, req.page, {
        filter: combined,
        orderBy: 'createdAt',
        descending: true,
        scope: ['audit', filtersOf(req), principal.tokenId],
      });
      return { entries: items.map(auditEntryToProto), page };
    },
  };
}
