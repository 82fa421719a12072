// Projects: the top of the hierarchy (project → environments → flags and segments).
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type { ProjectServiceServer, Project } from '@vane/gen/node/vane/admin/v1/project_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { inScope, requireAllProjects, requireRole } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { AdminService } from '../grpc/admin-service.js';
import { maskPaths } from '../shared/field-mask.js';
import { listPage } from '../shared/paging.js';
import { MAX_DESCRIPTION_LENGTH, validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import type { EnvironmentDoc } from '@vane/server-kit/documents';
import type { ProjectDoc } from './project-doc.js';
import { AlreadyExists, FailedPrecondition, NotFound } from '@vane/server-kit';

const UPDATABLE = ['name', 'description'] as const;

/** The proto form of a stored project. */
export function projectToProto(doc: ProjectDoc): Project {
  return {
    id: doc._id,
    key: doc.key,
    name: doc.name,
    description: doc.description,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}

/** ProjectService: list/get for VIEWER in scope, update for ADMIN, create/delete for OWNER. */
export function projectService(
  projects: Collection<ProjectDoc>,
  environments: Collection<EnvironmentDoc>,
  writer: ChangeWriter,
): AdminService<ProjectServiceServer> {
  const notFound = (id: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_PROJECT, id, 'project');
  const ref = (id: string) => ({ type: ResourceType.RESOURCE_TYPE_PROJECT, display: id });

  return {
    async listProjects(req, { principal }) {
      requireRole(principal, Role.ROLE_VIEWER);
      const query = req.query.trim();
      const filter = {
        ...(principal.allProjects ? {} : { _id: { in: [...principal.projectIds] } }),
        ...(query ? { anyOf: [{ key: { contains: query } }, { name: { contains: query } }] } : {}),
      };
      const { items, page } = await listPage(projects, req.page, {
        filter,
        orderBy: 'key',
        scope: ['projects', query, principal.tokenId],
        count: true,
      });
      return { projects: items.map(projectToProto), page };
    },

    async getProject(req, { principal }) {
      requireRole(principal, Role.ROLE_VIEWER);
      validate((v) => v.required(req.id, 'id'));
      const doc = await projects.get(req.id);
      if (!doc || !inScope(principal, doc._id)) throw notFound(req.id)();
      return { project: projectToProto(doc) };
    },

    async createProject(req, { principal }) {
      requireRole(principal, Role.ROLE_OWNER);
      requireAllProjects(principal);
      validate((v) =>
        v
          .key(req.key, 'key')
          .required(req.name, 'name')
          .maxLength(req.description, 'description', MAX_DESCRIPTION_LENGTH),
      );
      const id = randomUUID();
      const doc = await writer.create<ProjectDoc>(
        projects,
        ref(id),
        ({ now }) => ({
          _id: id,
          key: req.key,
          name: req.name.trim(),
          description: req.description,
          createdAt: now,
          updatedAt: now,
          creatorId: principal.tokenId,
          updaterId: principal.tokenId,
        }),
        { actorId: principal.tokenId, action: 'created' },
        () => new AlreadyExists(ResourceType.RESOURCE_TYPE_PROJECT, req.key, 'project key'),
      );
      return { project: projectToProto(doc) };
    },

    async updateProject(req, { principal }) {
      validate((v) => v.required(req.id, 'id').revision(req.expectedRevision));
      requireRole(principal, Role.ROLE_ADMIN, req.id);
      const paths = maskPaths(req.updateMask, UPDATABLE);
      const sent = req.project;
      validate((v) => {
        if (paths.includes('name')) v.required(sent?.name, 'project.name');
        v.maxLength(sent?.description, 'project.description', MAX_DESCRIPTION_LENGTH);
      });
      const doc = await writer.update(
        projects,
        req.id,
        ref(req.id),
        req.expectedRevision,
        (current, { now }) => ({
          ...current,
          ...(paths.includes('name') ? { name: (sent?.name ?? '').trim() } : {}),
          ...(paths.includes('description') ? { description: sent?.description ?? '' } : {}),
          updatedAt: now,
          updaterId: principal.tokenId,
        }),
        { actorId: principal.tokenId, action: 'updated', fields: paths },
        notFound(req.id),
      );
      return { project: projectToProto(doc) };
    },

    async deleteProject(req, { principal }) {
      validate((v) => v.required(req.id, 'id').revision(req.expectedRevision));
      requireRole(principal, Role.ROLE_OWNER);
      requireAllProjects(principal);
      if ((await environments.count({ projectId: req.id })) > 0) {
        throw new FailedPrecondition(
          ErrorReason.ERROR_REASON_NOT_EMPTY,
          'delete the project’s environments first',
          ResourceType.RESOURCE_TYPE_PROJECT,
          req.id,
        );
      }
      await writer.remove(
        projects,
        req.id,
        ref(req.id),
        req.expectedRevision,
        { actorId: principal.tokenId, action: 'deleted' },
        notFound(req.id),
      );
      return {};
    },
  };
}
