// Environments and their SDK secrets (create, rotate, revoke).
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import type {
  Environment,
  EnvironmentServiceServer,
  Secret,
} from '@vane/gen/node/vane/admin/v1/environment_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import { inScope, requireRole } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { AdminService } from '../grpc/admin-service.js';
import type { ProjectDoc } from '../projects/project-doc.js';
import { maskPaths } from '../shared/field-mask.js';
import { listPage } from '../shared/paging.js';
import { MAX_DESCRIPTION_LENGTH, validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import { newEnvSecret } from './env-secret.js';
import type { EnvironmentDoc, SecretDoc } from '@vane/server-kit/documents';
import { AlreadyExists, FailedPrecondition, NotFound } from '@vane/server-kit';

const UPDATABLE = ['name', 'description'] as const;

function secretToProto(s: SecretDoc, reveal: boolean): Secret {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind === 'server' ? SecretKind.SECRET_KIND_SERVER : SecretKind.SECRET_KIND_CLIENT,
    // Client secrets are public by nature (they ship in browsers); server secrets need EDITOR.
    value: reveal || s.kind === 'client' ? s.value : '',
    createdAt: new Date(s.createdAt),
  };
}

/** The proto form of a stored environment, hiding server secrets from VIEWERs. */
export function environmentToProto(doc: EnvironmentDoc, principal: Principal): Environment {
  const reveal = principal.role >= Role.ROLE_EDITOR;
  return {
    id: doc._id,
    projectId: doc.projectId,
    key: doc.key,
    name: doc.name,
    description: doc.description,
    secrets: doc.secrets.map((s) => secretToProto(s, reveal)),
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}

function newSecret(envId: string, name: string, kind: 'server' | 'client', now: number): SecretDoc {
  return { id: randomUUID(), name, kind, value: newEnvSecret(envId), createdAt: now };
}

/** EnvironmentService: VIEWER reads in scope; ADMIN creates, updates, deletes and manages secrets. */
export function environmentService(
  environments: Collection<EnvironmentDoc>,
  projects: Collection<ProjectDoc>,
  countEnvContents: (envId: string) => Promise<number>,
  writer: ChangeWriter,
): AdminService<EnvironmentServiceServer> {
  const notFound = (id: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_ENVIRONMENT, id, 'environment');
  const ref = (id: string) => ({ type: ResourceType.RESOURCE_TYPE_ENVIRONMENT, display: id });

  /** The environment, if it exists and the principal's scope covers its project. */
  async function load(id: string, principal: Principal): Promise<EnvironmentDoc> {
    validate((v) => v.required(id, 'id'));
    const doc = await environments.get(id);
    if (!doc || !inScope(principal, doc.projectId)) throw notFound(id)();
    return doc;
  }

  async function secretChange(
    envId: string,
    principal: Principal,
    action: string,
    apply: (doc: EnvironmentDoc, now: number) => EnvironmentDoc,
  ): Promise<EnvironmentDoc> {
    const env = await load(envId, principal);
    requireRole(principal, Role.ROLE_ADMIN, env.projectId);
    return writer.update(
      environments,
      envId,
      ref(envId),
      0,
      (current, { now }) => ({
        ...apply(current, now),
        updatedAt: now,
        updaterId: principal.tokenId,
      }),
      { actorId: principal.tokenId, action, fields: ['secrets'] },
      notFound(envId),
    );
  }

  function findSecret(doc: EnvironmentDoc, secretId: string): SecretDoc {
    const secret = doc.secrets.find((s) => s.id === secretId);
    if (!secret) throw new NotFound(ResourceType.RESOURCE_TYPE_SECRET, secretId, 'secret');
    return secret;
  }

  return {
    async listEnvironments(req, { principal }) {
      requireRole(principal, Role.ROLE_VIEWER);
      const query = req.query.trim();
      if (req.projectId && !inScope(principal, req.projectId)) {
        throw new NotFound(ResourceType.RESOURCE_TYPE_PROJECT, req.projectId, 'project');
      }
      const scope = principal.allProjects ? {} : { projectId: { in: [...principal.projectIds] } };
      const filter = {
        ...scope,
        ...(req.projectId ? { projectId: req.projectId } : {}),
        ...(query ? { anyOf: [{ key: { contains: query } }, { name: { contains: query } }] } : {}),
      };
      const { items, page } = await listPage(environments, req.page, {
        filter,
        orderBy: 'key',
        scope: ['environments', req.projectId, query, principal.tokenId],
        count: true,
      });
      return { environments: items.map((d) => environmentToProto(d, principal)), page };
    },

    async getEnvironment(req, { principal }) {
      requireRole(principal, Role.ROLE_VIEWER);
      return { environment: environmentToProto(await load(req.id, principal), principal) };
    },

    async createEnvironment(req, { principal }) {
      validate((v) =>
        v
          .required(req.projectId, 'project_id')
          .key(req.key, 'key')
          .required(req.name, 'name')
          .maxLength(req.description, 'description', MAX_DESCRIPTION_LENGTH),
      );
      requireRole(principal, Role.ROLE_ADMIN, req.projectId);
      if (!(await projects.get(req.projectId))) {
        throw new NotFound(ResourceType.RESOURCE_TYPE_PROJECT, req.projectId, 'project');
      }
      const id = randomUUID();
      const doc = await writer.create<EnvironmentDoc>(
        environments,
        ref(id),
        ({ now }) => ({
          _id: id,
          projectId: req.projectId,
          key: req.key,
          name: req.name.trim(),
          description: req.description,
          secrets: [
            newSecret(id, 'Server key', 'server', now),
            newSecret(id, 'Client key', 'client', now),
          ],
          createdAt: now,
          updatedAt: now,
          creatorId: principal.tokenId,
          updaterId: principal.tokenId,
        }),
        { actorId: principal.tokenId, action: 'created' },
        () => new AlreadyExists(ResourceType.RESOURCE_TYPE_ENVIRONMENT, req.key, 'environment key'),
      );
      return { environment: environmentToProto(doc, principal) };
    },

    async updateEnvironment(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      const env = await load(req.id, principal);
      requireRole(principal, Role.ROLE_ADMIN, env.projectId);
      const paths = maskPaths(req.updateMask, UPDATABLE);
      const sent = req.environment;
      validate((v) => {
        if (paths.includes('name')) v.required(sent?.name, 'environment.name');
        v.maxLength(sent?.description, 'environment.description', MAX_DESCRIPTION_LENGTH);
      });
      const doc = await writer.update(
        environments,
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
      return { environment: environmentToProto(doc, principal) };
    },

    async deleteEnvironment(req, { principal }) {
      validate((v) => v.revision(req.expectedRevision));
      const env = await load(req.id, principal);
      requireRole(principal, Role.ROLE_ADMIN, env.projectId);
      if ((await countEnvContents(req.id)) > 0) {
        throw new FailedPrecondition(
          ErrorReason.ERROR_REASON_NOT_EMPTY,
          'delete the environment’s flags and segments first',
          ResourceType.RESOURCE_TYPE_ENVIRONMENT,
          req.id,
        );
      }
      await writer.remove(
        environments,
        req.id,
        ref(req.id),
        req.expectedRevision,
        { actorId: principal.tokenId, action: 'deleted' },
        notFound(req.id),
      );
      return {};
    },

    async addSecret(req, { principal }) {
      validate((v) =>
        v
          .required(req.envId, 'env_id')
          .required(req.name, 'name')
          .check(
            req.kind === SecretKind.SECRET_KIND_SERVER ||
              req.kind === SecretKind.SECRET_KIND_CLIENT,
            'kind',
            'must be SECRET_KIND_SERVER or SECRET_KIND_CLIENT',
          ),
      );
      let added: SecretDoc | undefined;
      const doc = await secretChange(req.envId, principal, 'secret-added', (current, now) => {
        added = newSecret(
          current._id,
          req.name.trim(),
          req.kind === SecretKind.SECRET_KIND_SERVER ? 'server' : 'client',
          now,
        );
        return { ...current, secrets: [...current.secrets, added] };
      });
      return {
        environment: environmentToProto(doc, principal),
        secret: secretToProto(added!, true),
      };
    },

    async rotateSecret(req, { principal }) {
      validate((v) => v.required(req.envId, 'env_id').required(req.secretId, 'secret_id'));
      let rotated: SecretDoc | undefined;
      const doc = await secretChange(req.envId, principal, 'secret-rotated', (current, now) => {
        const old = findSecret(current, req.secretId);
        rotated = { ...old, value: newEnvSecret(current._id), createdAt: now };
        return {
          ...current,
          secrets: current.secrets.map((s) => (s.id === old.id ? rotated! : s)),
        };
      });
      return {
        environment: environmentToProto(doc, principal),
        secret: secretToProto(rotated!, true),
      };
    },

    async revokeSecret(req, { principal }) {
      validate((v) => v.required(req.envId, 'env_id').required(req.secretId, 'secret_id'));
      const doc = await secretChange(req.envId, principal, 'secret-revoked', (current) => {
        findSecret(current, req.secretId);
        return { ...current, secrets: current.secrets.filter((s) => s.id !== req.secretId) };
      });
      return { environment: environmentToProto(doc, principal) };
    },
  };
}
