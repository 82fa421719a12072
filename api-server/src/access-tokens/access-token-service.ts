// AccessTokenService: list, get, create (plaintext returned once) and revoke, each limited to the
// tokens within the caller's authority (see token-authority.ts).
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type {
  AccessToken,
  AccessTokenServiceServer,
  CreateAccessTokenRequest,
} from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { requireRole, roleName } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { AdminService } from '../grpc/admin-service.js';
import { listPage } from '../shared/paging.js';
import { validate } from '../shared/validation.js';
import { KeyedMutex } from '../store/keyed-mutex.js';
import type { Collection, Filter } from '../store/document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';
import { createToken } from './create-token.js';
import { filteredCollection } from './filtered-collection.js';
import {
  ROLES,
  authorityFilter,
  isRootOwner,
  lastOwnerError,
  rootOwnersFilter,
  usableFilter,
  withinAuthority,
} from './token-authority.js';
import type { TokenUsage } from './token-usage.js';
import { NotFound } from '@vane/server-kit';

/** The proto form of a stored token (never its hash). */
export function accessTokenToProto(doc: AccessTokenDoc, lastUsedAt?: number): AccessToken {
  return {
    id: doc._id,
    name: doc.name,
    role: doc.role,
    allProjects: doc.allProjects,
    projectIds: [...doc.projectIds],
    tokenPrefix: doc.tokenPrefix,
    createdAt: new Date(doc.createdAt),
    creatorId: doc.creatorId,
    expiresAt: doc.expiresAt === undefined ? undefined : new Date(doc.expiresAt),
    lastUsedAt: lastUsedAt === undefined ? undefined : new Date(lastUsedAt),
    revokedAt: doc.revokedAt === undefined ? undefined : new Date(doc.revokedAt),
  };
}

/** What the service works on. */
export interface AccessTokenServiceDeps {
  readonly tokens: Collection<AccessTokenDoc>;
  readonly usage: TokenUsage;
  readonly writer: ChangeWriter;
  readonly authenticator: Authenticator;
}

function validateCreate(req: CreateAccessTokenRequest, principal: Principal): void {
  validate((v) => {
    v.required(req.name, 'name', 128);
    v.check(
      ROLES.includes(req.role),
      'role',
      'must be ROLE_VIEWER, ROLE_EDITOR, ROLE_ADMIN or ROLE_OWNER',
    );
    v.check(
      req.role <= principal.role,
      'role',
      `must be at most the caller's role (${roleName(principal.role)})`,
    );
    v.check(
      req.allProjects || req.projectIds.length > 0,
      'project_ids',
      'must name at least one project unless all_projects is true',
    );
    v.check(
      !req.allProjects || principal.allProjects,
      'all_projects',
      'needs a caller scoped to all projects',
    );
    v.check(
      principal.allProjects || req.projectIds.every((p) => principal.projectIds.includes(p)),
      'project_ids',
      "must be within the caller's own project scope",
    );
    v.check(
      req.expiresAt === undefined || req.expiresAt.getTime() > Date.now(),
      'expires_at',
      'must be in the future',
    );
  });
}

/** AccessTokenService: ADMIN manages the tokens within its authority; anyone asks "who am I". */
export function accessTokenService(
  deps: AccessTokenServiceDeps,
): AdminService<AccessTokenServiceServer> {
  const { tokens, usage, writer, authenticator } = deps;
  // Revocations run one at a time, so that two cannot both pass the last-OWNER check here.
  const revocations = new KeyedMutex();
  const notFound = (id: string) =>
    new NotFound(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, id, 'access token');
  const withUsage = async (doc: AccessTokenDoc) =>
    accessTokenToProto(doc, (await usage.lastUsed([doc._id])).get(doc._id));
  /** The token if it exists and is within the caller's authority; else NOT_FOUND. */
  const visible = async (principal: Principal, id: string) => {
    const doc = await tokens.get(id);
    if (!doc || !withinAuthority(principal, doc)) throw notFound(id);
    return doc;
  };

  return {
    async listAccessTokens(req, { principal }) {
      requireRole(principal, Role.ROLE_ADMIN);
      const query = req.query.trim();
      const allOf: Filter[] = [authorityFilter(principal)];
      if (!req.includeInactive) allOf.push(usableFilter(Date.now()));
      if (query) {
        allOf.push({
          anyOf: [{ name: { contains: query } }, { tokenPrefix: { contains: query } }],
        });
      }
      const view = principal.allProjects
        ? tokens
        : filteredCollection(tokens, (doc) => withinAuthority(principal, doc));
      const { items, page } = await listPage(view, req.page, {
        filter: { allOf },
        orderBy: 'createdAt',
        descending: true,
        scope: ['tokens', query, req.includeInactive, principal.tokenId],
        count: true,
      });
      const lastUsed = await usage.lastUsed(items.map((d) => d._id));
      return { accessTokens: items.map((d) => accessTokenToProto(d, lastUsed.get(d._id))), page };
    },

    async getAccessToken(req, { principal }) {
      if (req.id === '') {
        const self = await tokens.get(principal.tokenId);
        if (!self) throw notFound(principal.tokenId);
        return { accessToken: await withUsage(self) };
      }
      requireRole(principal, Role.ROLE_ADMIN);
      return { accessToken: await withUsage(await visible(principal, req.id)) };
    },

    async createAccessToken(req, { principal }) {
      requireRole(principal, Role.ROLE_ADMIN);
      validateCreate(req, principal);
      const { doc, token } = await createToken(tokens, writer, {
        name: req.name.trim(),
        role: req.role,
        allProjects: req.allProjects,
        projectIds: req.allProjects ? [] : [...new Set(req.projectIds)],
        expiresAt: req.expiresAt?.getTime(),
        creatorId: principal.tokenId,
      });
      return { accessToken: accessTokenToProto(doc), token };
    },

    async revokeAccessToken(req, { principal }) {
      validate((v) => v.required(req.id, 'id'));
      if (req.id !== principal.tokenId) requireRole(principal, Role.ROLE_ADMIN);
      const doc = await revocations.run('revoke', async () => {
        const target = await visible(principal, req.id);
        if (target.revokedAt !== undefined) return target; // revoking is idempotent
        const now = Date.now();
        if (isRootOwner(target, now) && (await tokens.count(rootOwnersFilter(now))) <= 1) {
          throw lastOwnerError(target._id);
        }
        return writer.update(
          tokens,
          req.id,
          { type: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, display: req.id },
          0,
          (cur, ctx) => (cur.revokedAt !== undefined ? cur : { ...cur, revokedAt: ctx.now }),
          { actorId: principal.tokenId, action: 'token-revoked' },
          () => notFound(req.id),
        );
      });
      authenticator.invalidate();
      return { accessToken: await withUsage(doc) };
    },
  };
}
