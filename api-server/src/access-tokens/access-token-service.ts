// Access tokens: create (plaintext returned once), list, get, revoke; and the first-run owner.
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type {
  AccessToken,
  AccessTokenServiceServer,
} from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Authenticator } from '../auth/authenticator.js';
import { SYSTEM, requireRole, roleName } from '../auth/principal.js';
import { hashToken, newTokenSecret, tokenDisplayPrefix } from '../auth/token-secret.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import { AlreadyExists, NotFound } from '../errors/domain-errors.js';
import type { AsyncService } from '../grpc/grpc-handlers.js';
import { listPage } from '../shared/paging.js';
import { validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';

const ROLES = [Role.ROLE_VIEWER, Role.ROLE_EDITOR, Role.ROLE_ADMIN, Role.ROLE_OWNER];

/** The proto form of a stored token (never its hash). */
export function accessTokenToProto(doc: AccessTokenDoc): AccessToken {
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
    lastUsedAt: undefined,
    revokedAt: doc.revokedAt === undefined ? undefined : new Date(doc.revokedAt),
  };
}

/** AccessTokenService: ADMIN manages tokens up to its own role; anyone may ask "who am I". */
export function accessTokenService(
  tokens: Collection<AccessTokenDoc>,
  writer: ChangeWriter,
  authenticator: Authenticator,
): AsyncService<AccessTokenServiceServer> {
  const ref = (id: string) => ({ type: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, display: id });
  const notFound = (id: string) => () =>
    new NotFound(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, id, 'access token');

  return {
    async listAccessTokens(req, { principal }) {
      requireRole(principal, Role.ROLE_ADMIN);
      const query = req.query.trim();
      const filter = {
        ...(req.includeInactive ? {} : { revokedAt: null }),
        ...(query ? { name: { contains: query } } : {}),
      };
      const { items, page } = await listPage(tokens, req.page, {
        filter,
        orderBy: 'createdAt',
        descending: true,
        scope: ['tokens', query, req.includeInactive],
        count: true,
      });
      return { accessTokens: items.map(accessTokenToProto), page };
    },

    async getAccessToken(req, { principal }) {
      if (req.id === '') {
        const self = await tokens.get(principal.tokenId);
        if (!self) throw notFound(principal.tokenId)();
        return { accessToken: accessTokenToProto(self) };
      }
      requireRole(principal, Role.ROLE_ADMIN);
      const doc = await tokens.get(req.id);
      if (!doc) throw notFound(req.id)();
      return { accessToken: accessTokenToProto(doc) };
    },

    async createAccessToken(req, { principal }) {
      requireRole(principal, Role.ROLE_ADMIN);
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
      const doc = await writer.update(
        tokens,
        req.id,
        ref(req.id),
        0,
        (cur, { now }) => (cur.revokedAt !== undefined ? cur : { ...cur, revokedAt: now }),
        { actorId: principal.tokenId, action: 'token-revoked' },
        notFound(req.id),
      );
      authenticator.invalidate();
      return { accessToken: accessTokenToProto(doc) };
    },
  };
}

/** What a new token is. */
interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly allProjects: boolean;
  readonly projectIds: readonly string[];
  readonly expiresAt?: number | undefined;
  readonly creatorId: string;
}

/** Stores a new token (given plaintext, or a fresh one) and returns it with its plaintext. */
export async function createToken(
  tokens: Collection<AccessTokenDoc>,
  writer: ChangeWriter,
  spec: NewToken,
  plaintext: string = newTokenSecret(),
): Promise<{ doc: AccessTokenDoc; token: string }> {
  const id = randomUUID();
  const doc = await writer.create<AccessTokenDoc>(
    tokens,
    ref(id),
    ({ now }) => ({
      _id: id,
      name: spec.name,
      role: spec.role,
      allProjects: spec.allProjects,
      projectIds: spec.projectIds,
      hash: hashToken(plaintext),
      tokenPrefix: tokenDisplayPrefix(plaintext),
      createdAt: now,
      creatorId: spec.creatorId,
      ...(spec.expiresAt !== undefined ? { expiresAt: spec.expiresAt } : {}),
    }),
    { actorId: spec.creatorId || SYSTEM.tokenId, action: 'created' },
    () => new AlreadyExists(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, spec.name, 'access token'),
  );
  return { doc, token: plaintext };
}

function ref(id: string) {
  return { type: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, display: id };
}

/**
 * First run: when no token exists, creates an OWNER token for all projects — the configured one
 * if given, else a new random one, returned so the caller can print it once.
 */
export async function bootstrapOwner(
  tokens: Collection<AccessTokenDoc>,
  writer: ChangeWriter,
  configured: string | undefined,
): Promise<string | undefined> {
  if (configured) {
    if (await tokens.findOne({ hash: hashToken(configured) })) return undefined;
  } else if ((await tokens.count({})) > 0) {
    return undefined;
  }
  const { token } = await createToken(
    tokens,
    writer,
    {
      name: 'bootstrap owner',
      role: Role.ROLE_OWNER,
      allProjects: true,
      projectIds: [],
      creatorId: '',
    },
    configured,
  );
  return token;
}
